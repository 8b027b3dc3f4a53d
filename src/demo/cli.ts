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
import { createUser, grantRole, resetPassword } from '../access/index.js';
import type { Register } from '../cli/command.js';
import { startServer } from '../cli/commands/serve.js';
import { configFrom, withStore } from '../cli/context.js';
import { CliExit, type CliIo, EXIT, println } from '../cli/io.js';
import type { Config } from '../config.js';
import type { Ctx } from '../ctx.js';
import { visible } from '../lib/display.js';
import { alertCountsByKind, buildSitrep, kindsPhrase, opsEngine } from '../ops/index.js';
import { keyPath } from '../store/keys.js';
import { openStore } from '../store/open.js';
import { type Aleppo2016Scenario, generateAleppo2016 } from './aleppo-2016.js';
import { MAX_SPEED } from './exercise.js';
import { endStaleExercises } from './exercise-end.js';
import { DEMO_COMPARTMENT, loadAleppo2016 } from './load.js';
import {
  EXERCISE_COMPARTMENT,
  ExerciseRefused,
  httpPoster,
  prepareExercise,
  realClock,
  runExercise,
} from './replay.js';

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

/**
 * createAccounts makes the demo's accounts. With a live exercise, the coordinator and the monitor
 * also get their role in the exercise's own compartment (the exercise is kept apart from the
 * record, so its monitors see nothing else).
 */
async function createAccounts(
  ctx: Ctx,
  live: boolean,
): Promise<Array<(typeof ACCOUNTS)[number] & { password: string }>> {
  const out = [];
  for (const account of ACCOUNTS) {
    const { username, role, compartment } = account;
    const created = await createUser(ctx, { username, role, compartment }, { actorId: ACTOR });
    if (live && compartment !== '*')
      await grantRole(ctx, created.user.id, role, EXERCISE_COMPARTMENT, { actorId: ACTOR });
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
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or $ATTEST_HOST)')
    .option('--port <port>', 'port (default 8080, or $ATTEST_PORT)')
    .option(
      '--live',
      'also run the scenario again as an exercise, live, from now on: an active operation the demo monitor can record against',
    )
    .option('--speed <n>', `how much faster than the record the --live exercise runs (1–${MAX_SPEED})`, '30')
    .option(
      '--force',
      'start over: delete the embedded database, blobs and log key first (not with DATABASE_URL)',
    )
    .action(
      async (opts: {
        seed: string;
        serve: boolean;
        force?: boolean;
        host?: string;
        port?: string;
        live?: boolean;
        speed: string;
      }) => {
        if (!/^[0-9]{1,9}$/.test(opts.seed)) throw new CliExit(EXIT.usage, '--seed must be a whole number');
        const seed = Number(opts.seed);
        const config = configFrom(io, program.opts());
        const port = opts.port === undefined ? config.port : Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new CliExit(EXIT.usage, '--port must be 0–65535');
        const host = opts.host ?? config.host;
        const speed = speedArg(opts.speed);
        if (opts.live && !opts.serve)
          throw new CliExit(EXIT.usage, '--live needs the server: leave out --no-serve');
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
          const accounts = await createAccounts(store.ctx, opts.live === true);
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
              `  ${a.username.padEnd(14)} ${a.password}   ${a.role} in ${a.compartment === '*' ? 'every compartment' : a.compartment}${opts.live && a.compartment !== '*' ? ` and ${EXERCISE_COMPARTMENT}` : ''}: ${a.purpose}`,
            );
          }
          println(io.stdout, '');
          if (!opts.serve) return;
          const server = await startServer(store, config, io, { host, port });
          serving = true;
          if (opts.live) await startLiveExercise(store.ctx, io, scenario, { speed, address: server.address });
        } finally {
          if (!serving) await store.close();
        }
        // Keep running until a signal arrives (startServer closes the store then).
        await new Promise(() => {});
      },
    );

  registerReplay(program, io);
};

/** speedArg reads --speed: a number from 1 to MAX_SPEED. */
function speedArg(raw: string): number {
  const speed = Number(raw);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(raw) || !(speed >= 1 && speed <= MAX_SPEED))
    throw new CliExit(EXIT.usage, `--speed must be a number from 1 to ${MAX_SPEED}`);
  return speed;
}

/**
 * tagNow is a short tag for one exercise run: its start minute in base 36 and three random
 * characters, so two runs started in the same minute differ.
 */
const tagNow = (ms: number) =>
  Math.floor(ms / 60_000).toString(36) + [...randomBytes(3)].map((b) => (b % 36).toString(36)).join('');

/**
 * startLiveExercise plans the scenario again as an exercise starting now and plays it into the
 * demo's own server in the background, so the demo monitor has an active operation to record
 * against (issue 16.6).
 */
async function startLiveExercise(
  ctx: Ctx,
  io: CliIo,
  scenario: Aleppo2016Scenario,
  o: { speed: number; address: string },
): Promise<void> {
  const prepared = await prepareExercise(ctx, scenario, {
    speed: o.speed,
    tag: tagNow(realClock.now()),
    compartment: EXERCISE_COMPARTMENT,
    clock: realClock,
  });
  const ops = prepared.exercise.plan.operations.map((op) => op.id).join(', ');
  println(io.stdout, '');
  println(
    io.stdout,
    `EXERCISE running live at ${o.speed}× (a training operation, marked as such everywhere): ${ops}`,
  );
  println(
    io.stdout,
    `  in compartment ${EXERCISE_COMPARTMENT} until ${new Date(prepared.exercise.endMs).toISOString()}; sign in as demo-monitor to record observations against it in the monitor app.`,
  );
  void runExercise(ctx, prepared, { clock: realClock, post: httpPoster(o.address) }).then(
    (p) =>
      println(
        io.stdout,
        `Exercise finished: ${p.accepted} observations accepted, ${p.refused} refused, ${p.statusChanges} status changes; its ${p.ended.accounts} accounts closed.`,
      ),
    (err: unknown) => println(io.stderr, `Exercise stopped: ${(err as Error).message}`),
  );
}

/**
 * registerReplay adds `attest ops replay SCENARIO`: the scenario as an exercise, played into a
 * running deployment over its HTTP API in real time × speed (issue 13.8).
 */
function registerReplay(program: Parameters<Register>[0], io: CliIo): void {
  const ops = program.commands.find((c) => c.name() === 'ops');
  if (!ops) throw new Error('the ops commands must be registered before the demo');
  ops
    .command('replay <scenario>')
    .description(
      "play a scenario's observations into a running deployment as an exercise (a training operation), in real time × speed",
    )
    .option('--speed <n>', `times faster than the record (1–${MAX_SPEED})`, '1')
    .option('--url <url>', 'the running deployment (default $ATTEST_PUBLIC_URL, else http://host:port)')
    .option(
      '--compartment <c>',
      'compartment of the exercise operations: one holding no real operation (its monitors see all of it)',
      EXERCISE_COMPARTMENT,
    )
    .option('--seed <n>', 'seed of the synthetic scenario', '2016')
    .action(
      async (name: string, opts: { speed: string; url?: string; compartment: string; seed: string }) => {
        if (name !== 'aleppo-2016')
          throw new CliExit(EXIT.usage, `unknown scenario ${visible(name)} (scenarios: aleppo-2016)`);
        if (!/^[0-9]{1,9}$/.test(opts.seed)) throw new CliExit(EXIT.usage, '--seed must be a whole number');
        const speed = speedArg(opts.speed);
        const config = configFrom(io, program.opts());
        const url = opts.url ?? config.publicUrl ?? `http://${config.host}:${config.port}`;
        try {
          new URL(url);
        } catch {
          throw new CliExit(EXIT.usage, `--url must be a URL such as http://127.0.0.1:8080`);
        }
        const seed = Number(opts.seed);
        const scenario = generateAleppo2016({ seed, sign: false });
        const progress = await withStore(io, program.opts(), async (ctx) => {
          const prepared = await prepareExercise(ctx, scenario, {
            speed,
            tag: tagNow(realClock.now()),
            compartment: opts.compartment,
            clock: realClock,
          }).catch((err: unknown) => {
            if (err instanceof ExerciseRefused) throw new CliExit(EXIT.usage, err.message);
            throw err;
          });
          const { exercise } = prepared;
          println(
            io.stdout,
            `EXERCISE ${exercise.plan.operations.map((op) => op.id).join(', ')} at ${speed}×: ` +
              `${exercise.events.length} events until ${new Date(exercise.endMs).toISOString()}, posted to ${url}`,
          );
          const stop = new AbortController();
          // Stopped (Ctrl-C or kill), the run still closes its accounts before it exits.
          const onSignal = () => stop.abort();
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
          let shown = 0;
          try {
            return await runExercise(ctx, prepared, {
              clock: realClock,
              post: httpPoster(url),
              signal: stop.signal,
              onProgress: (p, atMs, ex) => {
                const tenth = Math.floor((p.posted * 10) / Math.max(1, ex.events.length));
                if (tenth > shown) {
                  shown = tenth;
                  println(
                    io.stdout,
                    `  ${new Date(atMs).toISOString()}  ${p.posted} posted, ${p.accepted} accepted, ${p.refused} refused`,
                  );
                }
              },
            });
          } finally {
            process.removeListener('SIGINT', onSignal);
            process.removeListener('SIGTERM', onSignal);
          }
        });
        println(
          io.stdout,
          `Posted ${progress.posted}: ${progress.accepted} accepted, ${progress.duplicate} duplicates, ${progress.held} held, ${progress.refused} refused; ${progress.statusChanges} status changes.`,
        );
        println(
          io.stdout,
          `Closed the exercise's ${progress.ended.accounts} accounts: ${progress.ended.grants} grants and ${progress.ended.tokens} tokens revoked, ${progress.ended.sessions} sessions ended, ${progress.ended.devices} device keys revoked.`,
        );
        for (const r of progress.refusals)
          println(io.stderr, `  refused ${r.clientId}: ${r.status} ${visible(r.body)}`);
        if (progress.refused > 0)
          throw new CliExit(EXIT.failed, `${progress.refused} observations were refused`);
      },
    );

  ops
    .command('exercise-end')
    .description(
      'close the accounts of exercise replays that did not reach their end (a killed process), and undo what replays before 2026-12 granted to accounts they did not make; not while a replay runs',
    )
    .option('--tag <tag>', 'only the run with this tag (the -x<tag> of its operation ids)')
    .action(async (opts: { tag?: string }) => {
      if (opts.tag !== undefined && !/^[a-z0-9]{1,12}$/.test(opts.tag))
        throw new CliExit(EXIT.usage, '--tag is 1–12 lower-case letters or digits');
      const ended = await withStore(io, program.opts(), (ctx) => endStaleExercises(ctx, { tag: opts.tag }));
      println(
        io.stdout,
        `Closed ${ended.accounts} exercise accounts: ${ended.grants} grants and ${ended.tokens} tokens revoked, ${ended.sessions} sessions ended, ${ended.devices} device keys revoked; ${ended.foreignGrants} grants given by older replays to other accounts revoked.`,
      );
    });
}
