/**
 * cli.ts — `attest case …`, `attest rfa …`, `attest export` and `attest verify-package`. The CLI
 * is the deployment's own operator (every compartment, acting as `cli`), except for consent
 * overrides, which name the legal officer who decides (`--as USER`, holding `consent:override`).
 * `verify-package` opens no deployment at all: it works on a machine with no Attest data.
 *
 *   attest case create --title "Eastern Aleppo transfers" --compartment aleppo --json
 *   attest case add CASE-0001 ATT-000001 ATT-000002
 *   attest export RFA-0001 --out rfa-0001.zip
 *   attest verify-package rfa-0001.zip --key "$(cat deployment.vkey)"
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { accessFor, findUserId, grantsOf } from '../access/index.js';
import type { Register } from '../cli/command.js';
import { withStore } from '../cli/context.js';
import { CliExit, type CliIo, EXIT, printJson, println } from '../cli/io.js';
import type { Ctx } from '../ctx.js';
import { visible } from '../lib/display.js';
import type { EntityKind } from './case-model.js';
import { addCondition, listConditions, overrideConsent, rfaDecisions, type SubjectKind } from './consent.js';
import { addCrime, coverage, linkElement, type Stance } from './elements.js';
import { archiveFormatOf, extractArchive } from './package/archive.js';
import { exportPackage } from './package/build.js';
import { type VerifyReport, verifyPackage } from './package/verify.js';
import { type RedactionRequest, redactItem } from './redaction/service.js';
import { createRfa, getRfa, listRfas, setJurisdiction, setRfaStatus } from './rfa.js';
import { addEntity, addIncident, addItems, addNote, createCase, getCase, listCases } from './service.js';
import { CLI_VIEWER, type Viewer, viewerOf } from './viewer.js';

const list = (raw: string | undefined) =>
  raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

export const registerCases: Register = (program, { io, exit }) => {
  const open = <T>(fn: (ctx: Ctx) => Promise<T>) => withStore(io, program.opts(), fn);
  const out = (json: boolean | undefined, value: unknown, text: () => string) =>
    json ? printJson(io, value) : println(io.stdout, text());

  const kase = program
    .command('case')
    .description('cases: items, entities, incidents, notes, legal-element checklists');
  kase
    .command('create')
    .description('open a case; prints its reference (CASE-0001)')
    .requiredOption('--title <title>', 'the case title')
    .option('--compartment <c>', 'the compartment that holds it', 'general')
    .option('--framework <text>', 'legal framework', 'Rome Statute of the ICC')
    .option('--json', 'machine-readable output')
    .action(async (o: { title: string; compartment: string; framework: string; json?: boolean }) => {
      const c = await open((ctx) =>
        createCase(ctx, CLI_VIEWER, {
          title: o.title,
          compartment: o.compartment,
          legalFramework: o.framework,
        }),
      );
      out(o.json, c, () => c.ref);
    });
  kase
    .command('list')
    .description('every case')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const cases = await open((ctx) => listCases(ctx, CLI_VIEWER));
      out(o.json, { cases }, () =>
        cases.length === 0
          ? 'no cases'
          : cases
              .map((c) => `${c.ref}  ${c.status.padEnd(6)}  ${c.compartment.padEnd(12)}  ${visible(c.title)}`)
              .join('\n'),
      );
    });
  kase
    .command('show')
    .argument('<case>', 'CASE-0001')
    .description('a case with its items, entities, incidents, notes and team')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: { json?: boolean }) => {
      const c = await open((ctx) => getCase(ctx, CLI_VIEWER, ref));
      out(o.json, c, () =>
        [
          `${c.ref}  ${visible(c.title)}  (${c.compartment}, ${c.legalFramework})`,
          `items: ${c.items.map((i) => i.ern).join(' ') || 'none'}`,
          ...c.entities.map(
            (e) =>
              `${e.kind}: ${visible(e.name)}${e.protected ? ` (protected; pseudonym ${e.pseudonym})` : ''}  ${e.id}`,
          ),
          ...c.incidents.map(
            (i) => `incident: ${visible(i.title)}${i.occurredOn ? ` on ${i.occurredOn}` : ''}  ${i.id}`,
          ),
          `crimes: ${c.checklists.join(' ') || 'none'}`,
          ...c.notes.map((n) => `note ${n.at} ${n.author}: ${visible(n.body)}`),
        ].join('\n'),
      );
    });
  kase
    .command('add')
    .argument('<case>', 'CASE-0001')
    .argument('<ern...>', 'items to add')
    .description('add items to a case')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, erns: string[], o: { json?: boolean }) => {
      const r = await open((ctx) => addItems(ctx, CLI_VIEWER, ref, erns));
      out(o.json, r, () =>
        [
          `added ${r.added.length}: ${r.added.join(' ')}`,
          ...(r.already.length ? [`already in the case: ${r.already.join(' ')}`] : []),
        ].join('\n'),
      );
    });
  kase
    .command('entity')
    .argument('<case>', 'CASE-0001')
    .description('add a suspect, unit, witness, victim or organisation')
    .requiredOption('--kind <kind>', 'suspect | unit | witness | victim | organisation')
    .requiredOption('--name <name>', 'the name (or a unit designation)')
    .option('--pseudonym <p>', 'what everyone outside sees (required with --protected)')
    .option('--protected', 'shown by pseudonym outside its name compartment and in every package')
    .option('--name-compartment <c>', 'who sees the real name (default: the case compartment)')
    .option('--items <erns>', 'comma-separated ERNs this entity gave or appears in')
    .option('--ref <id>', 'entity id in the search index')
    .action(
      async (
        ref: string,
        o: {
          kind: string;
          name: string;
          pseudonym?: string;
          protected?: boolean;
          nameCompartment?: string;
          items?: string;
          ref?: string;
        },
      ) => {
        const id = await open((ctx) =>
          addEntity(ctx, CLI_VIEWER, ref, {
            kind: o.kind as EntityKind,
            name: o.name,
            ...(o.pseudonym !== undefined ? { pseudonym: o.pseudonym } : {}),
            protected: o.protected === true,
            ...(o.nameCompartment !== undefined ? { nameCompartment: o.nameCompartment } : {}),
            ...(o.ref !== undefined ? { entityRef: o.ref } : {}),
            itemErns: list(o.items) ?? [],
          }),
        );
        println(io.stdout, id);
      },
    );
  kase
    .command('incident')
    .argument('<case>', 'CASE-0001')
    .requiredOption('--title <t>', 'what happened')
    .option('--on <date>', 'when (YYYY-MM-DD)')
    .option('--ref <id>', 'incident id in the search index')
    .description('add an incident')
    .action(async (ref: string, o: { title: string; on?: string; ref?: string }) => {
      const id = await open((ctx) =>
        addIncident(ctx, CLI_VIEWER, ref, {
          title: o.title,
          ...(o.on !== undefined ? { occurredOn: o.on } : {}),
          ...(o.ref !== undefined ? { incidentRef: o.ref } : {}),
        }),
      );
      println(io.stdout, id);
    });
  kase
    .command('note')
    .argument('<case>', 'CASE-0001')
    .argument('<text>', 'the note')
    .description("add an analyst's note")
    .action(async (ref: string, body: string) => {
      println(io.stdout, await open((ctx) => addNote(ctx, CLI_VIEWER, ref, body)));
    });
  kase
    .command('crime')
    .argument('<case>', 'CASE-0001')
    .argument('<crime>', 'e.g. rs-eoc/7-1-d (see attest case checklists)')
    .description('pursue a crime: its elements join the case checklist')
    .action(async (ref: string, crime: string) => {
      await open((ctx) => addCrime(ctx, CLI_VIEWER, ref, crime));
    });
  kase
    .command('link')
    .argument('<case>', 'CASE-0001')
    .argument('<element>', 'e.g. rs-eoc/7-1-d/1')
    .option('--item <ern>', 'the item')
    .option('--incident <id>', 'or the incident')
    .option('--contradicts', 'the evidence contradicts the element (default: supports)')
    .requiredOption('--note <text>', 'short analysis note')
    .description('link an element to supporting or contradicting evidence')
    .action(
      async (
        ref: string,
        element: string,
        o: { item?: string; incident?: string; contradicts?: boolean; note: string },
      ) => {
        if ((o.item === undefined) === (o.incident === undefined))
          throw new CliExit(EXIT.usage, 'give exactly one of --item or --incident');
        const id = await open((ctx) =>
          linkElement(ctx, CLI_VIEWER, ref, {
            elementId: element,
            targetKind: o.item !== undefined ? 'item' : 'incident',
            target: (o.item ?? o.incident)!,
            stance: (o.contradicts ? 'contradicts' : 'supports') as Stance,
            note: o.note,
          }),
        );
        println(io.stdout, id);
      },
    );
  kase
    .command('coverage')
    .argument('<case>', 'CASE-0001')
    .description('every element of the case crimes with its evidence; gaps marked')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: { json?: boolean }) => {
      const c = await open((ctx) => coverage(ctx, CLI_VIEWER, ref));
      out(o.json, c, () =>
        [
          `${c.caseRef}: ${c.covered} of ${c.elements} elements have supporting evidence`,
          ...c.crimes.flatMap((cr) => [
            `\n${cr.id}  ${cr.title}`,
            ...cr.elements.map(
              (e) =>
                `  ${e.gap ? 'GAP ' : 'ok  '} ${e.n}. ${e.text}\n        [${e.citation}]${[
                  ...e.supporting,
                  ...e.contradicting,
                ]
                  .map((x) => `\n        ${x.stance} ${x.ref}: ${visible(x.note)}`)
                  .join('')}`,
            ),
          ]),
        ].join('\n'),
      );
    });

  registerRfa(program, io, open, out);
  registerExport(program, io, open, exit);
};

function registerRfa(
  program: Command,
  io: CliIo,
  open: <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>,
  out: (json: boolean | undefined, value: unknown, text: () => string) => void,
): void {
  const rfa = program
    .command('rfa')
    .description('requests for assistance, jurisdictions and consent conditions');
  rfa
    .command('jurisdiction')
    .argument('<code>', 'ISO 3166 code, e.g. NL or US-TX')
    .requiredOption('--name <name>', 'its name')
    .option('--death-penalty', 'it may impose the death penalty')
    .description('record a jurisdiction')
    .action(async (code: string, o: { name: string; deathPenalty?: boolean }) => {
      await open((ctx) =>
        setJurisdiction(ctx, { code, name: o.name, deathPenalty: o.deathPenalty === true }),
      );
    });
  rfa
    .command('create')
    .argument('<case>', 'CASE-0001')
    .requiredOption('--authority <a>', 'requesting authority')
    .requiredOption('--jurisdiction <code>', 'its jurisdiction')
    .requiredOption('--purpose <p>', 'e.g. prosecution, investigation')
    .requiredOption('--scope <text>', 'what is asked for')
    .requiredOption('--received <date>', 'YYYY-MM-DD')
    .option('--due <date>', 'YYYY-MM-DD')
    .option('--json', 'machine-readable output')
    .description('record a request for assistance; prints its reference (RFA-0001)')
    .action(
      async (
        caseRef: string,
        o: {
          authority: string;
          jurisdiction: string;
          purpose: string;
          scope: string;
          received: string;
          due?: string;
          json?: boolean;
        },
      ) => {
        const r = await open((ctx) =>
          createRfa(ctx, CLI_VIEWER, {
            caseRef,
            authority: o.authority,
            jurisdiction: o.jurisdiction,
            purpose: o.purpose,
            scope: o.scope,
            receivedOn: o.received,
            ...(o.due !== undefined ? { dueOn: o.due } : {}),
          }),
        );
        out(o.json, r, () => r.ref);
      },
    );
  rfa
    .command('list')
    .option('--json', 'machine-readable output')
    .description('every request for assistance')
    .action(async (o: { json?: boolean }) => {
      const rfas = await open((ctx) => listRfas(ctx, CLI_VIEWER));
      out(o.json, { rfas }, () =>
        rfas.length === 0
          ? 'no requests for assistance'
          : rfas
              .map(
                (r) =>
                  `${r.ref}  ${r.caseRef}  ${r.status.padEnd(9)}  ${r.jurisdiction.code}${r.jurisdiction.deathPenalty ? ' (death penalty)' : ''}  ${r.purpose}  ${visible(r.authority)}`,
              )
              .join('\n'),
      );
    });
  rfa
    .command('show')
    .argument('<rfa>', 'RFA-0001')
    .option('--json', 'machine-readable output')
    .description('an RFA and, item by item, whether consent covers it (and why not)')
    .action(async (ref: string, o: { json?: boolean }) => {
      const r = await open((ctx) => rfaDecisions(ctx, CLI_VIEWER, ref));
      out(o.json, r, () =>
        [
          `${r.rfa.ref}  ${r.rfa.status}  case ${r.rfa.caseRef}`,
          `authority: ${visible(r.rfa.authority)}; jurisdiction ${r.rfa.jurisdiction.code}${r.rfa.jurisdiction.deathPenalty ? ' (may impose the death penalty)' : ''}; purpose ${r.rfa.purpose}`,
          `scope: ${visible(r.rfa.scope)}`,
          ...r.decisions.map(
            (d) =>
              `${d.ern}  ${d.allowed ? (d.overrideId ? 'released by override' : 'covered') : `BLOCKED: ${d.reasons.join('; ')}`}`,
          ),
        ].join('\n'),
      );
    });
  rfa
    .command('status')
    .argument('<rfa>', 'RFA-0001')
    .argument('<status>', 'in-review | approved | fulfilled | refused | withdrawn')
    .description('move an RFA along its lifecycle')
    .action(async (ref: string, status: string) => {
      await open((ctx) => setRfaStatus(ctx, CLI_VIEWER, ref, status));
    });
  rfa
    .command('consent')
    .description('record a consent or sharing condition on an item, a source or a witness')
    .option('--item <ern>', 'an item')
    .option('--source <source>', 'every item from this provenance source')
    .option('--witness <id>', 'a witness entity (attest case show lists ids)')
    .option('--jurisdictions <codes>', 'consent covers only these (comma-separated)')
    .option('--purposes <list>', 'consent covers only these purposes')
    .option('--no-death-penalty', 'not to jurisdictions that may impose the death penalty')
    .option('--no-sharing', 'no sharing at all')
    .option('--note <text>', 'what the consent form says')
    .option('--compartment <c>', 'where a source condition is visible', 'general')
    .action(
      async (o: {
        item?: string;
        source?: string;
        witness?: string;
        jurisdictions?: string;
        purposes?: string;
        deathPenalty?: boolean;
        sharing?: boolean;
        note?: string;
        compartment: string;
      }) => {
        const subjects = [
          ['item', o.item],
          ['source', o.source],
          ['witness', o.witness],
        ].filter(([, v]) => v !== undefined);
        if (subjects.length !== 1)
          throw new CliExit(EXIT.usage, 'give exactly one of --item, --source or --witness');
        const [kind, subject] = subjects[0] as [SubjectKind, string];
        const c = await open((ctx) =>
          addCondition(ctx, CLI_VIEWER, {
            subjectKind: kind,
            subject,
            ...(o.jurisdictions !== undefined ? { jurisdictions: list(o.jurisdictions)! } : {}),
            ...(o.purposes !== undefined ? { purposes: list(o.purposes)! } : {}),
            noDeathPenalty: o.deathPenalty === false,
            noSharing: o.sharing === false,
            ...(o.note !== undefined ? { note: o.note } : {}),
            compartment: o.compartment,
          }),
        );
        println(io.stdout, c.id);
      },
    );
  rfa
    .command('conditions')
    .option('--json', 'machine-readable output')
    .description('every consent condition')
    .action(async (o: { json?: boolean }) => {
      const all = await open((ctx) => listConditions(ctx, CLI_VIEWER));
      out(
        o.json,
        { conditions: all },
        () =>
          all
            .map(
              (c) =>
                `${c.id}  ${c.subjectKind}  ${[c.jurisdictions ? `jurisdictions ${c.jurisdictions.join(',')}` : '', c.purposes ? `purposes ${c.purposes.join(',')}` : '', c.noDeathPenalty ? 'no death penalty' : '', c.noSharing ? 'no sharing' : ''].filter(Boolean).join('; ')}`,
            )
            .join('\n') || 'no conditions',
      );
    });
  rfa
    .command('override')
    .argument('<rfa>', 'RFA-0001')
    .argument('<ern>', 'the blocked item')
    .requiredOption('--as <username>', 'the legal officer deciding (must hold the legal role there)')
    .requiredOption('--reason <text>', 'why the item is released despite its consent conditions')
    .description('release a blocked item to one RFA (logged in the custody log and the access audit)')
    .action(async (ref: string, ern: string, o: { as: string; reason: string }) => {
      const id = await open(async (ctx) => {
        const viewer = await viewerForUser(ctx, o.as);
        return overrideConsent(ctx, viewer, await getRfa(ctx, viewer, ref), ern, o.reason);
      });
      println(io.stdout, id);
    });
}

/** viewerForUser is the Viewer of a named account (its grants), for decisions made in its name. */
async function viewerForUser(ctx: Ctx, username: string): Promise<Viewer> {
  const id = await findUserId(ctx, username);
  if (!id) throw new CliExit(EXIT.failed, `no user ${visible(username)}`);
  return viewerOf(
    accessFor({ userId: id, username, via: 'token', credentialId: 'cli' }, await grantsOf(ctx.db, id)),
  );
}

function printReport(io: CliIo, report: VerifyReport, json: boolean | undefined): void {
  if (json) {
    printJson(io, report);
    return;
  }
  for (const p of report.passed) println(io.stdout, `ok    ${p.check}: ${p.detail}`);
  for (const w of report.warnings) println(io.stdout, `WARN  ${w.check}: ${w.detail}`);
  for (const f of report.failures) println(io.stdout, `FAIL  ${f.check}: ${f.detail}`);
  println(
    io.stdout,
    report.ok
      ? 'package verified: all checks passed'
      : `package NOT verified: ${report.failures.length} failure(s)`,
  );
}

function registerExport(
  program: Command,
  io: CliIo,
  open: <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>,
  exit: (code: number) => void,
): void {
  program
    .command('export')
    .argument('<target>', 'CASE-0001 or RFA-0001')
    .requiredOption('--out <path>', 'a new directory, or FILE.zip / FILE.tar')
    .option('--redacted', 'use the latest redaction of each item where there is one')
    .option('--json', 'machine-readable output')
    .description('write a court-ready BagIt package with custody proofs (export entries appended)')
    .action(async (target: string, o: { out: string; redacted?: boolean; json?: boolean }) => {
      const r = await open((ctx) =>
        exportPackage(ctx, CLI_VIEWER, { target, out: o.out, redacted: o.redacted === true }),
      );
      if (o.json) return printJson(io, r);
      println(
        io.stdout,
        `${r.out}: ${r.items} item(s), ${r.bytes} bytes, checkpoint size ${r.checkpointSize}`,
      );
      for (const e of r.excluded) println(io.stdout, `excluded ${e.ern}: ${e.reasons.join('; ')}`);
      if (r.unredacted.length)
        println(io.stdout, `no redaction, exported as held: ${r.unredacted.join(' ')}`);
    });
  program
    .command('redact')
    .argument('<ern>', 'the item to redact (it stays untouched; the redaction is a new item)')
    .option('--spans <list>', 'text: character ranges START-END, comma-separated')
    .option(
      '--regions <list>',
      'image or PDF: X,Y,W,H[@PAGE] in pixels (PDF: at 150 dpi), semicolon-separated',
    )
    .option('--pseudonyms <case>', 'text: replace the names of the case protected people by their pseudonyms')
    .option('--json', 'machine-readable output')
    .description('make a redacted derivative (logged as a redact entry)')
    .action(
      async (ern: string, o: { spans?: string; regions?: string; pseudonyms?: string; json?: boolean }) => {
        const request: RedactionRequest = {
          ...(o.spans !== undefined ? { spans: parseSpans(o.spans) } : {}),
          ...(o.regions !== undefined ? { regions: parseRegions(o.regions) } : {}),
          ...(o.pseudonyms !== undefined ? { pseudonymsFrom: o.pseudonyms } : {}),
        };
        const r = await open((ctx) => redactItem(ctx, CLI_VIEWER, ern, request));
        out(o.json, r);
        function out(json: boolean | undefined, value: typeof r) {
          if (json) printJson(io, value);
          else println(io.stdout, `${value.ern} (redaction of ${ern}, sha256 ${value.sha256})`);
        }
      },
    );
  program
    .command('verify-package')
    .argument('<path>', 'a package directory, .zip or .tar')
    .option('--key <vkey>', 'the deployment verifier key you trust (or a file holding it)')
    .option('--checkpoint <file>', 'a newer checkpoint (signed note, or attest log proofs --json)')
    .option('--json', 'machine-readable report')
    .description('verify a package offline: bag, hashes, custody entries, proofs, signatures')
    .action(async (path: string, o: { key?: string; checkpoint?: string; json?: boolean }) => {
      const key = o.key === undefined ? undefined : await keyArg(o.key);
      const format = archiveFormatOf(path);
      let report: VerifyReport;
      if (format) {
        const tmp = await mkdtemp(join(tmpdir(), 'attest-verify-'));
        try {
          const bag = await extractArchive(path, tmp, format).catch((err: Error) => {
            throw new CliExit(EXIT.failed, `${path}: ${err.message}`);
          });
          report = await verifyPackage(bag, {
            ...(key ? { key } : {}),
            ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
          });
        } finally {
          await rm(tmp, { recursive: true, force: true });
        }
      } else {
        report = await verifyPackage(path, {
          ...(key ? { key } : {}),
          ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
        });
      }
      printReport(io, report, o.json);
      if (!report.ok) exit(EXIT.failed);
    });
}

async function keyArg(raw: string): Promise<string> {
  if (raw.includes('+')) return raw.trim();
  const { readFile } = await import('node:fs/promises');
  try {
    return (await readFile(raw, 'utf8')).trim();
  } catch {
    throw new CliExit(EXIT.usage, '--key: not a verifier key (name+hash+key) or a readable file');
  }
}

function parseSpans(raw: string) {
  return raw.split(',').map((s) => {
    const m = /^\s*(\d+)-(\d+)\s*$/.exec(s);
    if (!m) throw new CliExit(EXIT.usage, `--spans: ${visible(s)} is not START-END`);
    return { start: Number(m[1]), end: Number(m[2]) };
  });
}

function parseRegions(raw: string) {
  return raw.split(';').map((s) => {
    const m = /^\s*(\d+),(\d+),(\d+),(\d+)(?:@(\d+))?\s*$/.exec(s);
    if (!m) throw new CliExit(EXIT.usage, `--regions: ${visible(s)} is not X,Y,W,H[@PAGE]`);
    return {
      x: Number(m[1]),
      y: Number(m[2]),
      width: Number(m[3]),
      height: Number(m[4]),
      ...(m[5] !== undefined ? { page: Number(m[5]) } : {}),
    };
  });
}
