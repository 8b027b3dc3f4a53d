#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node:test (through tsx), once.
// It starts one embedded PostgreSQL 18 for the whole run so that the storage suites
// can run against both dialects (each test file makes its own database on it).
// DIALECTS=sqlite narrows a local run to SQLite; extra args filter files by substring.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPostgres } from './test-postgres.js';

const roots = ['src', 'test'];
const filters = process.argv.slice(2);
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f)))
  .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

// On a shared developer machine several full runs at once thrash two cores until timing-sensitive
// tests fail; full runs outside CI take turns through a lock directory (a dead holder's lock is
// taken over). ATTEST_TEST_NO_LOCK=1 skips the queue.
const lockDir = join(tmpdir(), 'attest-full-test.lock');
if (filters.length === 0 && !process.env.CI && !process.env.ATTEST_TEST_NO_LOCK) {
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
        process.kill(holder, 0);
      } catch {
        if (holder) rmSync(lockDir, { recursive: true, force: true });
        else await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (!announced) process.stderr.write(`waiting for the full-test lock held by pid ${holder}…\n`);
      announced = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  process.on('exit', () => rmSync(lockDir, { recursive: true, force: true }));
}

const dialects = (process.env.DIALECTS ?? 'sqlite,postgres').split(',');
let pg;
if (dialects.includes('postgres') && !process.env.ATTEST_TEST_PG_URL) {
  pg = await startTestPostgres();
  process.env.ATTEST_TEST_PG_URL = pg.url;
}
const scratch = mkdtempSync(join(tmpdir(), 'attest-test-'));
chmodSync(scratch, 0o777);

// The usual report (spec on a terminal, TAP otherwise) to stdout, then the failed tests' names
// last on stderr (scripts/test-failures-reporter.js), where a CI log's tail shows them.
const reporters = [
  `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`,
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/test-failures-reporter.js',
  '--test-reporter-destination=stderr',
];
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporters, ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, ATTEST_TEST_SCRATCH: scratch, TZ: 'UTC' },
  },
);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
if (pg) await pg.stop();
rmSync(scratch, { recursive: true, force: true });
process.exit(code);
