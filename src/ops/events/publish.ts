/**
 * publish.ts — an operation's event stream: events are appended to `ops_event` (so a client that
 * reconnects with Last-Event-ID gets what it missed, and other server processes see them) and this
 * process's streams are woken through the context's bus.
 */
import { EventEmitter } from 'node:events';
import { type Ctx, nowIso } from '../../ctx.js';
import type { OpsEvent } from '../model.js';
import { insertEvents } from '../repo/events.js';

const buses = new WeakMap<Ctx, EventEmitter>();

/**
 * opsBus returns the context's event bus: `event` (operation id) after events were written,
 * `close` when the server closes (streams end). Access changes come from the access layer
 * (onAccessChange).
 */
export function opsBus(ctx: Ctx): EventEmitter {
  let bus = buses.get(ctx);
  if (!bus) {
    bus = new EventEmitter();
    bus.setMaxListeners(0);
    buses.set(ctx, bus);
  }
  return bus;
}

/** publishEvents appends events to the store and tells this process's listeners (SSE streams). */
export async function publishEvents(
  ctx: Ctx,
  events: ReadonlyArray<Omit<OpsEvent, 'seq' | 'at'>>,
): Promise<void> {
  if (events.length === 0) return;
  const at = nowIso(ctx);
  await ctx.db.transaction().execute((trx) => insertEvents(trx, events, at));
  const bus = opsBus(ctx);
  for (const operationId of new Set(events.map((e) => e.operationId))) bus.emit('event', operationId);
}
