/**
 * field.ts — the world of the field browser tests (issue 16): a live operation of 420 vehicles
 * in seven convoys plus the small operation's five, a coordinator, a monitor, an investigator and
 * an administrator with passwords, and observations that raise two critical alerts (BUS-017 lost 8
 * people between the checkpoints; BUS-018 of Convoy 1 turned back). `open(user, lang, width)`
 * gives a signed-in page (one sign-in per user, its cookies reused).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUser, type Role, resetPassword } from '../../../src/access/index.js';
import { buildApp } from '../../../src/api/server.js';
import { planOperations, type Vehicle } from '../../../src/ops/index.js';
import { loginAs, TEST_ACTOR } from '../../support/access.js';
import { deviceFor, SMALL_OP, sighting, smallPlan } from '../../support/ops.js';
import { openTestStore, type TestStore } from '../../support/stores.js';
import { buildWebApp, CHROMIUM, FLAGS } from './browser.js';

export const PASSWORD = 'Ramouseh-checkpoint-1216';
export type Lang = 'en' | 'ar';

/** fieldPlan is the small operation with 420 more vehicles: seven convoys of 60 buses and ambulances. */
export function fieldPlan(activeAt: string) {
  const plan = smallPlan('aleppo', { activeAt });
  const convoys = Array.from({ length: 7 }, (_, i) => ({
    id: `convoy-${i + 2}`,
    operationId: SMALL_OP,
    label: `Convoy ${i + 2}`,
  }));
  const vehicles: Vehicle[] = Array.from({ length: 420 }, (_, i) => ({
    id: `veh-al-${String(i + 1).padStart(4, '0')}`,
    operationId: SMALL_OP,
    convoyId: convoys[Math.floor(i / 60)]!.id,
    kind: i % 10 === 9 ? 'ambulance' : 'bus',
    marking: `AL-BUS-${String(i + 1).padStart(4, '0')}`,
    capacity: 60,
  }));
  return { ...plan, convoys: [...plan.convoys, ...convoys], vehicles: [...plan.vehicles, ...vehicles] };
}

export interface Field {
  readonly s: TestStore;
  readonly app: FastifyInstance;
  readonly base: string;
  readonly browser: Browser;
  open(username: string, lang: Lang, width: 360 | 1280): Promise<Page>;
  close(): Promise<void>;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** startField builds the app, starts the server and the browser, and seeds the world above. */
export async function startField(): Promise<Field> {
  const s = await openTestStore('sqlite');
  s.setTime(new Date().toISOString());
  const webDist = await buildWebApp();
  await planOperations(s.ctx, fieldPlan(minutesAgo(120)), 'test');
  const app = await buildApp(s.ctx, { webDist });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const user = async (role: Role, username: string) => {
    const { passwordToken } = await createUser(s.ctx, { username, role, compartment: '*' }, TEST_ACTOR);
    await resetPassword(s.ctx, { token: passwordToken, password: PASSWORD }, TEST_ACTOR);
  };
  await user('coordinator', 'coord-amal');
  await user('monitor', 'monitor-omar');
  await user('investigator', 'inv-layla');
  await user('admin', 'admin-nour');

  const monitor = await loginAs(app, s.ctx, 'monitor', ['aleppo']);
  const device = await deviceFor(s.ctx, monitor.userId);
  const at = (m: number) => ({ deviceTime: minutesAgo(m) });
  for (const wire of [
    sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0, at(40)),
    sighting('veh-bus-018', 'pt-origin', 'departure', 40, 0, at(40)),
    sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 50, 0, at(30)),
    sighting('veh-bus-018', 'pt-ramouseh', 'turned-back', 40, 0, at(28)),
    sighting('veh-bus-017', 'pt-rashideen', 'checkpoint', 42, 0, at(5)),
  ]) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/ops/observations',
      headers: monitor.headers,
      payload: device.submission(wire),
    });
    assert.equal(res.statusCode, 201, res.body);
  }

  /** Signed-in sessions by username (cookies), so each page does not pay for a sign-in. */
  const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

  async function open(username: string, lang: Lang, width: 360 | 1280): Promise<Page> {
    const options = {
      viewport: { width, height: width === 360 ? 780 : 900 },
      deviceScaleFactor: 1,
      isMobile: width === 360,
      hasTouch: width === 360,
      locale: lang === 'ar' ? 'ar-SY' : 'en-GB',
      timezoneId: 'UTC',
      serviceWorkers: 'block' as const,
    };
    if (!sessions.has(username)) {
      const ctx = await browser.newContext(options);
      const page = await ctx.newPage();
      await page.goto(`${base}/`);
      await page.locator('input[name="username"]').fill(username);
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('form button[type="submit"]').click();
      await page.locator('header .user-menu').waitFor();
      const state = await ctx.storageState();
      // The language follows each context's locale, not the first sign-in's choice.
      sessions.set(username, { cookies: state.cookies, origins: [] });
      await ctx.close();
    }
    const ctx = await browser.newContext({ ...options, storageState: sessions.get(username)! });
    const page = await ctx.newPage();
    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    await page.locator('header .user-menu').waitFor();
    return page;
  }

  return {
    s,
    app,
    base,
    browser,
    open,
    async close() {
      await browser.close();
      await app.close();
      await s.close();
      rmSync(webDist, { recursive: true, force: true });
    },
  };
}
