/**
 * audit/service.ts — the access audit: every authentication event and every permission denial, with
 * time, actor, address, route pattern, outcome and request id. Never a password, token, cookie or
 * the username someone typed (it may be a mistyped password). Auditors page through it and
 * export it as CSV.
 */
import { type Selectable, sql } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import { nextValues } from '../../store/counters.js';
import type { AccessEventTable } from '../tables.js';

export type AccessEventKind =
  | 'login'
  | 'logout'
  | 'logout-everywhere'
  | 'setup'
  | 'setup-link'
  | 'password-change'
  | 'password-reset'
  | 'reset-link'
  | 'user-create'
  | 'user-disable'
  | 'grant'
  | 'revoke-grant'
  | 'token-create'
  | 'token-revoke'
  | 'token-failed'
  | 'denied'
  /** Failed sign-ins locked an account at an address, an account, or an address (outcome). */
  | 'lockout'
  /** An observation whose device signature did not verify (src/ops/observations/service.ts). */
  | 'signature-rejected'
  /** An observation signed by a revoked device key (a lost or seized phone still in use). */
  | 'device-key-revoked'
  /** A device sent a different signed body under a client id it had used (both kept). */
  | 'observation-conflict'
  /** A coordinator chose which body of a conflict stands, with a reason. */
  | 'observation-conflict-resolved'
  /** A legal officer released an item to an RFA despite its consent conditions (src/cases). */
  | 'consent-override'
  /** An exercise replay closed one of its accounts (outcome counts grants, tokens, sessions, devices). */
  | 'exercise-end';

/**
 * AuditSource says who acted and through which request: the HTTP layer fills it from the
 * request (src/access/http.ts, sourceOf), the CLI with actor `cli`. Services that change
 * accounts take one and record their own event, so the API and the CLI audit alike.
 */
export interface AuditSource {
  readonly actorId: string | null;
  readonly ip?: string | null;
  readonly method?: string | null;
  readonly route?: string | null;
  readonly requestId?: string | null;
}

export interface NewAccessEvent {
  readonly kind: AccessEventKind;
  readonly outcome: string;
  readonly actorId?: string | null;
  readonly targetId?: string | null;
  readonly ip?: string | null;
  readonly method?: string | null;
  readonly route?: string | null;
  readonly status?: number | null;
  readonly requestId?: string | null;
  /** The compartment the event concerns (a grant's, a revoked grant's), when it has one. */
  readonly compartment?: string | null;
}

export type AccessEvent = Selectable<AccessEventTable>;

/** recordAccessEvent appends one event (its own transaction: a denial is recorded even then). */
export async function recordAccessEvent(ctx: Ctx, event: NewAccessEvent): Promise<void> {
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const seq = await nextValues(trx, 'access_event');
    await trx
      .insertInto('access_event')
      .values({
        seq,
        at,
        kind: event.kind,
        outcome: event.outcome,
        actor_id: event.actorId ?? null,
        target_id: event.targetId ?? null,
        ip: event.ip ?? null,
        method: event.method ?? null,
        route: event.route ?? null,
        status: event.status ?? null,
        request_id: event.requestId ?? null,
        compartment: event.compartment ?? null,
      })
      .execute();
  });
}

export interface AuditQuery {
  /** Cursor: continue after this sequence number. */
  readonly after?: number;
  readonly limit?: number;
  readonly kind?: string;
  readonly outcome?: string;
  readonly actorId?: string;
  /** Inclusive lower and exclusive upper bounds on `at` (ISO 8601). */
  readonly since?: string;
  readonly until?: string;
  /**
   * Only events concerning these compartments (a compartment-scoped auditor or admin); absent
   * for a deployment-wide reader, who sees every event.
   */
  readonly compartments?: readonly string[];
}

/** auditFrom records `kind`/`outcome` by `source`, about `targetId` (and `compartment`). */
export function auditFrom(
  ctx: Ctx,
  source: AuditSource,
  kind: AccessEventKind,
  outcome: string,
  targetId?: string | null,
  compartment?: string | null,
): Promise<void> {
  return recordAccessEvent(ctx, {
    ...source,
    kind,
    outcome,
    targetId: targetId ?? null,
    compartment: compartment ?? null,
  });
}

/** queryAccessEvents returns events in order, one page, and the cursor of the next page. */
export async function queryAccessEvents(
  ctx: Ctx,
  query: AuditQuery,
): Promise<{ events: AccessEvent[]; next: number | null }> {
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  let q = ctx.db
    .selectFrom('access_event')
    .selectAll()
    .orderBy('seq')
    .limit(limit + 1);
  if (query.after !== undefined) q = q.where('seq', '>', query.after);
  if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
  if (query.outcome !== undefined) q = q.where('outcome', '=', query.outcome);
  if (query.actorId !== undefined) q = q.where('actor_id', '=', query.actorId);
  if (query.since !== undefined) q = q.where('at', '>=', query.since);
  if (query.until !== undefined) q = q.where('at', '<', query.until);
  if (query.compartments !== undefined) {
    q =
      query.compartments.length === 0
        ? q.where(sql<boolean>`1 = 0`)
        : q.where('compartment', 'in', [...query.compartments]);
  }
  const rows = (await q.execute()).map((r) => ({ ...r, seq: Number(r.seq) }));
  const more = rows.length > limit;
  const events = more ? rows.slice(0, limit) : rows;
  return { events, next: more ? events[events.length - 1]!.seq : null };
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'kind',
  'outcome',
  'actor_id',
  'target_id',
  'ip',
  'method',
  'route',
  'status',
  'request_id',
  'compartment',
] as const;

/**
 * csvCell quotes a value for CSV (RFC 4180) and defuses formula injection (OWASP "CSV
 * Injection"): a cell starting with = + - @ tab or carriage return gets a leading apostrophe, so
 * a spreadsheet shows it as text instead of running it.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  if (/[",\r\n']/.test(s)) s = `"${s.replaceAll('"', '""')}"`;
  return s;
}

/** auditCsvRow renders one event as a CSV line (with CRLF, as RFC 4180 asks). */
export function auditCsvRow(event: AccessEvent): string {
  return `${AUDIT_CSV_COLUMNS.map((c) => csvCell(event[c])).join(',')}\r\n`;
}

/** Most rows in one CSV export; page further with `after`. */
export const CSV_EXPORT_MAX_ROWS = 100_000;

/** exportAccessEventsCsv renders the events matching `query` as CSV, a page at a time. */
export async function exportAccessEventsCsv(ctx: Ctx, query: AuditQuery): Promise<string> {
  const rows: string[] = [`${AUDIT_CSV_COLUMNS.join(',')}\r\n`];
  let page: AuditQuery = { ...query, limit: 1000 };
  for (let n = 0; n < CSV_EXPORT_MAX_ROWS / 1000; n++) {
    const { events, next } = await queryAccessEvents(ctx, page);
    for (const e of events) rows.push(auditCsvRow(e));
    if (next === null) break;
    page = { ...page, after: next };
  }
  return rows.join('');
}
