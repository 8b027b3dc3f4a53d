/**
 * blobs.ts — `attest blobs migrate --to LOCATION`: copies the deployment's blobs to another
 * store (a directory, file:///path or s3://bucket/prefix), each re-hashed on the way and verified
 * where it lands, then checks that every blob the database records is at the destination. The
 * deployment's own store is the one ATTEST_BLOBS names (the data directory's blobs by default).
 */
import { openBlobStoreAt } from '../../store/blob-location.js';
import { migrateBlobs } from '../../store/blob-migrate.js';
import type { Register } from '../command.js';
import { configFrom, withStore } from '../context.js';
import { CliExit, EXIT, printJson, println } from '../io.js';

export const registerBlobs: Register = (program, { io, exit }) => {
  const blobs = program.command('blobs').description('the blob store: where the bytes of evidence live');
  blobs
    .command('migrate')
    .description('copy every blob to another store, verified (then point ATTEST_BLOBS at it)')
    .requiredOption('--to <location>', 'a directory, file:///path or s3://bucket/prefix')
    .option('--trust-existing', 'do not re-hash blobs already at the destination with the right size')
    .option('--parallel <n>', 'blobs copied at once (default 4)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExample:\n  ATTEST_S3_ENDPOINT=http://127.0.0.1:9000 ATTEST_S3_PATH_STYLE=1 \\\n' +
        '  ATTEST_S3_ACCESS_KEY_ID=… ATTEST_S3_SECRET_ACCESS_KEY=… attest blobs migrate --to s3://attest/blobs\n' +
        '  # then stop, run it again (quick: only what arrived meanwhile), set ATTEST_BLOBS=s3://attest/blobs, start\n',
    )
    .action(async (opts: { to: string; trustExisting?: boolean; parallel?: string; json?: boolean }) => {
      if (opts.parallel !== undefined && !/^[1-9][0-9]{0,2}$/.test(opts.parallel))
        throw new CliExit(EXIT.usage, '--parallel must be a whole number from 1 to 999');
      const globals = program.opts();
      const config = configFrom(io, globals);
      const result = await withStore(io, globals, async (ctx) => {
        const dest = await openBlobStoreAt(opts.to, config);
        try {
          const source = config.blobs ?? `${config.dataDir}/blobs`;
          if (dest.where.replace(/\/+$/, '') === source.replace(/\/+$/, ''))
            throw new CliExit(EXIT.usage, `--to names the store the deployment already uses (${dest.where})`);
          const migrated = await migrateBlobs(ctx.blobs, dest.blobs, {
            trustExisting: opts.trustExisting === true,
            parallel: opts.parallel ? Number(opts.parallel) : 4,
            onProgress: io.isTTY
              ? (done, bytes) => {
                  if (done % 500 === 0) io.stderr.write(`\rblobs: ${done} checked, ${bytes} bytes copied`);
                }
              : undefined,
          });
          // Every blob the database records must now be at the destination.
          const missing: string[] = [];
          const rows = await ctx.db.selectFrom('blob').select(['sha256', 'size']).execute();
          for (const r of rows)
            if ((await dest.blobs.size(r.sha256)) !== Number(r.size)) missing.push(r.sha256);
          return { ...migrated, to: dest.where, recorded: rows.length, missing };
        } finally {
          dest.close();
        }
      });
      const failed = result.problems.length > 0 || result.missing.length > 0;
      if (opts.json) printJson(io, result);
      else {
        for (const p of result.problems) println(io.stdout, `${p.code} ${p.message}`);
        for (const m of result.missing)
          println(io.stdout, `missing-at-destination blob ${m} (recorded in the database)`);
        println(
          io.stderr,
          `blobs migrate: ${result.copied} copied (${result.bytes} bytes), ${result.present} already at ${result.to}; ` +
            `${result.recorded} recorded blob(s) checked at the destination` +
            (failed
              ? `; ${result.problems.length + result.missing.length} problem(s): do not switch ATTEST_BLOBS yet`
              : `; all verified: set ATTEST_BLOBS=${opts.to} and restart`),
        );
      }
      if (failed) exit(EXIT.failed);
    });
};
