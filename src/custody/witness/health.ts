/**
 * health.ts — the witnesses' state for the server-health report (issue 17): per configured
 * witness, the last checkpoint it cosigned and when, the age of that cosignature, its last error
 * (and whether that error means it refused this log's history), and whether the quorum of
 * distinct witnesses cosigned the latest checkpoint.
 */
import type { Ctx } from '../../ctx.js';
import { latestCheckpointRow } from '../repo.js';
import { FORK_CODES, type WitnessFailureCode } from './protocol.js';
import { cosignatureRows, witnessRows } from './repo.js';

export interface WitnessHealth {
  readonly configured: boolean;
  readonly quorum: number;
  /** The latest checkpoint's number and size, and how many configured witnesses cosigned it. */
  readonly latest: { readonly number: number; readonly size: number; readonly cosignedBy: number } | null;
  readonly quorumMet: boolean;
  readonly witnesses: readonly {
    readonly name: string;
    readonly vkey: string;
    readonly cosignedLatest: boolean;
    readonly cosignedSize: number | null;
    readonly cosignedAt: string | null;
    readonly ageSeconds: number | null;
    readonly lastSuccessAt: string | null;
    readonly lastAttemptAt: string | null;
    readonly failures: number;
    readonly nextAttemptAt: string | null;
    readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
    /** The last error says the witness refused this log's history (rewrite or rollback). */
    readonly fork: boolean;
  }[];
}

/** witnessHealth reports the configured witnesses at the context's time. */
export async function witnessHealth(ctx: Ctx): Promise<WitnessHealth> {
  const { witnesses, quorum } = ctx.config.witnesses;
  const now = ctx.clock().getTime();
  const latestRow = await latestCheckpointRow(ctx.db);
  const rows = new Map(
    (
      await witnessRows(
        ctx.db,
        witnesses.map((w) => w.vkey),
      )
    ).map((r) => [r.vkey, r]),
  );
  const onLatest = new Set(
    latestRow ? (await cosignatureRows(ctx.db, Number(latestRow.number))).map((r) => r.witness_vkey) : [],
  );
  const list = witnesses.map((w) => {
    const r = rows.get(w.vkey);
    const cosignedAt = r?.cosigned_at ?? null;
    return {
      name: w.name,
      vkey: w.vkey,
      cosignedLatest: onLatest.has(w.vkey),
      cosignedSize: r?.cosigned_size == null ? null : Number(r.cosigned_size),
      cosignedAt,
      ageSeconds: cosignedAt ? Math.max(0, Math.floor((now - Date.parse(cosignedAt)) / 1000)) : null,
      lastSuccessAt: r?.last_success_at ?? null,
      lastAttemptAt: r?.last_attempt_at ?? null,
      failures: Number(r?.failures ?? 0),
      nextAttemptAt: r?.next_attempt_at ?? null,
      lastError:
        r?.last_error_code && r.last_error && r.last_error_at
          ? { code: r.last_error_code, message: r.last_error, at: r.last_error_at }
          : null,
      fork: FORK_CODES.includes(r?.last_error_code as WitnessFailureCode),
    };
  });
  const cosignedBy = list.filter((w) => w.cosignedLatest).length;
  return {
    configured: witnesses.length > 0,
    quorum,
    latest: latestRow ? { number: Number(latestRow.number), size: Number(latestRow.size), cosignedBy } : null,
    quorumMet: witnesses.length > 0 && latestRow !== undefined && cosignedBy >= quorum,
    witnesses: list,
  };
}
