/**
 * evidence.ts — the world the evidence-side browser tests share (issue 17): a real server on
 * loopback with its job worker (intake and search indexing run as under `attest serve`), users by
 * role and compartment, and sign-in. Synthetic people only.
 */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { createUser, grantRole, resetPassword } from '../../../src/access/index.js';
import type { Role } from '../../../src/access/permissions.js';
import { buildApp } from '../../../src/api/server.js';
import { startWorker } from '../../../src/cli/job-kinds.js';
import type { Worker } from '../../../src/store/job-worker.js';
import { openTestStore, type TestStore } from '../../support/stores.js';
import { buildWebApp, startBrowser, type TestBrowser } from './browser.js';

export const PASSWORD = 'Ramouseh-checkpoint-1216';

export interface EvidenceWorld {
  readonly s: TestStore;
  readonly app: FastifyInstance;
  readonly base: string;
  readonly browser: TestBrowser;
  user(role: Role, username: string, compartments?: readonly string[]): Promise<string>;
  /** signedIn opens a fresh browser profile signed in as `username`. */
  signedIn(username: string, locale?: string): Promise<{ ctx: BrowserContext; page: Page }>;
  /** intakeDone waits until the item's intake job is done or failed. */
  intakeDone(ern: string): Promise<string>;
  close(): Promise<void>;
}

export async function openEvidenceWorld(env: Record<string, string> = {}): Promise<EvidenceWorld> {
  const s = await openTestStore('sqlite', env);
  // Real time: sessions, checkpoints and the browser all run on the wall clock.
  s.setTime(new Date().toISOString());
  const webDist = await buildWebApp();
  const app = await buildApp(s.ctx, { webDist });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const worker: Worker = startWorker(s.ctx, 1, (err) => console.error(err));
  const browser = await startBrowser();
  return {
    s,
    app,
    base,
    browser,
    async user(role, username, compartments = ['*']) {
      const [first, ...rest] = compartments;
      const { passwordToken, user } = await createUser(
        s.ctx,
        { username, role, compartment: first! },
        { actorId: 'test' },
      );
      for (const c of rest) await grantRole(s.ctx, user.id, role, c, { actorId: 'test' });
      await resetPassword(s.ctx, { token: passwordToken, password: PASSWORD }, { actorId: null });
      return user.id;
    },
    async signedIn(username, locale = 'en-GB') {
      const ctx = await browser.newContext({ locale });
      const page = await ctx.newPage();
      await page.goto(`${base}/`);
      await page.locator('input[name="username"]').fill(username);
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('form button[type="submit"]').click();
      await page.locator('.user-menu').waitFor();
      return { ctx, page };
    },
    async intakeDone(ern) {
      for (let i = 0; i < 900; i++) {
        const row = await s.ctx.db
          .selectFrom('job')
          .innerJoin('item', 'item.id', 'job.item_id')
          .select('job.state')
          .where('item.ern', '=', ern)
          .where('job.kind', '=', 'intake')
          .executeTakeFirst();
        if (row?.state === 'done' || row?.state === 'failed') return row.state;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`intake of ${ern} did not finish`);
    },
    async close() {
      await browser.close();
      await worker.stop();
      await app.close();
      await s.close();
      rmSync(webDist, { recursive: true, force: true });
    },
  };
}
