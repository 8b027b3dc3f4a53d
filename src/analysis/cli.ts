/**
 * cli.ts — `attest entity|incident|link|claim …`: the analysis records from the command line,
 * as the deployment's operator (every compartment; the actor id in the custody log is `cli`).
 * Each command takes its record as JSON (a file, or - for standard input) — the same body as
 * the HTTP route — or the common fields as flags.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withStore } from '../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../cli/io.js';
import type { Register } from '../cli/main.js';
import type { Ctx } from '../ctx.js';
import { AttestError } from '../lib/errors.js';
import { createClaim, getClaim, setStance } from './claims.js';
import { createEntity, getEntity, listEntities } from './entities.js';
import { createIncident, getIncident, listIncidents } from './incidents.js';
import { createLink, linksOf } from './links.js';
import type { Actor } from './records.js';

const OPERATOR: Actor = { id: 'cli', read: 'all', write: 'all' };
const MAX_JSON = 256 * 1024;

function readJson(path: string): Record<string, unknown> {
  const raw = readFileSync(path === '-' ? 0 : path);
  if (raw.length > MAX_JSON) throw new CliExit(EXIT.usage, `${path}: larger than ${MAX_JSON} bytes`);
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new CliExit(EXIT.usage, `${path}: not a JSON object (${(err as Error).message})`);
  }
}

async function run<T>(io: Parameters<Register>[1]['io'], program: Command, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  try {
    return await withStore(io, program.opts(), fn);
  } catch (err) {
    if (err instanceof AttestError && err.code === 'INVALID_RECORD') throw new CliExit(EXIT.usage, err.message);
    if (err instanceof AttestError && err.code === 'NOT_FOUND') throw new CliExit(EXIT.failed, err.message);
    throw err;
  }
}

export const registerAnalysis: Register = (program, { io }) => {
  const out = (json: boolean | undefined, value: unknown, text: () => string) => (json ? printJson(io, value) : println(io.stdout, text()));

  const entity = program.command('entity').description('persons (with protection and pseudonym), organisations, units, places, vehicles');
  entity
    .command('add')
    .description('record an entity: --json FILE (the POST /api/entities body) or flags')
    .option('--from <file>', 'the entity as JSON (- for stdin)')
    .option('--kind <kind>', 'person, organisation, unit, place or vehicle')
    .option('--name <name>', 'the name')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--protection <level>', 'none, pseudonymised or protected')
    .option('--pseudonym <p>', 'the pseudonym (required when protected)')
    .option('--json', 'machine-readable output')
    .action(async (o: { from?: string; kind?: string; name?: string; compartment: string; protection?: string; pseudonym?: string; json?: boolean }) => {
      const body = o.from ? readJson(o.from) : { kind: o.kind, name: o.name, compartment: o.compartment, protection: o.protection, pseudonym: o.pseudonym };
      const e = await run(io, program, (ctx) => createEntity(ctx, OPERATOR, body as never));
      out(o.json, e, () => e.id);
    });
  entity
    .command('list')
    .option('--kind <kind>', 'only this kind')
    .option('--json', 'machine-readable output')
    .action(async (o: { kind?: string; json?: boolean }) => {
      const res = await run(io, program, (ctx) => listEntities(ctx, OPERATOR, { ...(o.kind ? { kind: o.kind } : {}), limit: 500 }));
      out(o.json, res, () => res.entities.map((e) => `${e.id}  ${e.kind.padEnd(12)} ${e.name ?? `(protected: ${e.pseudonym})`}`).join('\n'));
    });
  entity
    .command('show')
    .argument('<id>', 'entity id')
    .option('--reveal', "show a protected person's name (logged as a view)")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { reveal?: boolean; json?: boolean }) => {
      const e = await run(io, program, (ctx) => getEntity(ctx, OPERATOR, id, o.reveal === true));
      out(o.json, e, () => JSON.stringify(e, null, 2));
    });

  const incident = program.command('incident').description('incidents: type, uncertain time range, place, links, claims, corroboration');
  incident
    .command('add')
    .description('record an incident: --from FILE (the POST /api/incidents body) or flags')
    .option('--from <file>', 'the incident as JSON (- for stdin)')
    .option('--type <type>', 'from the vocabulary (shelling, detention, …)')
    .option('--title <title>', 'title')
    .option('--start <when>', 'YYYY[-MM[-DD]] or an ISO instant')
    .option('--end <when>', 'YYYY[-MM[-DD]] or an ISO instant')
    .option('--pcode <pcode>', 'gazetteer place')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--json', 'machine-readable output')
    .action(async (o: { from?: string; type?: string; title?: string; start?: string; end?: string; pcode?: string; compartment: string; json?: boolean }) => {
      const body = o.from ? readJson(o.from) : { type: o.type, title: o.title, start: o.start, end: o.end, pcode: o.pcode, compartment: o.compartment };
      const i = await run(io, program, (ctx) => createIncident(ctx, OPERATOR, body as never));
      out(o.json, i, () => i.id);
    });
  incident
    .command('list')
    .option('--type <type>', 'only this type')
    .option('--place <pcode>', 'inside this admin area')
    .option('--json', 'machine-readable output')
    .action(async (o: { type?: string; place?: string; json?: boolean }) => {
      const list = await run(io, program, (ctx) => listIncidents(ctx, 'all', { ...(o.type ? { type: o.type } : {}), ...(o.place ? { place: o.place } : {}) }));
      out(o.json, { incidents: list }, () => list.map((i) => `${i.id}  ${(i.start.earliest ?? '').slice(0, 10)}  ${i.type.padEnd(20)} ${i.title}`).join('\n'));
    });
  incident
    .command('show')
    .argument('<id>', 'incident id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const i = await run(io, program, (ctx) => getIncident(ctx, 'all', id));
      out(o.json, i, () =>
        [
          `${i.id}  ${i.type}  ${i.title}`,
          `corroboration: ${i.corroboration.status} (${i.corroboration.supportingSources} independent supporting sources at most per claim)`,
          ...i.claims.map((c) => `  claim ${c.id}: ${c.corroboration.status} — ${c.statement}`),
          ...i.links.map((l) => `  link ${l.relation} ${l.to.type === 'item' ? l.to.ern : l.to.type} (basis ${l.basis ?? '-'})`),
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
    .option('--basis <ern>', 'the item that is the basis')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--json', 'machine-readable output')
    .action(async (from: string, relation: string, to: string, o: { basis?: string; compartment: string; json?: boolean }) => {
      const ref = (s: string) => {
        const i = s.indexOf(':');
        if (i < 0) throw new CliExit(EXIT.usage, `${s}: write type:id (item:ATT-000001, entity:ent-…, incident:inc-…)`);
        return { type: s.slice(0, i), id: s.slice(i + 1) };
      };
      const l = await run(io, program, (ctx) => createLink(ctx, OPERATOR, { from: ref(from), to: ref(to), relation, compartment: o.compartment, ...(o.basis ? { basis: o.basis } : {}) }));
      out(o.json, l, () => l.id);
    });
  link
    .command('list')
    .argument('<record>', 'type:id')
    .option('--json', 'machine-readable output')
    .action(async (record: string, o: { json?: boolean }) => {
      const [type, ...rest] = record.split(':');
      const links = await run(io, program, (ctx) => linksOf(ctx, 'all', { type, id: rest.join(':') }));
      out(o.json, { links }, () => links.map((l) => `${l.id}  ${l.relation}  basis ${l.basis ?? '-'}`).join('\n'));
    });

  const claim = program.command('claim').description('claims and the stance of each item on them (corroboration)');
  claim
    .command('add')
    .argument('<statement>', 'what is claimed')
    .option('--incident <id>', 'the incident the claim belongs to')
    .option('--compartment <c>', 'compartment', 'general')
    .option('--json', 'machine-readable output')
    .action(async (statement: string, o: { incident?: string; compartment: string; json?: boolean }) => {
      const c = await run(io, program, (ctx) => createClaim(ctx, OPERATOR, { statement, compartment: o.compartment, ...(o.incident ? { incidentId: o.incident } : {}) }));
      out(o.json, c, () => c.id);
    });
  claim
    .command('stance')
    .argument('<claim>', 'claim id')
    .argument('<ern>', 'the item')
    .argument('<stance>', 'supports, contradicts or silent')
    .option('--json', 'machine-readable output')
    .action(async (id: string, ern: string, stance: string, o: { json?: boolean }) => {
      const c = await run(io, program, (ctx) => setStance(ctx, OPERATOR, id, ern, stance));
      out(o.json, c, () => `${c.id}: ${c.corroboration.status} (${c.corroboration.supportingSources} supporting, ${c.corroboration.contradictingSources} contradicting sources)`);
    });
  claim
    .command('show')
    .argument('<claim>', 'claim id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const c = await run(io, program, (ctx) => getClaim(ctx, 'all', id));
      out(o.json, c, () => [`${c.id}: ${c.corroboration.status} — ${c.statement}`, ...c.stances.map((s) => `  ${s.ern}  ${s.stance.padEnd(12)} ${s.source}`)].join('\n'));
    });
};
