/**
 * cli.ts — `attest ops …`: evacuation operations from the command line, read-only and with the
 * deployment's own access (no sign-in): the list with totals, an operation's situation report
 * (Markdown, JSON or PDF), its HXL export and its alerts.
 *
 *   attest ops list
 *   attest ops sitrep op-eastern-aleppo --format pdf --out sitrep.pdf
 *   attest ops hxl op-eastern-aleppo --table totals
 *   attest ops alerts op-eastern-aleppo --state open
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Register } from '../cli/command.js';
import { withStore } from '../cli/context.js';
import { CliExit, type CliIo, EXIT, printJson, println } from '../cli/io.js';
import type { Ctx } from '../ctx.js';
import { visible } from '../lib/display.js';
import { listAlerts } from './alerts/service.js';
import type { StoredOperation } from './model.js';
import { listAllDeviceKeys, revokeDeviceKey } from './observations/devices.js';
import { PlanBody } from './plan/schemas.js';
import { changeStatus, learnTransitTimes, type OperationPlan, planOperations } from './plan/service.js';
import { opsEngine } from './reconcile/engine.js';
import { operationHxl, operationSitrep } from './report/service.js';
import { renderSitrepMarkdown } from './report/sitrep-markdown.js';
import { renderSitrepPdf } from './report/sitrep-pdf.js';
import { SITREP_LANGUAGES } from './report/sitrep-text.js';
import { kindsPhrase } from './report/vehicle-kinds.js';
import { alertSummary, apiAlert, namesFrom, operationSummary } from './report/views.js';

const SITREP_FORMATS = ['md', 'json', 'pdf'] as const;
const HXL_TABLES = ['movements', 'totals'] as const;
const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;

const fmt = new Intl.NumberFormat('en-GB');

/** operationOf returns the stored operation `id` (after a sync), or ends the command. */
async function operationOf(ctx: Ctx, id: string): Promise<StoredOperation> {
  const { op, known } = await opsEngine(ctx).read((_, registry) => ({
    op: registry.operations.find((o) => o.id === id),
    known: registry.operations.map((o) => o.id),
  }));
  if (!op) {
    const hint = known.length > 0 ? ` (operations: ${known.join(', ')})` : ' (this deployment has none)';
    throw new CliExit(EXIT.failed, `no operation ${visible(id)}${hint}`);
  }
  return op;
}

function isoArg(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms))
    throw new CliExit(EXIT.usage, `${name} must be an ISO 8601 time, e.g. 2016-12-15T00:00Z`);
  return new Date(ms).toISOString();
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw))
    throw new CliExit(EXIT.usage, `${name} must be one of ${allowed.join(', ')}`);
  return raw as T;
}

/** CLI_ACTOR names the operator at the server's console in status history and custody entries. */
const CLI_ACTOR = 'cli';
const STATUSES = ['active', 'suspended', 'resumed', 'completed'] as const;
const checkPlan = TypeCompiler.Compile(PlanBody);

/** readPlan reads and checks a plan file against the same schema as POST /api/ops/operations. */
function readPlan(file: string): OperationPlan {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliExit(EXIT.usage, `${visible(file)} is not readable JSON: ${(err as Error).message}`);
  }
  if (!checkPlan.Check(value)) {
    const first = checkPlan.Errors(value).First();
    throw new CliExit(
      EXIT.usage,
      `${visible(file)}: ${first?.path || '/'} ${first?.message ?? 'is not a plan'}`,
    );
  }
  return value as OperationPlan;
}

/** output writes text or bytes to --out, or to stdout. */
function output(io: CliIo, data: string | Buffer, out: string | undefined): void {
  if (out !== undefined) writeFileSync(out, data);
  else io.stdout.write(data);
}

export const registerOps: Register = (program, { io }) => {
  const ops = program
    .command('ops')
    .description('evacuation operations: list, situation reports, HXL exports, alerts');
  const open = <T>(fn: (ctx: Ctx) => Promise<T>) => withStore(io, program.opts(), fn);

  ops
    .command('list')
    .description('list operations with their status and totals so far')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const operations = await open((ctx) =>
        opsEngine(ctx).read((state, registry) =>
          registry.operations.map((op) => operationSummary(state, registry, op)),
        ),
      );
      if (opts.json) return printJson(io, { operations });
      if (operations.length === 0) return println(io.stdout, 'No operations.');
      for (const o of operations) {
        const t = o.totals;
        println(
          io.stdout,
          `${o.id.padEnd(24)} ${o.status.padEnd(10)} ${o.compartment.padEnd(16)} ${fmt.format(t.people)} people, ` +
            `${kindsPhrase(t.byKind, o.expected?.byKind)}  ${o.exercise ? 'EXERCISE: ' : ''}${visible(o.name)}`,
        );
      }
    });

  ops
    .command('plan <file>')
    .description('plan operations from a JSON file: {mandates, operations, convoys, vehicles, manifests}')
    .action(async (file: string) => {
      const plan = readPlan(file);
      await open((ctx) => planOperations(ctx, plan, CLI_ACTOR));
      println(io.stdout, `Planned ${plan.operations.map((o) => o.id).join(', ')}.`);
    });

  ops
    .command('status <operation> <status>')
    .description(`change an operation's status (${STATUSES.join(', ')}) with a reason`)
    .requiredOption('--reason <text>', 'why (required for a suspension; kept in the status history)')
    .option('--at <iso>', 'when it happened (default now)')
    .action(async (id: string, status: string, opts: { reason: string; at?: string }) => {
      const to = oneOf('status', status, STATUSES);
      const at = isoArg('--at', opts.at);
      const history = await open(async (ctx) => {
        const op = await operationOf(ctx, id);
        return changeStatus(
          ctx,
          op.id,
          { status: to, reason: opts.reason, ...(at ? { at } : {}) },
          CLI_ACTOR,
        );
      });
      const last = history.at(-1)!;
      println(io.stdout, `${id}: ${last.status} at ${last.at}`);
    });

  ops
    .command('learn-times <operation>')
    .description('set expected transit times from observed traffic (median of direct transits × factor)')
    .option('--factor <x>', 'expected = median × factor', '1.5')
    .option('--min-samples <n>', 'transits a segment needs', '10')
    .option('--overwrite', 'replace planned expectations too')
    .action(async (id: string, opts: { factor: string; minSamples: string; overwrite?: boolean }) => {
      const factor = Number(opts.factor);
      const minSamples = Number(opts.minSamples);
      if (!(factor >= 1 && factor <= 10)) throw new CliExit(EXIT.usage, '--factor must be between 1 and 10');
      if (!Number.isInteger(minSamples) || minSamples < 1)
        throw new CliExit(EXIT.usage, '--min-samples must be ≥ 1');
      const result = await open(async (ctx) => {
        const op = await operationOf(ctx, id);
        return learnTransitTimes(ctx, op.id, { factor, minSamples, overwrite: opts.overwrite === true });
      });
      if (result.learned.length === 0)
        return println(io.stdout, 'Not enough transits observed on any segment.');
      for (const l of result.learned) {
        const applied = result.applied.includes(l.fromPointId) ? 'set' : 'kept the planned time';
        println(
          io.stdout,
          `${l.fromPointId.padEnd(28)} ${String(l.samples).padStart(6)} transits, median ${l.medianMinutes} min → expect ${l.expectedMinutes} min (${applied})`,
        );
      }
    });

  ops
    .command('devices')
    .description("monitors' registered device keys (to find the one to revoke)")
    .option('--user <userId>', "only this user's keys")
    .option('--json', 'machine-readable output')
    .action(async (opts: { user?: string; json?: boolean }) => {
      const devices = await open((ctx) => listAllDeviceKeys(ctx, opts.user));
      if (opts.json) return printJson(io, { devices });
      if (devices.length === 0) return println(io.stdout, 'No device keys.');
      for (const d of devices) {
        println(
          io.stdout,
          `${d.id.padEnd(40)} ${d.userId.padEnd(28)} ${d.createdAt}  ${d.revokedAt ? `revoked ${d.revokedAt}` : 'active'}  ${visible(d.label)}`,
        );
      }
    });

  ops
    .command('revoke-device <deviceKeyId>')
    .description(
      "revoke a monitor's device key (a lost or seized phone): its signatures are refused from now on",
    )
    .action(async (deviceKeyId: string) => {
      const revoked = await open((ctx) => revokeDeviceKey(ctx, deviceKeyId));
      if (!revoked) throw new CliExit(EXIT.failed, `no active device key ${visible(deviceKeyId)}`);
      println(io.stdout, `Revoked ${deviceKeyId}.`);
    });

  ops
    .command('sitrep <operation>')
    .description('situation report of an operation for a period (Markdown, JSON or PDF)')
    .option('--from <iso>', 'start of the period (inclusive; default the start of the operation)')
    .option('--to <iso>', 'end of the period (exclusive; default now)')
    .option('--format <format>', `one of ${SITREP_FORMATS.join(', ')}`, 'md')
    .option(
      '--lang <language>',
      `language of the Markdown or PDF report: ${SITREP_LANGUAGES.join(', ')}`,
      'en',
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .action(
      async (
        id: string,
        opts: { from?: string; to?: string; format: string; lang: string; out?: string },
      ) => {
        const format = oneOf('--format', opts.format, SITREP_FORMATS);
        const language = oneOf('--lang', opts.lang, SITREP_LANGUAGES);
        const from = isoArg('--from', opts.from);
        const to = isoArg('--to', opts.to);
        if (from && to && from >= to) throw new CliExit(EXIT.usage, '--from must be before --to');
        if (format === 'pdf' && opts.out === undefined && (io.stdout as { isTTY?: boolean }).isTTY) {
          throw new CliExit(EXIT.usage, 'a PDF is not for the terminal: add --out FILE or redirect stdout');
        }
        const sitrep = await open(async (ctx) => {
          const op = await operationOf(ctx, id);
          return operationSitrep(ctx, op.id, { ...(from ? { from } : {}), ...(to ? { to } : {}) });
        });
        if (format === 'json') output(io, `${JSON.stringify(sitrep, null, 2)}\n`, opts.out);
        else if (format === 'pdf') output(io, await renderSitrepPdf(sitrep, { language }), opts.out);
        else output(io, renderSitrepMarkdown(sitrep, language), opts.out);
        if (opts.out !== undefined) println(io.stderr, `Wrote ${opts.out}`);
      },
    );

  ops
    .command('hxl <operation>')
    .description('HXL CSV of an operation: movements per day and route point, or its totals')
    .option('--table <table>', `one of ${HXL_TABLES.join(', ')}`, 'movements')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (id: string, opts: { table: string; out?: string }) => {
      const table = oneOf('--table', opts.table, HXL_TABLES);
      const csv = await open(async (ctx) => operationHxl(ctx, (await operationOf(ctx, id)).id, table));
      output(io, csv, opts.out);
    });

  ops
    .command('alerts <operation>')
    .description("an operation's alerts, newest first")
    .option('--state <state>', `only alerts in this state: ${ALERT_STATES.join(', ')}`)
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { state?: string; json?: boolean }) => {
      const state = opts.state === undefined ? undefined : oneOf('--state', opts.state, ALERT_STATES);
      const { alerts, names } = await open(async (ctx) => {
        const op = await operationOf(ctx, id); // syncs: the stored alerts are current
        const names = await opsEngine(ctx).read((_, registry) => namesFrom(registry));
        return { alerts: await listAlerts(ctx, op.id, state), names };
      });
      if (opts.json) return printJson(io, { alerts: alerts.map((a) => apiAlert(a, names)) });
      if (alerts.length === 0) return println(io.stdout, 'No alerts.');
      for (const a of alerts) {
        println(
          io.stdout,
          `${a.raisedAt}  ${a.severity.padEnd(8)} ${a.state.padEnd(12)} ${visible(alertSummary(a, names))}`,
        );
      }
    });
};
