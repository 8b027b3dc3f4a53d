import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliResult, runCli } from '../../test/support/cli.js';
import { deviceFor, SMALL_OP, smallPlan } from '../../test/support/ops.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { loadConfig } from '../config.js';
import { EAST_ID, FUAH_ID, REFERENCE } from '../demo/index.js';
import { parseHxl } from '../lib/hxl.js';
import { openStore } from '../store/open.js';
import { ALERT_KINDS } from './model.js';

const LOGIN = /^ {2}(admin|demo|demo-monitor) +([A-Za-z0-9]{24}) /gm;

const EAST_REFERENCE = {
  people: REFERENCE.eastPeople,
  buses: REFERENCE.buses,
  ambulances: REFERENCE.ambulances,
  privateVehicles: REFERENCE.privateVehicles,
};

function ok(out: CliResult): CliResult {
  assert.equal(out.code, 0, out.stderr);
  return out;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest demo aleppo-2016 and attest ops`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let demo: CliResult;
    before(async () => {
      dir = scratchDir('ops-cli-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
        ATTEST_QUIET: '1',
      };
      // A deployment that is in use: it has a user.
      ok(await runCli(['user', 'add', 'amal', '--role', 'admin'], env));
      writeFileSync(join(dir, 'data', 'notes.txt'), 'not Attest’s');
      const refused = await runCli(['demo', 'aleppo-2016', '--no-serve'], env);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /already has operations or users/);
      if (dialect === 'postgres') {
        const force = await runCli(['demo', 'aleppo-2016', '--no-serve', '--force'], env);
        assert.equal(force.code, 2);
        assert.match(force.stderr, /never drops a PostgreSQL database/);
        env = { ...env, DATABASE_URL: await createPgDatabase() };
        demo = ok(await runCli(['demo', 'aleppo-2016', '--no-serve'], env));
      } else {
        demo = ok(await runCli(['demo', 'aleppo-2016', '--no-serve', '--force'], env));
      }
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('prints the totals, alerts by kind and three logins that work', async () => {
      assert.match(demo.stdout, /35,000 people; 308 buses, 61 ambulances, 1,231 private vehicles/);
      assert.match(demo.stdout, /1,300 people; 26 buses/);
      for (const kind of ALERT_KINDS.filter(
        (k) => k !== 'conflicting-reports' && k !== 'point-not-reporting' && k !== 'operation-no-news',
      ))
        assert.match(demo.stdout, new RegExp(`^ {2}${kind} +[1-9]`, 'm'));
      const logins = new Map([...demo.stdout.matchAll(LOGIN)].map((m) => [m[1]!, m[2]!]));
      assert.deepEqual([...logins.keys()], ['admin', 'demo', 'demo-monitor']);
      assert.equal(new Set(logins.values()).size, 3);
      const store = await openStore(loadConfig(env));
      try {
        const app = await buildApp(store.ctx);
        const login = await app.inject({
          method: 'POST',
          url: '/api/login',
          payload: { username: 'demo', password: logins.get('demo') },
        });
        assert.equal(login.statusCode, 200, login.body);
        assert.deepEqual(JSON.parse(login.body).grants, [
          { role: 'coordinator', compartment: 'aleppo-2016' },
        ]);
        await app.close();
        // The earlier user is gone with --force (SQLite); no password reaches the audit.
        const users = await store.ctx.db
          .selectFrom('app_user')
          .select('username')
          .orderBy('username')
          .execute();
        assert.deepEqual(
          users.map((u) => u.username),
          ['admin', 'demo', 'demo-monitor'],
        );
        const audit = JSON.stringify(await store.ctx.db.selectFrom('access_event').selectAll().execute());
        for (const password of logins.values()) assert.ok(!audit.includes(password));
      } finally {
        await store.close();
      }
      if (dialect === 'sqlite')
        assert.ok(existsSync(join(dir, 'data', 'notes.txt')), '--force kept other files');
    });

    it('refuses a second run without --force', async () => {
      const again = await runCli(['demo', 'aleppo-2016', '--no-serve'], env);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already has operations or users/);
      assert.equal(again.stdout, '');
    });

    it('ops list --json gives both operations with their totals', async () => {
      const { operations } = JSON.parse(ok(await runCli(['ops', 'list', '--json'], env)).stdout);
      assert.deepEqual(
        operations.map((o: { id: string }) => o.id),
        [EAST_ID, FUAH_ID],
      );
      const [east, fuah] = operations;
      const { people, buses, ambulances, privateVehicles, trucks, vehicles, byKind } = east.totals;
      assert.deepEqual({ people, buses, ambulances, privateVehicles }, EAST_REFERENCE);
      assert.equal(trucks, 0);
      assert.equal(vehicles, REFERENCE.buses + REFERENCE.ambulances + REFERENCE.privateVehicles);
      assert.deepEqual(byKind, {
        bus: REFERENCE.buses,
        ambulance: REFERENCE.ambulances,
        private: REFERENCE.privateVehicles,
        truck: 0,
      });
      assert.equal(fuah.totals.people, REFERENCE.fuahPeople);
      assert.equal(east.compartment, 'aleppo-2016');
      const text = ok(await runCli(['ops', 'list'], env)).stdout;
      assert.match(text, /op-eastern-aleppo .* 35,000 people, 308 buses/);
    });

    it('ops sitrep --format json has the reference totals', async () => {
      const east = JSON.parse(ok(await runCli(['ops', 'sitrep', EAST_ID, '--format', 'json'], env)).stdout);
      const { people, buses, ambulances, privateVehicles, medicalEvacuations } = east.totals;
      assert.deepEqual({ people, buses, ambulances, privateVehicles }, EAST_REFERENCE);
      assert.ok(medicalEvacuations > REFERENCE.ambulances);
      const fuah = JSON.parse(ok(await runCli(['ops', 'sitrep', FUAH_ID, '--format', 'json'], env)).stdout);
      assert.equal(fuah.totals.people, REFERENCE.fuahPeople);
      // A period: only what arrived on 19 December.
      const day = JSON.parse(
        ok(
          await runCli(
            [
              'ops',
              'sitrep',
              EAST_ID,
              '--format',
              'json',
              '--from',
              '2016-12-19T00:00Z',
              '--to',
              '2016-12-20T00:00Z',
            ],
            env,
          ),
        ).stdout,
      );
      assert.ok(day.totals.people > 0 && day.totals.people < REFERENCE.eastPeople);
    });

    it('ops sitrep --format md (the default) shows the totals; pdf goes to a pipe or --out', async () => {
      const md = ok(await runCli(['ops', 'sitrep', EAST_ID], env)).stdout;
      assert.match(md, /^# Situation report: Evacuation of eastern Aleppo/);
      assert.match(md, /\| 35,000 \| 1,600 \| 308 \| 61 \| 1,231 \| 0 \| \d/);
      const pdf = ok(await runCli(['ops', 'sitrep', FUAH_ID, '--format', 'pdf'], env));
      assert.ok(pdf.stdout.startsWith('%PDF-'));
      const file = join(dir, 'sitrep.pdf');
      const out = ok(await runCli(['ops', 'sitrep', FUAH_ID, '--format', 'pdf', '--out', file], env));
      assert.equal(out.stdout, '');
      assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
      const bad = await runCli(['ops', 'sitrep', EAST_ID, '--format', 'docx'], env);
      assert.equal(bad.code, 2);
    });

    it('ops hxl output parses back with the HXL reader', async () => {
      const movements = parseHxl(ok(await runCli(['ops', 'hxl', EAST_ID], env)).stdout);
      const col = (tag: string) => movements.tags.indexOf(tag);
      const arrived = movements.rows
        .filter((r) => r[col('#loc+type')] === 'destination')
        .reduce((sum, r) => sum + Number(r[col('#affected+arrived+ind')]), 0);
      assert.equal(arrived, REFERENCE.eastPeople);
      const totals = parseHxl(ok(await runCli(['ops', 'hxl', FUAH_ID, '--table', 'totals'], env)).stdout);
      assert.equal(totals.rows.length, 1);
      assert.equal(
        totals.rows[0]![totals.tags.indexOf('#affected+displaced+ind')],
        String(REFERENCE.fuahPeople),
      );
    });

    it('ops alerts --json lists the stored alerts, filtered by state', async () => {
      const { alerts } = JSON.parse(ok(await runCli(['ops', 'alerts', EAST_ID, '--json'], env)).stdout);
      assert.ok(alerts.length > 0);
      assert.ok(alerts.every((a: { operationId: string }) => a.operationId === EAST_ID));
      assert.ok(alerts.every((a: { summary: string }) => a.summary.length > 0));
      const open = JSON.parse(
        ok(await runCli(['ops', 'alerts', EAST_ID, '--json', '--state', 'open'], env)).stdout,
      );
      assert.ok(open.alerts.every((a: { state: string }) => a.state === 'open'));
      const resolved = JSON.parse(
        ok(await runCli(['ops', 'alerts', EAST_ID, '--json', '--state', 'resolved'], env)).stdout,
      );
      assert.equal(open.alerts.length + resolved.alerts.length, alerts.length);
      assert.equal((await runCli(['ops', 'alerts', EAST_ID, '--state', 'closed'], env)).code, 2);
    });

    it('an unknown operation is an error that names the known ones', async () => {
      for (const args of [
        ['ops', 'sitrep', 'op-nowhere'],
        ['ops', 'hxl', 'op-nowhere'],
        ['ops', 'alerts', 'op-nowhere'],
      ]) {
        const out = await runCli(args, env);
        assert.equal(out.code, 1, args.join(' '));
        assert.equal(out.stdout, '');
        assert.match(
          out.stderr,
          /no operation op-nowhere \(operations: op-eastern-aleppo, op-fuah-kafraya\)/,
        );
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest ops plan, status and revoke-device`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      dir = scratchDir('ops-plan-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
        ATTEST_QUIET: '1',
      };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('plans from a JSON file checked like the API, then changes status with reasons', async () => {
      const file = join(dir, 'plan.json');
      writeFileSync(file, JSON.stringify(smallPlan('aleppo')));
      const planned = ok(await runCli(['ops', 'plan', file], env));
      assert.match(planned.stdout, /Planned op-eastern-aleppo/);
      const again = await runCli(['ops', 'plan', file], env);
      assert.equal(again.code, 1, 'the same plan twice is refused whole');
      assert.match(again.stderr, /already in use/);
      writeFileSync(file, JSON.stringify({ ...smallPlan('aleppo'), operations: [{ id: 'x' }] }));
      const bad = await runCli(['ops', 'plan', file], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /operations\/0/);
      writeFileSync(file, '{"mandates": [');
      assert.equal((await runCli(['ops', 'plan', file], env)).code, 2);

      const noReason = await runCli(['ops', 'status', SMALL_OP, 'suspended', '--reason', ' '], env);
      assert.equal(noReason.code, 1, noReason.stderr);
      ok(
        await runCli(
          [
            'ops',
            'status',
            SMALL_OP,
            'suspended',
            '--reason',
            'shelling on the road',
            '--at',
            '2016-12-16T10:00Z',
          ],
          env,
        ),
      );
      const listed = JSON.parse(ok(await runCli(['ops', 'list', '--json'], env)).stdout);
      assert.equal(listed.operations[0].status, 'suspended');
      assert.equal((await runCli(['ops', 'status', SMALL_OP, 'paused', '--reason', 'x'], env)).code, 2);
      const learn = ok(await runCli(['ops', 'learn-times', SMALL_OP], env));
      assert.match(learn.stdout, /Not enough transits/);
      assert.equal((await runCli(['ops', 'learn-times', SMALL_OP, '--factor', '0.5'], env)).code, 2);
    });

    it("revokes a monitor's device key", async () => {
      const config = loadConfig(env as Record<string, string>);
      const store = await openStore(config);
      let id: string;
      try {
        id = (await deviceFor(store.ctx, 'monitor-x')).deviceKeyId;
      } finally {
        await store.close();
      }
      const listed = ok(await runCli(['ops', 'devices', '--json'], env));
      assert.deepEqual(
        JSON.parse(listed.stdout).devices.map((d: { id: string; userId: string; revokedAt: null }) => [
          d.id,
          d.userId,
          d.revokedAt,
        ]),
        [[id, 'monitor-x', null]],
      );
      ok(await runCli(['ops', 'revoke-device', id], env));
      assert.match(ok(await runCli(['ops', 'devices'], env)).stdout, /revoked/);
      const twice = await runCli(['ops', 'revoke-device', id], env);
      assert.equal(twice.code, 1);
    });
  });
}
