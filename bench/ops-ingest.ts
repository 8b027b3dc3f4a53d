/**
 * ops-ingest — `npm run bench -- ops-ingest [--observations N]`
 * The server's whole path for one signed observation (`submitObservation`: device key lookup,
 * Ed25519 verification over the signed text, duplicate check, validation against the plan, one
 * transaction with the row and its custody entry, checkpoint check, engine catch-up with alert
 * persistence, two events), on SQLite and PostgreSQL, for the first N observations of the
 * aleppo-2016 scenario in receipt order. Baseline in the same run: the bare INSERT of the same
 * rows, one transaction each (the storage floor). Then re-sends of the same observations
 * (duplicates, the offline replay case).
 */
import { rmSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { generateAleppo2016 } from '../src/demo/aleppo-2016.js';
import { planScenario } from '../src/demo/load.js';
import {
  observationRow,
  observationSigningText,
  submitObservation,
  wireObservation,
} from '../src/ops/index.js';
import { openStore } from '../src/store/open.js';
import { scratchDir } from '../test/support/stores.js';
import { fmt, machineLine, percentile, startBenchPostgres } from './_support.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const scenario = generateAleppo2016({ seed: 2016 });
const N = Math.min(arg('--observations', 3_000), scenario.observations.length);
const sample = scenario.observations.slice(0, N);

console.log(`ops-ingest benchmark · ${machineLine()}`);
console.log(
  `aleppo-2016 seed 2016: the first ${N.toLocaleString('en-GB')} of ${scenario.observations.length.toLocaleString('en-GB')} observations, in receipt order, one request each\n`,
);

const pg = await startBenchPostgres();
try {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const run = async (name: string) => {
      const dir = scratchDir(`bench-ops-${name}-`);
      const url = dialect === 'postgres' ? await pg.newDatabase(`bench_ops_${name}`) : '';
      const store = await openStore(
        loadConfig({ ATTEST_DATA: dir, DATABASE_URL: url }),
        () => new Date(scenario.now),
      );
      await planScenario(store.ctx, scenario, 'bench');
      return {
        ...store,
        cleanup: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    };

    // Baseline: the bare row insert, one transaction per observation.
    const base = await run('base');
    const t0 = process.hrtime.bigint();
    for (const [i, obs] of sample.entries()) {
      const row = observationRow(obs, i + 1, observationSigningText(obs), scenario.signatures[obs.clientId]!);
      await base.ctx.db.transaction().execute((trx) => trx.insertInto('observation').values(row).execute());
    }
    const baseMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await base.cleanup();

    const full = await run('full');
    const latencies: number[] = [];
    const submit = async () => {
      const statuses = new Map<string, number>();
      const start = process.hrtime.bigint();
      for (const obs of sample) {
        const t = process.hrtime.bigint();
        const result = await submitObservation(
          full.ctx,
          { userId: obs.monitorId, mayObserve: () => true },
          {
            deviceKeyId: obs.deviceKeyId,
            signature: scenario.signatures[obs.clientId]!,
            observation: wireObservation(obs),
          },
        );
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      }
      return { ms: Number(process.hrtime.bigint() - start) / 1e6, statuses };
    };
    const first = await submit();
    const accepted = [...latencies].sort((a, b) => a - b);
    latencies.length = 0;
    const again = await submit();
    const duplicates = [...latencies].sort((a, b) => a - b);
    await full.cleanup();

    const rate = (ms: number) => fmt((N / ms) * 1000, 0);
    console.log(`${dialect}`);
    console.log(
      `  baseline: bare INSERT, one transaction each   ${rate(baseMs)} obs/s (${fmt(baseMs / N, 3)} ms each)`,
    );
    console.log(
      `  submitObservation, new                       ${rate(first.ms)} obs/s · p50 ${fmt(percentile(accepted, 50), 2)} ms · p99 ${fmt(percentile(accepted, 99), 2)} ms · ${fmt(first.ms / baseMs, 1)}× the baseline's time · ${JSON.stringify(Object.fromEntries(first.statuses))}`,
    );
    console.log(
      `  submitObservation, re-sent (duplicates)      ${rate(again.ms)} obs/s · p50 ${fmt(percentile(duplicates, 50), 2)} ms · p99 ${fmt(percentile(duplicates, 99), 2)} ms · ${JSON.stringify(Object.fromEntries(again.statuses))}\n`,
    );
  }
} finally {
  await pg.stop();
}
