/**
 * change-bus.ts — a process's notice that someone's access may have shrunk (a session ended, a
 * token revoked, a user disabled, a grant changed), for the holders of long-lived answers (event
 * streams) to re-check at once (changes.ts). Apart from changes.ts so that the services that
 * announce changes do not import what re-checks them.
 */
import { EventEmitter } from 'node:events';
import type { Ctx } from '../ctx.js';

const buses = new WeakMap<Ctx, EventEmitter>();

function bus(ctx: Ctx): EventEmitter {
  let b = buses.get(ctx);
  if (!b) {
    b = new EventEmitter();
    b.setMaxListeners(0);
    buses.set(ctx, b);
  }
  return b;
}

/** accessChanged tells this process's holders of `userId`'s access to re-check it now. */
export function accessChanged(ctx: Ctx, userId: string): void {
  bus(ctx).emit('changed', userId);
}

/**
 * onAccessChange calls `listener` with the user id whenever someone's access may have shrunk;
 * it returns the function that stops listening.
 */
export function onAccessChange(ctx: Ctx, listener: (userId: string) => void): () => void {
  bus(ctx).on('changed', listener);
  return () => bus(ctx).off('changed', listener);
}
