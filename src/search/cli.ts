/**
 * cli.ts — `attest search QUERY`, `attest index` and `attest places …`. The command line acts
 * as the deployment's operator (it holds the data directory), so it searches every compartment
 * unless --compartment narrows it.
 */

import type { Register } from '../cli/command.js';
import { withStore } from '../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../cli/io.js';
import { visible } from '../lib/display.js';
import { AttestError } from '../lib/errors.js';
import { ancestors, loadGazetteer } from './gazetteer/places.js';
import { resolvePlace } from './gazetteer/resolve.js';
import { reindexAll, syncIndex } from './indexer.js';
import { itemMentions } from './mentions.js';
import { search } from './service.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** plain turns a snippet's HTML (escaped text, <mark>) into terminal text with [hits]. */
function plain(snippet: string): string {
  return snippet
    .replace(/<mark>/g, '[')
    .replace(/<\/mark>/g, ']')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (
      err instanceof AttestError &&
      ['INVALID_QUERY', 'QUERY_TOO_COMPLEX', 'INVALID_CURSOR', 'UNKNOWN_PLACE'].includes(err.code)
    )
      throw new CliExit(EXIT.usage, err.message);
    if (err instanceof AttestError && err.code === 'NOT_FOUND') throw new CliExit(EXIT.failed, err.message);
    throw err;
  }
}

export const registerSearch: Register = (program, { io }) => {
  const open = <T>(fn: Parameters<typeof withStore<T>>[2]) => withStore(io, program.opts(), fn);

  program
    .command('search')
    .description(
      'search the evidence (query language: words, "phrases", OR, -word, prefix*, kind:, source:, place:, after:, before:, ern:)',
    )
    .argument('<query...>', 'the query')
    .option('--limit <n>', 'results per page (1–100)', '20')
    .option('--cursor <cursor>', 'continue from the previous page (its "next")')
    .option('--sort <by>', 'relevance (default) or date')
    .option('--compartment <name>', 'only this compartment (repeatable)', collect)
    .option('--json', 'machine-readable output: {"results","total","totalExact","facets","next"}')
    .option('--reveal', "also match protected persons' real names (not only their pseudonyms)")
    .action(
      async (
        words: string[],
        opts: {
          limit: string;
          cursor?: string;
          sort?: string;
          compartment?: string[];
          json?: boolean;
          reveal?: boolean;
        },
      ) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          throw new CliExit(EXIT.usage, '--limit must be 1 to 100');
        if (opts.sort !== undefined && opts.sort !== 'relevance' && opts.sort !== 'date')
          throw new CliExit(EXIT.usage, '--sort is relevance or date');
        const res = await domain(() =>
          open((ctx) =>
            search(ctx, {
              q: words.join(' '),
              limit,
              compartments: opts.compartment ?? 'all',
              // The operator reads every analysis record; protected names only on --reveal.
              entities: {
                read: opts.compartment ?? 'all',
                reveal: opts.reveal ? (opts.compartment ?? 'all') : [],
              },
              // The custody actor of a reveal, as `attest entities show --reveal` logs it.
              actor: 'cli',
              ...(opts.cursor ? { cursor: opts.cursor } : {}),
              ...(opts.sort ? { sort: opts.sort as 'relevance' | 'date' } : {}),
            }),
          ),
        );
        if (opts.json) return printJson(io, res);
        const more = res.totalExact ? '' : ' or more (the newest ranked; narrow the query)';
        println(io.stdout, `${res.total} item${res.total === 1 && res.totalExact ? '' : 's'}${more}`);
        for (const r of res.results) {
          println(io.stdout, `${r.ern}  ${r.date.slice(0, 10)}  ${r.kind.padEnd(9)} ${visible(r.title)}`);
          println(io.stdout, `    ${visible(plain(r.snippet))}`);
        }
        if (res.next) println(io.stdout, `more: --cursor ${res.next}`);
      },
    );

  program
    .command('index')
    .description('bring the search index up to date with the vault (--rebuild re-reads every item)')
    .option('--rebuild', 're-index every item (after an upgrade of the analyser)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { rebuild?: boolean; json?: boolean }) => {
      const seen = await open((ctx) => (opts.rebuild ? reindexAll(ctx) : syncIndex(ctx)));
      if (opts.json) return printJson(io, { itemsRead: seen });
      println(io.stdout, `index up to date (${seen} item${seen === 1 ? '' : 's'} read)`);
    });

  const places = program
    .command('places')
    .description('the Syria gazetteer: resolve names, show places, item mentions');
  places
    .command('resolve')
    .description('the places a name may mean, in any spelling or script, best first')
    .argument('<name...>', 'the name')
    .option('--near <pcodes>', 'comma-separated P-codes of places nearby (context for homonyms)')
    .option('--json', 'machine-readable output')
    .action((name: string[], opts: { near?: string; json?: boolean }) => {
      const candidates = resolvePlace(name.join(' '), opts.near?.split(',') ?? []);
      if (opts.json) return printJson(io, { candidates });
      if (candidates.length === 0) throw new CliExit(EXIT.failed, `no place named ${name.join(' ')}`);
      for (const c of candidates.slice(0, 20))
        println(
          io.stdout,
          `${c.place.pcode.padEnd(9)} ${c.score.toFixed(2)}  ${c.match.padEnd(8)} ${c.place.nameEn} / ${c.place.nameAr}  (level ${c.place.level}, ${c.place.admin1})`,
        );
    });
  places
    .command('show')
    .description('one place and the admin units it lies in')
    .argument('<pcode>', 'P-code')
    .option('--json', 'machine-readable output')
    .action((pcode: string, opts: { json?: boolean }) => {
      const all = loadGazetteer().places;
      const place = all.get(pcode.toUpperCase());
      if (!place) throw new CliExit(EXIT.failed, `no place ${pcode}`);
      const within = ancestors(place)
        .filter((p) => p !== place.pcode)
        .map((p) => all.get(p)!);
      if (opts.json) return printJson(io, { place, within });
      println(
        io.stdout,
        `${place.pcode}  ${place.nameEn} / ${place.nameAr}  level ${place.level}  ${place.lat}, ${place.lon}`,
      );
      for (const w of within) println(io.stdout, `  in ${w.pcode.padEnd(9)} ${w.nameEn} / ${w.nameAr}`);
    });
  places
    .command('mentions')
    .description("the places an item's texts mention, with offsets")
    .argument('<ern>', 'evidence reference number')
    .option('--json', 'machine-readable output')
    .action(async (ern: string, opts: { json?: boolean }) => {
      const res = await domain(() => open((ctx) => itemMentions(ctx, ern, 'all')));
      if (opts.json) return printJson(io, res);
      for (const m of res.mentions)
        println(
          io.stdout,
          `${m.textItem}  ${String(m.start).padStart(6)}–${String(m.end).padEnd(6)} ${m.pcode.padEnd(9)} ${visible(m.text)}`,
        );
    });
};
