/**
 * changes.ts — access that outlives one request (an event stream) follows its credential. A
 * long-lived answer keeps the Access of the request that opened it; `currentAccess` re-reads
 * that credential and its user's grants, and `onAccessChange` wakes it as soon as this process
 * ends a session, revokes a token, disables a user or changes a grant (issue 12.3). Changes made
 * by another process (the CLI, another server) are found by the holder's own periodic re-check.
 */
import type { Ctx } from '../ctx.js';
import { type Access, ANONYMOUS, accessFor } from './access.js';

export { accessChanged, onAccessChange } from './change-bus.js';

import { grantsOf } from './grants/service.js';
import { liveSession } from './sessions/store.js';
import { liveToken } from './tokens/service.js';

/**
 * currentAccess is `access` as it stands now: ANONYMOUS when its session or token has ended (logout,
 * expiry, revocation, password reset, the user disabled), else the same caller with the grants
 * they hold now. It does not count as use of the session or token.
 */
export async function currentAccess(ctx: Ctx, access: Access): Promise<Access> {
  if (!access.authenticated || access.credentialId === null) return ANONYMOUS;
  if (access.via === 'session') {
    const session = await liveSession(ctx, access.credentialId, { touch: false });
    if (!session || session.userId !== access.userId) return ANONYMOUS;
    return accessFor(
      { userId: session.userId, username: session.username, via: 'session', credentialId: session.idHash },
      await grantsOf(ctx.db, session.userId),
    );
  }
  const token = await liveToken(ctx, { id: access.credentialId }, { touch: false });
  if (!token || token.userId !== access.userId) return ANONYMOUS;
  return accessFor(
    { userId: token.userId, username: token.username, via: 'token', credentialId: token.tokenId },
    token.grants,
  );
}
