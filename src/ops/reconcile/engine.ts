/**
 * engine.ts — the reconciliation engine hosted over the store. The pure engine (reconcile.ts) keeps
 * its state in memory; this keeps that state level with the database: it applies observations in
 * the order they were accepted (`observation.seq`), rebuilds from scratch when the registry changed
 * (operations, statuses, vehicles), ticks the clock for time-based alerts, and writes each alert
 * change to the `alert` table with its lifecycle (open → acknowledged → resolved) and to the
 * operation's event stream. Syncs are serialised, so concurrent requests see one sequence.
 *
 * Because the engine catches up from the store rather than from its own writes, a second server
 * process (the PostgreSQL tier) sees every observation too; the time-based alerts are written by
 * whichever process ticks first, and re-writing the same alert is a no-op.
 */
import { createHash } from 'node:crypto';
import { type Ctx, nowIso } from '../../ctx.js';
import {
  isUntouched,
  mergeDerivedAlert,
  RETRACTED_NOTE,
  withdrawnAlertResolution,
} from '../alerts/lifecycle.js';
import { publishEvents } from '../events/publish.js';
import type { Alert, Registry, StoredAlert } from '../model.js';
import {
  alertFromRow,
  alertRow,
  deleteUntouchedAlerts,
  selectAlertsByKey,
  selectAllAlerts,
  upsertAlerts,
} from '../repo/alerts.js';
import { observationsAfter, selectUnresolvedConflicts } from '../repo/observations.js';
import { registryVersion, selectRegistry } from '../repo/operations.js';
import {
  type AlertChange,
  applyObservation,
  createReconcileState,
  type ReconcileState,
  reconcileAll,
  tick,
} from './reconcile.js';

/** alertId is the public id of an alert: a digest of its stable key, safe in a URL. */
export function alertId(key: string): string {
  return `alert-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

export class OpsEngine {
  private state: ReconcileState | null = null;
  private registryData: Registry = { mandates: [], operations: [], convoys: [], vehicles: [] };
  private registryVersion = -1;
  private lastSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** The engine's clock: the context's unless given (tests and exercises step it). */
  private readonly clock: () => Date;

  constructor(
    private readonly ctx: Ctx,
    options: { readonly clock?: () => Date } = {},
  ) {
    this.clock = options.clock ?? ctx.clock;
  }

  /**
   * read syncs with the store, then runs `fn` on the state (no await inside `fn`: the state may
   * move on after it returns).
   */
  read<T>(fn: (state: ReconcileState, registry: Registry) => T): Promise<T> {
    return this.serialised(async () => {
      await this.syncNow();
      return fn(this.state!, this.registryData);
    });
  }

  /** sync brings the state level with the store and the clock; it writes and publishes alert changes. */
  sync(): Promise<StoredAlert[]> {
    return this.serialised(() => this.syncNow());
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncNow(): Promise<StoredAlert[]> {
    const now = this.clock().getTime();
    const version = await registryVersion(this.ctx.db);
    if (this.state === null || version !== this.registryVersion) {
      await this.rebuild(version, now);
      return this.persistAll();
    }
    const changes: AlertChange[] = [];
    for await (const { seq, observation } of observationsAfter(this.ctx.db, this.lastSeq)) {
      changes.push(...applyObservation(this.state, observation, now).changes);
      this.lastSeq = seq;
    }
    changes.push(...tick(this.state, now));
    return this.persistChanges(changes);
  }

  private async rebuild(version: number, now: number): Promise<void> {
    this.registryData = await selectRegistry(this.ctx.db);
    const input = {
      operations: this.registryData.operations,
      convoys: this.registryData.convoys,
      vehicles: this.registryData.vehicles,
      conflicts: await selectUnresolvedConflicts(this.ctx.db),
    };
    const observations = [];
    let lastSeq = 0;
    for await (const { seq, observation } of observationsAfter(this.ctx.db, 0)) {
      observations.push(observation);
      lastSeq = seq;
    }
    this.state =
      observations.length > 0 ? reconcileAll(input, observations, now) : createReconcileState(input, now);
    this.lastSeq = lastSeq;
    this.registryVersion = version;
  }

  /** persistAll writes the difference between the derived alerts and the stored ones. */
  private async persistAll(): Promise<StoredAlert[]> {
    const stored = await selectAllAlerts(this.ctx.db);
    const byKey = new Map(stored.map((a) => [a.key, a] as const));
    const nowText = nowIso(this.ctx);
    const next: Array<{ alert: Alert; previous: StoredAlert | undefined }> = [];
    for (const derived of this.state!.alerts.values()) {
      next.push({
        alert: mergeDerivedAlert(byKey.get(derived.key), derived),
        previous: byKey.get(derived.key),
      });
    }
    const withdrawn: StoredAlert[] = [];
    for (const previous of stored) {
      if (!this.state!.alerts.has(previous.key)) withdrawn.push(previous);
    }
    return [...(await this.retract(withdrawn, next, nowText)), ...(await this.write(next, nowText))];
  }

  /**
   * retract removes the withdrawn alerts nobody acted on (lifecycle.ts isUntouched) and queues the
   * others to be resolved with a note; it publishes each retraction on the operation's stream.
   */
  private async retract(
    withdrawn: readonly StoredAlert[],
    next: Array<{ alert: Alert; previous: StoredAlert | undefined }>,
    nowText: string,
  ): Promise<StoredAlert[]> {
    const untouched = withdrawn.filter((a) => isUntouched(a));
    const removed =
      untouched.length > 0
        ? await deleteUntouchedAlerts(
            this.ctx.db,
            untouched.map((a) => a.key),
          )
        : new Set();
    for (const previous of withdrawn) {
      if (!removed.has(previous.key))
        next.push({ alert: withdrawnAlertResolution(previous, nowText), previous });
    }
    const out = untouched
      .filter((a) => removed.has(a.key))
      .map((a) => ({ ...a, state: 'resolved' as const, note: RETRACTED_NOTE, updatedAt: nowText }));
    if (out.length > 0)
      await publishEvents(
        this.ctx,
        out.map((a) => ({ operationId: a.operationId, type: 'alert' as const, data: a })),
      );
    return out;
  }

  private async persistChanges(changes: readonly AlertChange[]): Promise<StoredAlert[]> {
    if (changes.length === 0) return [];
    // The last change of a key wins: it is the alert's current derivation.
    const last = new Map<string, AlertChange>();
    for (const c of changes) last.set(c.alert.key, c);
    const stored = await selectAlertsByKey(this.ctx.db, [...last.keys()]);
    const nowText = nowIso(this.ctx);
    const next: Array<{ alert: Alert; previous: StoredAlert | undefined }> = [];
    const withdrawn: StoredAlert[] = [];
    for (const [key, change] of last) {
      const previous = stored.get(key);
      if (change.type === 'withdrawn') {
        if (previous) withdrawn.push(previous);
      } else {
        next.push({ alert: mergeDerivedAlert(previous, change.alert), previous });
      }
    }
    return [...(await this.retract(withdrawn, next, nowText)), ...(await this.write(next, nowText))];
  }

  /** write upserts the alerts that differ from what is stored and publishes them as events. */
  private async write(
    next: ReadonlyArray<{ alert: Alert; previous: StoredAlert | undefined }>,
    nowText: string,
  ): Promise<StoredAlert[]> {
    const changed = next.filter(({ alert, previous }) => !previous || !sameStored(alert, previous));
    if (changed.length === 0) return [];
    const rows = changed.map(({ alert, previous }) =>
      alertRow(alertId(alert.key), alert, nowText, previous?.stateChangedBy ?? null),
    );
    await this.ctx.db.transaction().execute((trx) => upsertAlerts(trx, rows));
    const out = rows.map(alertFromRow);
    await publishEvents(
      this.ctx,
      out.map((a) => ({ operationId: a.operationId, type: 'alert' as const, data: a })),
    );
    return out;
  }
}

function sameStored(a: Alert, b: StoredAlert): boolean {
  // Kind and history too: an escalating timing alert may change only those (issue 13.2).
  return (
    a.kind === b.kind &&
    a.severity === b.severity &&
    JSON.stringify(a.history) === JSON.stringify(b.history) &&
    a.state === b.state &&
    a.note === b.note &&
    a.raisedAt === b.raisedAt &&
    a.stateChangedAt === b.stateChangedAt &&
    JSON.stringify(a.evidence) === JSON.stringify(b.evidence)
  );
}

const engines = new WeakMap<Ctx, OpsEngine>();

/** opsEngine returns the context's engine, made on first use (one per process and store). */
export function opsEngine(ctx: Ctx): OpsEngine {
  let engine = engines.get(ctx);
  if (!engine) {
    engine = new OpsEngine(ctx);
    engines.set(ctx, engine);
  }
  return engine;
}

/**
 * startOpsTimer syncs the engine every `everyMs` so that time-based alerts (overdue, dwell,
 * stalled, missing at arrival, linked operations out of step) are raised without new traffic.
 */
export function startOpsTimer(ctx: Ctx, onError: (err: unknown) => void, everyMs = 30_000): () => void {
  const engine = opsEngine(ctx);
  const timer = setInterval(() => {
    engine.sync().catch(onError);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
