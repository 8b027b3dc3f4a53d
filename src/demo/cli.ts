/**
 * cli.ts — `attest demo aleppo-2016`: a fresh deployment with the Aleppo 2016 scenario loaded
 * (aleppo-2016.ts, load.ts), three accounts with random passwords printed once, a summary of the
 * situation reports and alerts, and then the server (as `attest serve`) unless --no-serve.
 *
 * It refuses a deployment that already has operations or users. --force starts over on the
 * embedded SQLite default by deleting what Attest keeps in the data directory (database, blobs,
 * uploads, custody-log key); with DATABASE_URL it refuses, as it never drops a database.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createUser, resetPassword } from '../access/index.js';
import type { Register } from '../cli/command.js';
import { startServer } from '../cli/commands/serve.js';
import { configFrom } from '../cli/context.js';
import { CliExit, EXIT, println } from '../cli/io.js';
import type { Config } from '../config.js';
import type { Ctx } from '../ctx.js';
import { alertCountsByKind, buildSitrep, kindsPhrase, opsEngine } from '../ops/index.js';
import { keyPath } from '../store/keys.js';
import { openStore } from '../store/open.js';
import { generateAleppo2016 } from './aleppo-2016.js';
import { DEMO_COMPARTMENT, loadAleppo2016 } from './load.js';

const ACTOR = 'cli';
const fmt = new Intl.NumberFormat('en-GB');

/** The demo's accounts: least privilege for what each does in the demo. */
const ACCOUNTS = [
  { username: 'admin', role: 'admin', compartment: '*', purpose: 'accounts and the access audit' },
  {
    username: 'demo',
    role: 'coordinator',
    compartment: DEMO_COMPARTMENT,
    purpose: 'the operations dashboard',
  },
  { username: 'demo-monitor', role: 'monitor', compartment: DEMO_COMPARTMENT, purpose: 'the monitor app' },
] as const;

/** removeEmbeddedDeployment deletes what Attest creates in an embedded (SQLite) data directory. */
function removeEmbeddedDeployment(config: Config): void {
  const dir = config.dataDir;
  for (const file of ['attest.sqlite', 'attest.sqlite-wal', 'attest.sqlite-shm', 'attest.sqlite-journal']) {
    rmSync(join(dir, file), { force: true });
  }
  for (const sub of ['blobs', 'uploads']) rmSync(join(dir, sub), { recursive: true, force: true });
  // A new log under the old key would look like a forked log to anyone holding old checkpoints.
  rmSync(keyPath(join(dir, 'keys')), { force: true });
}

async function isEmpty(ctx: Ctx): Promise<boolean> {
  const [op, user] = await Promise.all([
    ctx.db.selectFrom('operation').select('id').limit(1).executeTakeFirst(),
    ctx.db.selectFrom('app_user').select('id').limit(1).executeTakeFirst(),
  ]);
  return !op && !user;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * newPassword is 24 letters and digits (about 143 random bits), easy to select and copy, and never
 * containing the username (a rule for every password).
 */
function newPassword(username: string): string {
  let out = '';
  while (out.length < 24 || out.toLowerCase().includes(username)) {
    if (out.length >= 24) out = '';
    for (const b of randomBytes(32)) {
      // 248 = 4 × 62: bytes from 248 up would bias the choice.
      if (b < 248 && out.length < 24) out += ALPHANUMERIC[b % 62];
    }
  }
  return out;
}

async function createAccounts(ctx: Ctx): Promise<Array<(typeof ACCOUNTS)[number] & { password: string }>> {
  const out = [];
  for (const account of ACCOUNTS) {
    const { username, role, compartment } = account;
    const created = await createUser(ctx, { username, role, compartment }, { actorId: ACTOR });
    const password = newPassword(account.username);
    await resetPassword(ctx, { token: created.passwordToken, password }, { actorId: ACTOR });
    out.push({ ...account, password });
  }
  return out;
}

export const registerDemo: Register = (program, { io }) => {
  const demo = program.command('demo').description('demonstration deployments with synthetic data');
  demo
    .command('aleppo-2016')
    .description(
      'a fresh deployment with the evacuation of eastern Aleppo and al-Fu’ah/Kafraya (15–22 Dec 2016) loaded, then serve it',
    )
    .option('--seed <n>', 'seed of the synthetic data (same seed, same data)', '2016')
    .option('--no-serve', 'load and print the logins, but do not start the server')
    .option(
      '--force',
      'start over: delete the embedded database, blobs and log key first (not with DATABASE_URL)',
    )
    .action(async (opts: { seed: string; serve: boolean; force?: boolean }) => {
      if (!/^[0-9]{1,9}$/.test(opts.seed)) throw new CliExit(EXIT.usage, '--seed must be a whole number');
      const seed = Number(opts.seed);
      const config = configFrom(io, program.opts());
      if (opts.force) {
        if (config.databaseUrl) {
          throw new CliExit(
            EXIT.usage,
            '--force never drops a PostgreSQL database: point DATABASE_URL at an empty database instead',
          );
        }
        removeEmbeddedDeployment(config);
      }
      const store = await openStore(config);
      let serving = false;
      try {
        if (!(await isEmpty(store.ctx))) {
          throw new CliExit(
            EXIT.usage,
            `this deployment already has operations or users (${store.location}); the demo needs a fresh one: ` +
              (config.databaseUrl
                ? 'point DATABASE_URL at an empty database'
                : 'use another --data directory, or --force to delete this one'),
          );
        }
        println(io.stdout, `Generating the Aleppo 2016 scenario (seed ${seed})…`);
        const scenario = generateAleppo2016({ seed });
        println(io.stdout, `Loading ${fmt.format(scenario.observations.length)} signed observations…`);
        const started = performance.now();
        await loadAleppo2016(store.ctx, scenario);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const accounts = await createAccounts(store.ctx);
        const sitreps = await opsEngine(store.ctx).read((state) =>
          scenario.operations.map((op) => buildSitrep(state, { operationId: op.id })),
        );
        const alerts = await alertCountsByKind(store.ctx);

        println(io.stdout, `Loaded in ${seconds} s into ${store.location}.`);
        println(io.stdout, '');
        for (const s of sitreps) {
          const t = s.totals;
          println(io.stdout, `${s.name} (${s.operationId})`);
          println(
            io.stdout,
            `  ${fmt.format(t.people)} people; ${kindsPhrase(t.byKind)}; ${fmt.format(t.medicalEvacuations)} medical evacuations`,
          );
        }
        println(io.stdout, '');
        println(io.stdout, 'Alerts by kind:');
        for (const [kind, n] of Object.entries(alerts)) println(io.stdout, `  ${kind.padEnd(30)} ${n}`);
        println(io.stdout, '');
        println(io.stdout, 'Logins (shown only now; keep them or reset them with `attest user reset`):');
        for (const a of accounts) {
          println(
            io.stdout,
            `  ${a.username.padEnd(14)} ${a.password}   ${a.role} in ${a.compartment === '*' ? 'every compartment' : a.compartment}: ${a.purpose}`,
          );
        }
        println(io.stdout, '');
        if (!opts.serve) return;
        await startServer(store, config, io);
        serving = true;
      } finally {
        if (!serving) await store.close();
      }
      // Keep running until a signal arrives (startServer closes the store then).
      await new Promise(() => {});
    });
};
