/**
 * _support.ts — shared pieces of the benchmarks: timing, percentiles, an embedded PostgreSQL,
 * and a header line naming the machine so figures can be recorded with their context.
 */
import { cpus, totalmem } from 'node:os';
import { startTestPostgres } from '../scripts/test-postgres.js';

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpu} · ${(totalmem() / 1024 ** 3).toFixed(0)} GiB · Node ${process.version}`;
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface BenchPostgres {
  readonly url: string;
  /** newDatabase creates an empty database and returns its URL. */
  newDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** startBenchPostgres starts a throw-away server, or a kept one with `dataDir` (scripts/test-postgres.js). */
export async function startBenchPostgres(
  options: { dataDir?: string; port?: number; flags?: string[] } = {},
): Promise<BenchPostgres> {
  const pgServer = await startTestPostgres(options);
  const { default: pg } = await import('pg');
  return {
    url: pgServer.url,
    async newDatabase(name: string) {
      const c = new pg.Client({ connectionString: pgServer.url });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      const u = new URL(pgServer.url);
      u.pathname = `/${name}`;
      return u.toString();
    },
    stop: () => pgServer.stop(),
  };
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
