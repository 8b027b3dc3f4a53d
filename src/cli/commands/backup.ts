/**
 * backup.ts — `attest backup --out DIR|FILE.tar` and `attest restore DIR|FILE.tar` (issue 21.3;
 * the format is src/store/backup/backup.ts). The passphrase that encrypts the keys comes from
 * ATTEST_BACKUP_PASSPHRASE, never from the command line (it would show in `ps` and the history).
 */
import { signCheckpoint, withSignerHeld } from '../../custody/index.js';
import { BackupCorruptError, backupDeployment, restoreDeployment } from '../../store/backup/backup.js';
import type { Register } from '../command.js';
import { configFrom, withStore } from '../context.js';
import { CliExit, EXIT, printJson, println } from '../io.js';

function passphrase(env: NodeJS.ProcessEnv): string {
  const p = env.ATTEST_BACKUP_PASSPHRASE;
  if (!p)
    throw new CliExit(
      EXIT.usage,
      'set ATTEST_BACKUP_PASSPHRASE (at least 12 characters): it encrypts the keys',
    );
  return p;
}

export const registerBackup: Register = (program, { io, exit }) => {
  program
    .command('backup')
    .description('snapshot the deployment while it serves: database, blobs (incremental), keys (encrypted)')
    .requiredOption(
      '--out <dir|file.tar>',
      'a backup directory (snapshots share its blobs) or a new .tar file',
    )
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExample:\n  ATTEST_BACKUP_PASSPHRASE=… attest backup --out /srv/backups/attest\n' +
        '  ATTEST_BACKUP_PASSPHRASE=… ATTEST_DATA=/srv/new attest restore /srv/backups/attest\n',
    )
    .action(async (opts: { out: string; json?: boolean }) => {
      const secret = passphrase(io.env);
      const result = await withStore(io, program.opts(), async (ctx) => {
        // The snapshot carries a checkpoint of (at least) everything before it.
        await signCheckpoint(ctx);
        return backupDeployment(ctx, opts.out, secret, (fn) => withSignerHeld(ctx, fn));
      });
      if (opts.json) printJson(io, result);
      else
        println(
          io.stderr,
          `backup ${result.id}: ${result.items} item(s), custody log of ${result.logSize} entries (checkpoint at ${result.checkpointSize ?? 'none'}), ` +
            `${result.blobs} blob(s) of which ${result.blobsCopied} copied (${result.bytesCopied} bytes) to ${result.out}`,
        );
    });

  program
    .command('restore <source>')
    .description('restore a backup into an empty data directory, then `attest verify --checkpoint` it')
    .option('--snapshot <id>', 'which snapshot of a backup directory (default: the newest)')
    .option('--json', 'machine-readable output')
    .action(async (source: string, opts: { snapshot?: string; json?: boolean }) => {
      const secret = passphrase(io.env);
      const config = configFrom(io, program.opts());
      try {
        const r = await restoreDeployment(config, source, secret, opts.snapshot);
        if (opts.json) printJson(io, r);
        else
          println(
            io.stderr,
            `restored ${r.id}: ${r.items} item(s), ${r.blobs} blob(s), custody log of ${r.logSize} entries` +
              (r.checkpointFile ? `; now run: attest verify --checkpoint ${r.checkpointFile}` : ''),
          );
      } catch (err) {
        if (!(err instanceof BackupCorruptError)) throw err;
        if (opts.json) printJson(io, { problems: err.problems });
        for (const p of err.problems) println(io.stderr, `backup-corrupt ${p}`);
        println(io.stderr, 'restore: nothing was written');
        exit(EXIT.failed);
      }
    });
};
