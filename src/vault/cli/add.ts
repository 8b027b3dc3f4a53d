import cliProgress from 'cli-progress';
import type { Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../../cli/io.js';
import { visible } from '../../lib/display.js';
import { addFiles, type FileResult, walkPaths } from '../add-files.js';
import { UNKNOWN } from '../provenance.js';

interface AddOptions {
  source?: string;
  collectedBy?: string;
  collectedAt?: string;
  unknownProvenance?: boolean;
  compartment?: string;
  title?: string;
  allowDuplicate?: boolean;
  json?: boolean;
}

export const registerAdd: Register = (program, { io, exit }) => {
  program
    .command('add')
    .description('add files or directory trees (recursively) to the vault and print their ERNs')
    .argument('<paths...>', 'files or directories')
    .option('--source <text>', 'where the material came from')
    .option('--collected-by <id>', 'who collected it (an id, not a name)')
    .option('--collected-at <iso>', 'when it was collected (ISO 8601 date or time, UTC if no zone)')
    .option('--unknown-provenance', 'mark every provenance field not given as explicitly "unknown"')
    .option('--compartment <name>', 'access compartment', 'general')
    .option('--title <text>', 'title (default: the file name)')
    .option(
      '--allow-duplicate',
      'record a new item (with this provenance) even if the bytes are already held',
    )
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nProvenance is required: give --source, --collected-by and --collected-at, or mark\nthe missing ones with --unknown-provenance.\n\nExample:\n  attest add --source "field team 3" --collected-by monitor-07 --collected-at 2016-12-18 ./photos',
    )
    .action(async (paths: string[], opts: AddOptions) => {
      const fallback = opts.unknownProvenance ? UNKNOWN : undefined;
      const provenance = {
        source: opts.source ?? fallback,
        collectedBy: opts.collectedBy ?? fallback,
        collectedAt: opts.collectedAt ?? fallback,
      };
      const missing = Object.entries(provenance)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k);
      if (missing.length) {
        throw new CliExit(
          EXIT.usage,
          `provenance missing: ${missing.map(flagOf).join(', ')} (or pass --unknown-provenance)`,
        );
      }
      const { files, failures } = await walkPaths(paths);
      const totalBytes = files.reduce((n, f) => n + f.size, 0);
      const bar =
        io.isTTY && !opts.json
          ? new cliProgress.SingleBar(
              {
                stream: io.stderr,
                format: ' {bar} {percentage}% | {value}/{total} MB | {files} files',
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      let done = 0;
      let bytes = 0;
      bar?.start(Math.ceil(totalBytes / 1e6), 0, { files: `0/${files.length}` });
      const results = await withStore(io, program.opts(), (ctx) =>
        addFiles(ctx, files, {
          common: {
            provenance,
            actor: 'cli',
            allowDuplicate: Boolean(opts.allowDuplicate),
            ...(opts.compartment ? { compartment: opts.compartment } : {}),
            ...(opts.title ? { title: opts.title } : {}),
          },
          onBytes: (d) => {
            bytes += d;
            bar?.update(Math.floor(bytes / 1e6));
          },
          onResult: (r) => {
            done++;
            bar?.update(Math.floor(bytes / 1e6), { files: `${done}/${files.length}` });
            if (!opts.json && !bar) printResult(r);
          },
        }),
      );
      bar?.stop();
      const all = [...failures, ...results];
      if (opts.json) printJson(io, all.map(resultJson));
      else {
        if (bar) for (const r of results) printResult(r);
        for (const r of failures) printResult(r);
        const count = (s: string) => all.filter((r) => r.status === s).length;
        println(
          io.stderr,
          `${count('added')} added, ${count('duplicate')} already held, ${count('failed')} failed`,
        );
      }
      if (all.some((r) => r.status === 'failed')) exit(EXIT.failed);
    });

  function printResult(r: FileResult): void {
    const path = visible(r.path);
    if (r.status === 'failed')
      println(io.stdout, `-           failed     ${r.error?.code}  ${path}: ${r.error?.message}`);
    else
      println(
        io.stdout,
        `${r.item!.ern.padEnd(11)} ${r.status.padEnd(10)} ${r.item!.sha256.slice(0, 16)}  ${path}`,
      );
  }
};

function resultJson(r: FileResult) {
  return {
    path: r.path,
    status: r.status,
    ...(r.item
      ? { ern: r.item.ern, sha256: r.item.sha256, size: r.item.size, mediaType: r.item.mediaType }
      : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

function flagOf(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
