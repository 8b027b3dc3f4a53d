/**
 * cli.test.ts — `attest user …` and the setup link of `attest serve`, run as a user would: links
 * are printed, never passwords; bad input is a usage error; every change is in the access audit.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli } from '../../test/support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open.js';

const PASSWORD = 'Idleb-arrivals-2016-12';

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest user`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      dir = scratchDir('cli-user-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
        ATTEST_PORT: '8123',
      };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('serve prints a one-time setup link while no admin exists', async () => {
      const child = spawnCli(['serve', '--port', '0'], { ...env, ATTEST_QUIET: '1' });
      try {
        let out = '';
        const link = await new Promise<RegExpExecArray>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no setup link in: ${out}`)), 120_000);
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString('utf8');
            const m = /(http:\/\/[^\s]+)\/setup#token=([A-Za-z0-9_-]{43})/.exec(out);
            if (m) {
              clearTimeout(timer);
              resolve(m);
            }
          });
          child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
        });
        const res = await fetch(`${link[1]}/api/setup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: link[2], username: 'first-admin', password: PASSWORD }),
        });
        assert.equal(res.status, 201, await res.text());
      } finally {
        child.kill('SIGTERM');
      }
    });

    it('adds a user and prints a one-time password link, never asking for a password', async () => {
      const out = await runCli(['user', 'add', 'Amal', '--role', 'admin'], env);
      assert.equal(out.code, 0, out.stderr);
      const link = /http:\/\/127\.0\.0\.1:8123\/reset#token=([A-Za-z0-9_-]{43})/.exec(out.stdout);
      assert.ok(link, out.stdout);
      // The link works once, through the API.
      const store = await openStore(loadConfig(env));
      try {
        const app = await buildApp(store.ctx);
        const set = await app.inject({
          method: 'POST',
          url: '/api/password-reset',
          payload: { token: link[1], password: PASSWORD },
        });
        assert.equal(set.statusCode, 204, set.body);
        const login = await app.inject({
          method: 'POST',
          url: '/api/login',
          payload: { username: 'amal', password: PASSWORD },
        });
        assert.equal(login.statusCode, 200);
        assert.deepEqual(JSON.parse(login.body).grants, [{ role: 'admin', compartment: '*' }]);
        await app.close();
      } finally {
        await store.close();
      }
    });

    it('prints links under ATTEST_PUBLIC_URL when set, and refuses a malformed one (issue 19.5)', async () => {
      const out = await runCli(['user', 'add', 'Rana', '--role', 'investigator'], {
        ...env,
        ATTEST_PUBLIC_URL: 'https://attest.example.org/vault/',
      });
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /https:\/\/attest\.example\.org\/vault\/reset#token=[A-Za-z0-9_-]{43}/);
      assert.doesNotMatch(out.stdout, /127\.0\.0\.1|8123/);
      for (const bad of [
        'attest.example.org',
        'ftp://attest.example.org',
        'https://u:p@attest.example.org',
      ]) {
        const refused = await runCli(['user', 'add', 'Nour', '--role', 'investigator'], {
          ...env,
          ATTEST_PUBLIC_URL: bad,
        });
        assert.notEqual(refused.code, 0, bad);
        assert.match(refused.stderr, /ATTEST_PUBLIC_URL/, bad);
      }
    });

    it('grants, lists and disables', async () => {
      assert.equal(
        (await runCli(['user', 'add', 'basel', '--role', 'investigator', '--compartment', 'general'], env))
          .code,
        0,
      );
      assert.equal((await runCli(['user', 'grant', 'basel', 'legal', 'witness'], env)).code, 0);
      const list = await runCli(['user', 'list', '--json'], env);
      const basel = (
        JSON.parse(list.stdout) as { username: string; grants: unknown[]; disabled: boolean }[]
      ).find((u) => u.username === 'basel');
      assert.deepEqual(basel?.grants, [
        { role: 'investigator', compartment: 'general' },
        { role: 'legal', compartment: 'witness' },
      ]);
      assert.equal((await runCli(['user', 'disable', 'basel'], env)).code, 0);
      const after = JSON.parse((await runCli(['user', 'list', '--json'], env)).stdout) as {
        username: string;
        disabled: boolean;
      }[];
      assert.equal(after.find((u) => u.username === 'basel')?.disabled, true);
      // Each change is in the access audit, by `cli`, and a grant names its compartment.
      const store = await openStore(loadConfig(env));
      try {
        const events = await store.ctx.db
          .selectFrom('access_event')
          .select(['kind', 'outcome', 'actor_id', 'compartment'])
          .where('kind', 'in', ['user-create', 'grant', 'user-disable'])
          .orderBy('seq')
          .execute();
        assert.deepEqual(events.slice(-3), [
          { kind: 'user-create', outcome: 'ok', actor_id: 'cli', compartment: 'general' },
          { kind: 'grant', outcome: 'legal', actor_id: 'cli', compartment: 'witness' },
          { kind: 'user-disable', outcome: 'ok', actor_id: 'cli', compartment: null },
        ]);
      } finally {
        await store.close();
      }
    });

    it('refuses bad input with a usage error', async () => {
      const badRole = await runCli(['user', 'add', 'chadi', '--role', 'root'], env);
      assert.equal(badRole.code, 2);
      assert.match(badRole.stderr, /--role must be one of/);
      const dup = await runCli(['user', 'add', 'amal', '--role', 'monitor'], env);
      assert.equal(dup.code, 2);
      assert.match(dup.stderr, /already exists/);
      const missing = await runCli(['user', 'disable', 'nobody'], env);
      assert.equal(missing.code, 1);
    });
  });
}
