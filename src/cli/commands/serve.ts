import { issueSetupLink, setupNeeded, setupPath } from '../../access/index.js';
import { buildApp } from '../../api/server.js';
import { type Config, publicBase } from '../../config.js';
import { onSignerRefusal, startCheckpointTimer, startWitnessTimer } from '../../custody/index.js';
import { startOpsTimer } from '../../ops/index.js';
import { redactUrl } from '../../store/db.js';
import { type OpenStore, openStore } from '../../store/open.js';
import type { Register } from '../command.js';
import { configFrom } from '../context.js';
import { CliExit, type CliIo, EXIT, println } from '../io.js';
import { queueStartupJobs, startWorker } from '../job-kinds.js';

export const registerServe: Register = (program, { io }) => {
  program
    .command('serve')
    .description('run the Attest server (API and web app)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or $ATTEST_HOST)')
    .option('--port <port>', 'port (default 8080, or $ATTEST_PORT)')
    .option('--workers <n>', 'job workers run in this process (default 1, or $ATTEST_WORKERS; 0 = none)')
    .action(async (opts: { host?: string; port?: string; workers?: string }) => {
      if (opts.workers !== undefined && !/^[0-9]{1,3}$/.test(opts.workers))
        throw new CliExit(EXIT.usage, '--workers must be a whole number');
      const config = configFrom(io, program.opts());
      const workers = opts.workers === undefined ? config.workers : Number(opts.workers);
      const port = opts.port === undefined ? config.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliExit(EXIT.usage, '--port must be 0–65535');
      const host = opts.host ?? config.host;
      const store = await openStore(config);
      await startServer(store, { ...config, workers }, io, { host, port });
      // Keep running until a signal arrives.
      await new Promise(() => {});
    });
};

export interface RunningServer {
  /** The address the server listens at, e.g. http://127.0.0.1:8080. */
  readonly address: string;
  /** stop closes the server and the store. */
  stop(): Promise<void>;
}

/**
 * startServer serves `store` (API and web app) with the checkpoint and reconciliation timers, and
 * stops on SIGINT/SIGTERM. It prints where it runs and, while no admin exists, a one-time setup
 * link. It returns once listening; the store is closed when the server stops.
 */
export async function startServer(
  store: OpenStore,
  config: Config,
  io: CliIo,
  listen: { readonly host: string; readonly port: number } = { host: config.host, port: config.port },
): Promise<RunningServer> {
  const app = await buildApp(store.ctx, { logger: !io.env.ATTEST_QUIET });
  const stopCheckpoints = startCheckpointTimer(store.ctx, (err) =>
    app.log.error({ err }, 'checkpoint failed'),
  );
  // The signer's refusals are loud: each is an error line in the server log (issue 18.2).
  const stopRefusals = onSignerRefusal((refusal, dataDir) => {
    if (dataDir === store.ctx.config.dataDir) app.log.error({ custodySigner: refusal }, refusal.message);
  });
  // Witnesses cosign each new checkpoint in the background (C2SP tlog-witness); a failure is a
  // warning naming the witness and the reason (never its URL), and shows on the health screen.
  const stopWitnesses = startWitnessTimer(
    store.ctx,
    (o) => {
      if (o.error) app.log.warn({ witness: o.name, code: o.error.code }, o.error.message);
    },
    (err) => app.log.error({ err }, 'witnessing failed'),
  );
  const stopOps = startOpsTimer(store.ctx, (err) => app.log.error({ err }, 'ops reconciliation failed'));
  // An upgrade that emptied or outdated the search index re-indexes by itself (issue 15).
  await queueStartupJobs(
    store.ctx,
    (message) => app.log.info(message),
    (err) => app.log.error({ err }, 'queueing the search catch-up failed'),
  );
  // Intake and other durable jobs run in this process unless the deployment runs `attest worker`s.
  const worker =
    config.workers > 0
      ? startWorker(store.ctx, config.workers, (err) => app.log.error({ err }, 'job worker error'))
      : undefined;
  const stop = async () => {
    stopCheckpoints();
    stopRefusals();
    stopWitnesses();
    stopOps();
    await worker?.stop();
    await app.close();
    await store.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  const address = await app.listen({ host: listen.host, port: listen.port });
  println(
    io.stdout,
    `Attest is running at ${publicBase(config, address)}${config.publicUrl ? ` (listening at ${address})` : ''}  (data: ${config.dataDir}; database: ${config.databaseUrl ? redactUrl(config.databaseUrl) : 'SQLite'})`,
  );
  if (await setupNeeded(store.ctx)) {
    // First run: no admin yet. The token is in the fragment, so it never reaches a server log.
    const link = await issueSetupLink(store.ctx);
    println(io.stdout, '');
    println(
      io.stdout,
      'First run: no admin account yet. Open this one-time link within the hour to create it:',
    );
    println(io.stdout, `  ${publicBase(config, address)}${setupPath(link.token)}`);
    println(io.stdout, '');
  }
  return { address, stop };
}
