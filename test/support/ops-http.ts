/**
 * ops-http.ts — one API over a fresh store with the small operation planned, a monitor with a
 * device and a coordinator, for the ops route tests (src/ops/**\/routes.test.ts). Call inside a
 * `describe`: it registers its own `before` and `after`.
 *
 *   const t = opsApp(dialect);
 *   it('…', async () => { const res = await t.post('/api/ops/observations', t.monitor, body); });
 */
import { after, before } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/server.js';
import { planOperations } from '../../src/ops/index.js';
import type { DialectName } from '../../src/store/db.js';
import { loginAs, type TestCaller } from './access.js';
import { deviceFor, smallPlan, type TestDevice } from './ops.js';
import { openTestStore, type TestStore } from './stores.js';

export const OPS_COMPARTMENT = 'aleppo';

export interface OpsApp {
  s: TestStore;
  app: FastifyInstance;
  monitor: TestCaller;
  coordinator: TestCaller;
  device: TestDevice;
  post(url: string, caller: TestCaller, body: unknown): Promise<LightMyRequestResponse>;
  get(url: string, caller: TestCaller): Promise<LightMyRequestResponse>;
  /** counts of stored observations and custody entries (nothing stored on a refusal). */
  counts(): Promise<{ observations: number; entries: number }>;
}

export function opsApp(dialect: DialectName, compartment = OPS_COMPARTMENT): OpsApp {
  const t = {} as OpsApp;
  before(async () => {
    t.s = await openTestStore(dialect);
    t.s.setTime('2016-12-15T10:00:00.000Z');
    await planOperations(t.s.ctx, smallPlan(compartment), 'test');
    t.app = await buildApp(t.s.ctx);
    t.monitor = await loginAs(t.app, t.s.ctx, 'monitor', [compartment]);
    t.coordinator = await loginAs(t.app, t.s.ctx, 'coordinator', [compartment]);
    t.device = await deviceFor(t.s.ctx, t.monitor.userId);
  });
  after(async () => {
    await t.app.close();
    await t.s.close();
  });
  t.post = (url, caller, body) =>
    t.app.inject({ method: 'POST', url, headers: caller.headers, payload: body as object });
  t.get = (url, caller) => t.app.inject({ method: 'GET', url, headers: caller.headers });
  t.counts = async () => {
    const one = async (table: 'observation' | 'custody_entry') =>
      Number(
        (
          await t.s.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { observations: await one('observation'), entries: await one('custody_entry') };
  };
  return t;
}
