/**
 * stores.ts — the test fixtures for "one suite runs on both databases" (STYLE habit 10):
 * `DIALECTS` lists SQLite always and PostgreSQL when the runner started one
 * (ATTEST_TEST_PG_URL). Each `open` makes a fresh data dir and, on PostgreSQL, a fresh database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/config.js';
import type { Ctx } from '../../src/ctx.js';
import type { DialectName } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';

export interface TestStore {
  readonly ctx: Ctx;
  readonly dir: string;
  readonly config: Config;
  /** Sets the fixed clock (ISO string) used by ctx.clock. */
  setTime(iso: string): void;
  close(): Promise<void>;
}

export const DIALECTS: DialectName[] = (() => {
  const wanted = (process.env.DIALECTS ?? 'sqlite,postgres').split(',');
  const list: DialectName[] = ['sqlite'];
  if (wanted.includes('postgres') && process.env.ATTEST_TEST_PG_URL) list.push('postgres');
  return list.filter((d) => wanted.includes(d));
})();

/** createPgDatabase makes an empty database on the test server and returns its URL. */
export async function createPgDatabase(): Promise<string> {
  const base = process.env.ATTEST_TEST_PG_URL;
  if (!base) throw new Error('ATTEST_TEST_PG_URL is not set (run tests with npm test)');
  const name = `attest_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** scratchDir returns a fresh temp directory; the caller removes it. */
export function scratchDir(prefix = 'attest-'): string {
  return mkdtempSync(join(process.env.ATTEST_TEST_SCRATCH ?? tmpdir(), prefix));
}

/** openTestStore opens a fresh deployment on `dialect` with a fixed, settable clock. */
export async function openTestStore(
  dialect: DialectName,
  env: Record<string, string> = {},
): Promise<TestStore> {
  const dir = scratchDir();
  const databaseUrl = dialect === 'postgres' ? await createPgDatabase() : '';
  const config = loadConfig({ ATTEST_DATA: dir, DATABASE_URL: databaseUrl, ...env });
  let now = new Date('2016-12-15T06:00:00Z');
  const store = await openStore(config, () => now);
  return {
    ctx: store.ctx,
    dir,
    config,
    setTime(iso) {
      now = new Date(iso);
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
