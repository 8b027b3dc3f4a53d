import { setupPath } from '../../access/links.js';
import { issueSetupLink, setupNeeded } from '../../access/users.js';
import { buildApp } from '../../api/server.js';
import { startCheckpointTimer } from '../../custody/service.js';
import { redactUrl } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { configFrom } from '../context.js';
import { CliExit, EXIT, println } from '../io.js';
import type { Register } from '../main.js';

export const registerServe: Register = (program, { io }) => {
  program
    .command('serve')
    .description('run the Attest server (API and web app)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or $ATTEST_HOST)')
    .option('--port <port>', 'port (default 8080, or $ATTEST_PORT)')
    .action(async (opts: { host?: string; port?: string }) => {
      const config = configFrom(io, program.opts());
      const port = opts.port === undefined ? config.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliExit(EXIT.usage, '--port must be 0–65535');
      const host = opts.host ?? config.host;
      const store = await openStore(config);
      const app = await buildApp(store.ctx, { logger: !io.env.ATTEST_QUIET });
      const stopCheckpoints = startCheckpointTimer(store.ctx, (err) =>
        app.log.error({ err }, 'checkpoint failed'),
      );
      const stop = async () => {
        stopCheckpoints();
        await app.close();
        await store.close();
      };
      process.once('SIGINT', () => void stop().then(() => process.exit(0)));
      process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
      const address = await app.listen({ host, port });
      println(
        io.stdout,
        `Attest is running at ${address}  (data: ${config.dataDir}; database: ${config.databaseUrl ? redactUrl(config.databaseUrl) : 'SQLite'})`,
      );
      if (await setupNeeded(store.ctx)) {
        // First run: no admin yet. The token is in the fragment, so it never reaches a server log.
        const link = await issueSetupLink(store.ctx);
        println(io.stdout, '');
        println(
          io.stdout,
          'First run: no admin account yet. Open this one-time link within the hour to create it:',
        );
        println(io.stdout, `  ${address}${setupPath(link.token)}`);
        println(io.stdout, '');
      }
      // Keep running until a signal arrives.
      await new Promise(() => {});
    });
};
