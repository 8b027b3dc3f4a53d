/**
 * sse.ts — an operation's event stream as Server-Sent Events (HTML Living Standard §9.2). Events
 * come from the `ops_event` table, so a client that reconnects with `Last-Event-ID` (the header
 * EventSource sends, or `?lastEventId=`) receives what it missed; a new client starts from now.
 * Each process is woken by the engine's bus when it writes events, and polls the table as well so
 * that events written by another server process also arrive.
 *
 * A stream lives no longer than the access that opened it (issue 12.3): before it writes events,
 * every STREAM_LIMITS.recheckMs, and at once when this process ends a session, revokes a token,
 * disables a user or changes a grant, it re-reads its credential and grants (currentAccess); when
 * the caller may no longer read the operation it sends `event: end` (reason `access`) and closes.
 * It also ends after STREAM_LIMITS.maxLifetimeMs on the context's clock (reason `lifetime`);
 * EventSource then reconnects by itself with Last-Event-ID and loses nothing, and the new request
 * is authenticated and authorised afresh.
 *
 * A user holds at most MAX_STREAMS_PER_USER streams, counted over every server process on the
 * database (stream-slots.ts).
 *
 * Event ids are the `seq` of `ops_event`: one sequence for the whole deployment, increasing, never
 * reused. An operation's stream therefore shows gaps (the ids of other operations' events), which
 * is harmless: resuming is "every event of this operation with a larger id", never "the next id".
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Access, currentAccess, onAccessChange } from '../../access/index.js';
import type { Ctx } from '../../ctx.js';
import { eventsAfter, lastEventSeq } from '../repo/events.js';
import { opsBus } from './publish.js';
import { claimStreamSlot, releaseStreamSlot, renewStreamSlot } from './stream-slots.js';

/**
 * STREAM_LIMITS: a stream's longest life, and how often an idle stream re-checks its access (a
 * change made by another process; this process's own changes are seen at once).
 */
export const STREAM_LIMITS = Object.freeze({ maxLifetimeMs: 15 * 60_000, recheckMs: 5_000 });

const HEARTBEAT_MS = 15_000;

export { MAX_STREAMS_PER_USER } from './stream-slots.js';

const POLL_MS = 2_000;
const BATCH = 500;

/** parseLastEventId reads a resume position: a non-negative integer, else null. */
export function parseLastEventId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

/** formatEvent renders one event; `data` is JSON on a single line (no raw newlines can appear). */
export function formatEvent(seq: number, type: string, data: string): string {
  return `id: ${seq}\nevent: ${type}\ndata: ${data}\n\n`;
}

/** Why a stream ended, sent as `event: end` before the connection closes. */
export type StreamEnd = 'access' | 'lifetime' | 'error';

/**
 * streamOperationEvents answers with `operation`'s events for as long as `access` (the opening
 * request's) may still read it, within STREAM_LIMITS.
 */
export async function streamOperationEvents(
  ctx: Ctx,
  operation: { readonly id: string; readonly compartment: string },
  access: Access,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const operationId = operation.id;
  const userId = access.userId ?? 'anonymous';
  const openedAt = ctx.clock().getTime();
  // The limit counts this user's streams on every server process (stream-slots.ts).
  const slot = await claimStreamSlot(ctx, userId);
  let released: Promise<void> | undefined;
  /** release gives the slot back (once); a response ends only after it, so the client can reopen at once. */
  const release = () => {
    released ??= releaseStreamSlot(ctx, slot).catch((err) =>
      req.log.warn({ err }, 'event stream slot release failed'),
    );
    return released;
  };
  const query = req.query as { lastEventId?: unknown; follow?: unknown };
  // follow=false sends what is stored after the position (from the start without one: the
  // backlog) and ends, for polling clients and curl. With nothing to send it answers 204: the
  // HTML Standard's way (§9.2.3) to tell an EventSource that reconnects after the end to stop.
  const follow = query.follow !== 'false' && query.follow !== '0';
  let after = parseLastEventId(req.headers['last-event-id']) ?? parseLastEventId(query.lastEventId);
  try {
    if (after === null) after = follow ? await lastEventSeq(ctx.db, operationId) : -1;
    if (!follow && (await eventsAfter(ctx.db, operationId, after, 1)).length === 0) {
      await release();
      return void reply.status(204).header('cache-control', 'no-store').send();
    }
  } catch (err) {
    await release();
    throw err;
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  res.write(`retry: 3000\n: stream ${operationId} from ${after}\n\n`);

  let closed = false;
  let running = false;
  let again = false;
  const end = (reason: StreamEnd) => {
    if (closed) return;
    res.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
    close();
  };
  /** stillAllowed re-reads the caller's access; false (and the stream ended) when it is gone. */
  const stillAllowed = async (): Promise<boolean> => {
    if (closed) return false;
    if (ctx.clock().getTime() - openedAt >= STREAM_LIMITS.maxLifetimeMs) {
      end('lifetime');
      return false;
    }
    try {
      const now = await currentAccess(ctx, access);
      if (!now.can('ops:read', operation.compartment)) end('access');
    } catch (err) {
      // Fail closed: a stream whose access cannot be checked does not go on.
      req.log.warn({ err }, 'event stream access check failed');
      end('error');
    }
    return !closed;
  };
  const flush = async (): Promise<void> => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (;;) {
          const rows = await eventsAfter(ctx.db, operationId, after!, BATCH);
          if (closed) return;
          // Checked before every write: no event reaches a caller whose access has ended.
          if (rows.length > 0 && !(await stillAllowed())) return;
          for (const row of rows) {
            res.write(formatEvent(row.seq, row.type, row.data));
            after = row.seq;
          }
          if (rows.length < BATCH) break;
        }
      } while (again && !closed);
    } catch (err) {
      req.log.warn({ err }, 'event stream read failed');
    } finally {
      running = false;
    }
  };
  const bus = opsBus(ctx);
  const onEvent = (id: string) => {
    if (id === operationId) void flush();
  };
  bus.on('event', onEvent);
  const poll = setInterval(() => void flush(), POLL_MS);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const recheck = setInterval(() => {
    void stillAllowed().then((open) => {
      if (open)
        renewStreamSlot(ctx, slot).catch((err) => req.log.warn({ err }, 'event stream lease renewal failed'));
    });
  }, STREAM_LIMITS.recheckMs);
  const stopListening = onAccessChange(ctx, (changed) => {
    if (changed === access.userId) void stillAllowed();
  });
  const close = () => {
    if (closed) return;
    closed = true;
    bus.off('event', onEvent);
    bus.off('close', close);
    stopListening();
    clearInterval(poll);
    clearInterval(heartbeat);
    clearInterval(recheck);
    void release().finally(() => res.end());
  };
  bus.on('close', close);
  req.raw.on('close', close);
  res.on('close', close);
  res.on('error', close);
  // A client that went away during the awaits above fired 'close' before anyone listened, and
  // writes to its socket fail silently: without this its slot would be renewed until the
  // stream's lifetime ends.
  if (req.raw.destroyed || res.destroyed || res.socket?.destroyed === true) close();
  await flush();
  if (!follow) close();
}
