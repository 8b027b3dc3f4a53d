/**
 * verify.ts — the analysis part of `attest verify` (DESIGN rule 2: the log is checked against
 * the tables). Each entity, incident, link and claim must match the SHA-256 in its latest
 * custody `annotate` entry (the record's canonical JSON with its salt, records.ts), and each
 * stance the latest `claim-stance` entry of its claim and item; a record or stance with no entry,
 * or an entry whose record or stance is gone, is reported. The problems name record ids only.
 */

import type { Ctx } from '../ctx.js';
import type { Problem } from '../custody/index.js';
import { type CanonicalValue, canonicalJson } from '../lib/canonical-json.js';
import { sha256Hex } from '../lib/hash.js';
import { verifyAnnotations } from './annotations/verify.js';
import { stanceBody } from './claims.js';

interface Logged {
  readonly seq: number;
  readonly sha256: string;
  /** What the hash commits to (records.ts COMMITMENT): '1' for entries written before it. */
  readonly commitment: string;
}

const RECORD_ACTIONS = ['entity-create', 'entity-update', 'incident-create', 'link-create', 'claim-create'];

/** latestEntries reads the annotate entries of analysis records: the latest per record (and per stance). */
async function latestEntries(
  ctx: Ctx,
): Promise<{ records: Map<string, Logged>; stances: Map<string, Logged> }> {
  const rows = await ctx.db
    .selectFrom('custody_entry')
    .select(['seq', 'payload', 'item_id'])
    .where('kind', '=', 'annotate')
    .where((eb) =>
      eb.or([...RECORD_ACTIONS, 'claim-stance'].map((a) => eb('payload', 'like', `%"annotation":"${a}"%`))),
    )
    .orderBy('seq')
    .execute();
  const records = new Map<string, Logged>();
  const stances = new Map<string, Logged>();
  for (const row of rows) {
    const data = JSON.parse(row.payload) as Record<string, unknown>;
    const action = data.annotation;
    if (typeof action !== 'string' || typeof data.record !== 'string' || typeof data.sha256 !== 'string')
      continue;
    const commitment = typeof data.commitment === 'string' ? data.commitment : '1';
    const logged = { seq: Number(row.seq), sha256: data.sha256, commitment };
    if (RECORD_ACTIONS.includes(action)) records.set(data.record, logged);
    else if (action === 'claim-stance' && row.item_id) stances.set(`${data.record} ${row.item_id}`, logged);
  }
  return { records, stances };
}

function bodyHash(row: Record<string, unknown>, omit: readonly string[]): string {
  const body: Record<string, CanonicalValue> = {};
  for (const [k, v] of Object.entries(row)) if (!omit.includes(k)) body[k] = v as CanonicalValue;
  return sha256Hex(canonicalJson(body));
}

/** The columns commitment 1 left out of a record's hash (commitment 2 leaves out none). */
const LEGACY_OMIT = { entity: ['created_at', 'updated_at'], other: ['created_at'] } as const;

/**
 * verifyAnalysis checks every analysis record and stance against the custody log, and every
 * logged record and stance against the tables: a changed row (any column, created_at and
 * created_by included for entries of commitment 2) is `analysis-changed`, a row without an entry
 * `analysis-unlogged`, an entry whose row is gone `analysis-record-missing` or
 * `analysis-stance-missing`.
 */
export async function verifyAnalysis(ctx: Ctx): Promise<Problem[]> {
  const problems: Problem[] = [];
  const { records, stances } = await latestEntries(ctx);
  const seen = new Set<string>();
  const check = (id: string, row: Record<string, unknown>, legacyOmit: readonly string[]) => {
    seen.add(id);
    const logged = records.get(id);
    if (!logged)
      problems.push({
        code: 'analysis-unlogged',
        subject: id,
        message: 'no custody entry records this record',
      });
    else if (logged.sha256 !== bodyHash(row, logged.commitment === '1' ? legacyOmit : []))
      problems.push({
        code: 'analysis-changed',
        subject: id,
        message: `the record does not match the SHA-256 of its custody entry ${logged.seq}`,
      });
  };
  for (const r of await ctx.db.selectFrom('entity').selectAll().execute()) check(r.id, r, LEGACY_OMIT.entity);
  for (const table of ['incident', 'link', 'claim'] as const)
    for (const r of await ctx.db.selectFrom(table).selectAll().execute()) check(r.id, r, LEGACY_OMIT.other);
  for (const id of records.keys())
    if (!seen.has(id))
      problems.push({
        code: 'analysis-record-missing',
        subject: id,
        message: 'a custody entry records it; the table has no such record',
      });
  const stanceSeen = new Set<string>();
  for (const s of await ctx.db.selectFrom('stance').selectAll().execute()) {
    const key = `${s.claim_id} ${s.item_id}`;
    stanceSeen.add(key);
    const logged = stances.get(key);
    const hash =
      logged?.commitment === '1'
        ? sha256Hex(canonicalJson({ claim: s.claim_id, item: s.item_id, stance: s.stance }))
        : sha256Hex(canonicalJson(stanceBody(s)));
    if (logged?.sha256 !== hash)
      problems.push({
        code: logged ? 'analysis-changed' : 'analysis-unlogged',
        subject: key,
        message: logged
          ? `the stance does not match its custody entry ${logged.seq}`
          : 'no custody entry records this stance',
      });
  }
  // A stance is never removed, only replaced (claims.ts setStance): a logged one that is gone was deleted.
  for (const [key, logged] of stances)
    if (!stanceSeen.has(key))
      problems.push({
        code: 'analysis-stance-missing',
        subject: key,
        message: `custody entry ${logged.seq} records this stance; the table has no such stance`,
      });
  problems.push(...(await verifyAnnotations(ctx)));
  return problems;
}
