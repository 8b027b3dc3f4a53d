/**
 * consent-verify.ts — consent conditions in `attest verify` (DESIGN rule 2, issue #10): each
 * condition must match the SHA-256 of its `consent-condition` entry (consent.ts
 * `conditionSha256`: every column, its salt included), and each entry's condition must still be
 * there — a condition is never removed through Attest, so one that is gone was deleted behind the
 * log's back, and an item it held back could leave. Problems name condition ids only.
 *
 * Conditions recorded before migration 0024 have no salt and had no entry; they are not reported
 * (nothing recorded them to compare with) unless an entry names them.
 */
import type { Ctx } from '../ctx.js';
import type { Problem } from '../custody/index.js';
import { CONSENT_ENTRY, conditionSha256 } from './consent.js';

/** verifyConsent checks every consent condition against the custody log, and back. */
export async function verifyConsent(ctx: Ctx): Promise<Problem[]> {
  const logged = new Map<string, { seq: number; sha256: string }>();
  const rows = await ctx.db
    .selectFrom('custody_entry')
    .select(['seq', 'payload'])
    .where('kind', '=', 'annotate')
    .where('payload', 'like', `%"action":"${CONSENT_ENTRY}"%`)
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    const data = JSON.parse(row.payload) as Record<string, unknown>;
    if (
      data.action !== CONSENT_ENTRY ||
      typeof data.condition !== 'string' ||
      typeof data.sha256 !== 'string'
    )
      continue;
    logged.set(data.condition, { seq: Number(row.seq), sha256: data.sha256 });
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const c of await ctx.db.selectFrom('consent_condition').selectAll().orderBy('id').execute()) {
    seen.add(c.id);
    const entry = logged.get(c.id);
    if (!entry) {
      if (c.salt !== null)
        problems.push({
          code: 'consent-unlogged',
          subject: c.id,
          message: 'no custody entry records this consent condition',
        });
    } else if (entry.sha256 !== conditionSha256(c))
      problems.push({
        code: 'consent-changed',
        subject: c.id,
        message: `the consent condition does not match the SHA-256 of its custody entry ${entry.seq}`,
      });
  }
  for (const [id, entry] of logged)
    if (!seen.has(id))
      problems.push({
        code: 'consent-missing',
        subject: id,
        message: `custody entry ${entry.seq} records this consent condition; the table has no such condition`,
      });
  return problems;
}
