/**
 * cli.ts — `attest entity|incident|link|claim …`: the analysis records from the command line,
 * as the deployment's operator (it holds the data directory: every compartment, and protected
 * identities on --reveal; the actor in the custody log is `cli`). Records are given as JSON — a
 * file, or - for standard input, the same body as the HTTP route — or their common fields as flags.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Register } from '../cli/command.js';
import { withStore } from '../cli/context.js';
import { CliExit, type CliIo, EXIT, printJson, println } from '../cli/io.js';
import type { Ctx } from '../ctx.js';
import { visible } from '../lib/display.js';
import { createClaim, getClaim, setStance } from './claims.js';
import { createEntity, getEntity, listEntities, updateEntity } from './entities.js';
import { AnalysisError } from './errors.js';
import { createIncident, getIncident, listIncidents } from './incidents.js';
import { createLink, linksOf } from './links.js';
import type { Actor } from './records.js';
import type { SeenRef } from './refs.js';

const OPERATOR: Actor = { id: 'cli', read: 'all', write: 'all', reveal: 'all' };
/** The largest JSON record a command reads (the HTTP routes' bodies are far smaller). */
const MAX_JSON = 256 * 1024;

/** readJson reads a JSON object from a file or standard input, refusing anything larger than MAX_JSON. */
function readJson(path: string): Record<string, unknown> {
  let raw: Buffer;
  try {
    const fd = path === '-' ? 0 : openSync(path, 'r');
    try {
      if (fd !== 0 && fstatSync(fd).size > MAX_JSON)
        throw new CliExit(EXIT.usage, `${path}: larger than ${MAX_JSON} bytes`);
      raw = readFileSync(fd);
    } finally {
      if (fd !== 0) closeSync(fd);
    }
  } catch (err) {
    if (err instanceof CliExit) throw err;
    throw new CliExit(
      EXIT.usage,
      `${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (raw.length > MAX_JSON) throw new CliExit(EXIT.usage, `${path}: larger than ${MAX_JSON} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new CliExit(EXIT.usage, `${path}: not JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new CliExit(EXIT.usage, `${path}: not a JSON object`);
  return value as Record<string, unknown>;
}

/** refOf reads `type:id` (item:ATT-000001, entity:ent-…, incident:inc-…). */
function refOf(s: string): { type: string; id: string } {
  const i = s.indexOf(':');
  if (i < 0)
    throw new CliExit(EXIT.usage, `${s}: write type:id (item:ATT-000001, entity:ent-…, incident:inc-…)`);
  return { type: s.slice(0, i), id: s.slice(i + 1) };
}

function seen(r: SeenRef): string {
  if (r.type === 'item') return `${r.ern} ${visible(r.title)}`;
  if (r.type === 'incident') return `${r.id} ${visible(r.title)}`;
  const e = r.entity;
  return e.view === 'pseudonym'
    ? `${e.id} (${visible(e.pseudonym)})`
    : `${e.id} ${visible(e.name ?? `(${e.pseudonym})`)}`;
}

const withheldName = (e: { name: string | null; pseudonym: string | null }) =>
  visible(e.name ?? `(protected: ${e.pseudonym ?? ''})`);

export const registerAnalysis: Register = (program, { io }) => {
  /** run opens the store, runs `fn` as the operator and turns analysis errors into exit codes. */
  const run = async <T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> => {
    try {
      return await withStore(io, program.opts(), fn);
    } catch (err) {
      if (err instanceof AnalysisError && err.code === 'NOT_FOUND')
        throw new CliExit(EXIT.failed, err.message);
      if (err instanceof AnalysisError) throw new CliExit(EXIT.usage, err.message);
      throw err;
    }
  };
  const out = (json: boolean | undefined, value: unknown, text: () => string) =>
    json ? printJson(io, value) : println(io.stdout, text());
  analysisCommands(program, io, run, out);
};

type Run = <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>;
type Out = (json: boolean | undefined, value: unknown, text: () => string) => void;

function analysisCommands(program: Command, _io: CliIo, run: Run, out: Out): void {
  const entity = program
    .command('entity')
    .description('persons (with protection and pseudonym), organisations, units, places, vehicles');
  entity
    .command('add')
    .description('record an entity: --from FILE (the POST /api/entities body) or flags')
    .option('--from <file>', 'the entity as JSON (- for stdin)')
    .option('--kind <kind>', 'person, organisation, unit, place or vehicle')
    .option('--name <name>', 'the name')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--protection <level>', 'none, pseudonymised or protected')
    .option('--pseudonym <p>', 'the pseudonym (required when protected)')
    .option('--pcode <pcode>', 'gazetteer place (places, units, organisations)')
    .option('--json', 'machine-readable output')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const body = o.from
        ? readJson(String(o.from))
        : {
            kind: o.kind,
            name: o.name,
            compartment: o.compartment,
            protection: o.protection,
            pseudonym: o.pseudonym,
            pcode: o.pcode,
          };
      const e = await run((ctx) => createEntity(ctx, OPERATOR, body as never));
      out(o.json === true, e, () => e.id);
    });
  entity
    .command('update')
    .description("change an entity's names, protection or attributes (the PATCH /api/entities/{id} body)")
    .argument('<id>', 'entity id')
    .requiredOption('--from <file>', 'the changes as JSON (- for stdin)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { from: string; json?: boolean }) => {
      const body = readJson(o.from);
      const e = await run((ctx) => updateEntity(ctx, OPERATOR, id, body));
      out(o.json, e, () => `${e.id} updated`);
    });
  entity
    .command('list')
    .description('entities in id order (a protected person by pseudonym)')
    .option('--kind <kind>', 'only this kind')
    .option('--after <id>', 'the page after this entity id')
    .option('--json', 'machine-readable output')
    .action(async (o: { kind?: string; after?: string; json?: boolean }) => {
      const res = await run((ctx) =>
        listEntities(ctx, OPERATOR, {
          ...(o.kind ? { kind: o.kind } : {}),
          ...(o.after ? { after: o.after } : {}),
          limit: 500,
        }),
      );
      out(o.json, res, () =>
        [
          ...res.entities.map((e) => `${e.id}  ${e.kind.padEnd(12)} ${withheldName(e)}`),
          ...(res.next ? [`more: --after ${res.next}`] : []),
        ].join('\n'),
      );
    });
  entity
    .command('show')
    .argument('<id>', 'entity id')
    .option('--reveal', "show a protected person's name (logged in the custody log as a view)")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { reveal?: boolean; json?: boolean }) => {
      const e = await run((ctx) => getEntity(ctx, OPERATOR, id, o.reveal === true));
      out(o.json, e, () =>
        [
          `${e.id}  ${e.kind}  ${withheldName(e)}`,
          `compartment ${e.compartment}, protection ${e.protection}${e.pseudonym ? `, pseudonym ${visible(e.pseudonym)}` : ''}`,
          ...(e.aliases.length ? [`also ${e.aliases.map(visible).join('; ')}`] : []),
          ...(e.pcode ? [`place ${e.pcode}`] : []),
        ].join('\n'),
      );
    });

  const incident = program
    .command('incident')
    .description('incidents: type, uncertain time range, place, links, claims, corroboration');
  incident
    .command('add')
    .description('record an incident: --from FILE (the POST /api/incidents body) or flags')
    .option('--from <file>', 'the incident as JSON (- for stdin)')
    .option('--type <type>', 'from the vocabulary (shelling, detention, …)')
    .option('--title <title>', 'title')
    .option('--description <text>', 'description')
    .option('--start <when>', 'YYYY[-MM[-DD]] or an ISO instant')
    .option('--end <when>', 'YYYY[-MM[-DD]] or an ISO instant')
    .option('--pcode <pcode>', 'gazetteer place')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--json', 'machine-readable output')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const body = o.from
        ? readJson(String(o.from))
        : {
            type: o.type,
            title: o.title,
            description: o.description,
            start: o.start,
            end: o.end,
            pcode: o.pcode,
            compartment: o.compartment,
          };
      const i = await run((ctx) => createIncident(ctx, OPERATOR, body as never));
      out(o.json === true, i, () => i.id);
    });
  incident
    .command('list')
    .description('incidents, latest first')
    .option('--type <type>', 'only this type')
    .option('--place <pcode>', 'inside this admin area')
    .option('--from <date>', 'overlapping this date or later')
    .option('--to <date>', 'starting before this date')
    .option('--json', 'machine-readable output')
    .action(async (o: { type?: string; place?: string; from?: string; to?: string; json?: boolean }) => {
      const list = await run((ctx) =>
        listIncidents(ctx, 'all', {
          ...(o.type ? { type: o.type } : {}),
          ...(o.place ? { place: o.place } : {}),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          limit: 500,
        }),
      );
      out(o.json, { incidents: list }, () =>
        list
          .map(
            (i) =>
              `${i.id}  ${(i.start.earliest ?? '').slice(0, 10).padEnd(10)}  ${i.type.padEnd(22)} ${visible(i.title)}`,
          )
          .join('\n'),
      );
    });
  incident
    .command('show')
    .argument('<id>', 'incident id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const i = await run((ctx) => getIncident(ctx, 'all', id));
      out(o.json, i, () =>
        [
          `${i.id}  ${i.type}  ${visible(i.title)}`,
          `corroboration: ${i.corroboration.status} (${i.corroboration.supportingSources} independent supporting, ${i.corroboration.contradictingSources} contradicting sources)`,
          ...i.claims.map((c) => `  claim ${c.id}: ${c.corroboration.status} — ${visible(c.statement)}`),
          ...i.links.map(
            (l) => `  link ${seen(l.from)} ${l.relation} ${seen(l.to)} (basis ${l.basis ?? '-'})`,
          ),
        ].join('\n'),
      );
    });

  const link = program.command('link').description('links between records, with relation and basis item');
  link
    .command('add')
    .description('link two records: FROM and TO as item:ATT-000001, entity:ent-…, incident:inc-…')
    .argument('<from>', 'type:id')
    .argument('<relation>', 'relation (mentions, witness-of, perpetrator-of, …)')
    .argument('<to>', 'type:id')
    .option('--basis <ern>', 'the item that is the basis (required unless an end is an item)')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--json', 'machine-readable output')
    .action(
      async (
        from: string,
        relation: string,
        to: string,
        o: { basis?: string; compartment: string; json?: boolean },
      ) => {
        const input = {
          from: refOf(from),
          to: refOf(to),
          relation,
          compartment: o.compartment,
          ...(o.basis ? { basis: o.basis } : {}),
        };
        const l = await run((ctx) => createLink(ctx, OPERATOR, input));
        out(o.json, l, () => l.id);
      },
    );
  link
    .command('list')
    .description('the links from or to a record')
    .argument('<record>', 'type:id')
    .option('--json', 'machine-readable output')
    .action(async (record: string, o: { json?: boolean }) => {
      const ref = refOf(record);
      const links = await run((ctx) => linksOf(ctx, 'all', ref));
      out(o.json, { links }, () =>
        links
          .map((l) => `${l.id}  ${seen(l.from)}  ${l.relation}  ${seen(l.to)}  basis ${l.basis ?? '-'}`)
          .join('\n'),
      );
    });

  const claim = program
    .command('claim')
    .description('claims and the stance of each item on them (corroboration)');
  claim
    .command('add')
    .argument('<statement>', 'what is claimed')
    .option('--incident <id>', 'the incident the claim belongs to')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--json', 'machine-readable output')
    .action(async (statement: string, o: { incident?: string; compartment: string; json?: boolean }) => {
      const c = await run((ctx) =>
        createClaim(ctx, OPERATOR, {
          statement,
          compartment: o.compartment,
          ...(o.incident ? { incidentId: o.incident } : {}),
        }),
      );
      out(o.json, c, () => c.id);
    });
  claim
    .command('stance')
    .description("record an item's stance on a claim; prints the claim's corroboration")
    .argument('<claim>', 'claim id')
    .argument('<ern>', 'the item')
    .argument('<stance>', 'supports, contradicts or silent')
    .option('--json', 'machine-readable output')
    .action(async (id: string, ern: string, stance: string, o: { json?: boolean }) => {
      const c = await run((ctx) => setStance(ctx, OPERATOR, id, ern, stance));
      out(
        o.json,
        c,
        () =>
          `${c.id}: ${c.corroboration.status} (${c.corroboration.supportingSources} supporting, ${c.corroboration.contradictingSources} contradicting independent sources)`,
      );
    });
  claim
    .command('show')
    .argument('<claim>', 'claim id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const c = await run((ctx) => getClaim(ctx, 'all', id));
      out(o.json, c, () =>
        [
          `${c.id}: ${c.corroboration.status} — ${visible(c.statement)}`,
          ...c.stances.map(
            (s) =>
              `  ${s.ern}  ${s.stance.padEnd(12)} ${visible(s.source)}${s.implicit ? ' (linked, no stance)' : ''}`,
          ),
        ].join('\n'),
      );
    });
}
