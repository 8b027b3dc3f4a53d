#!/usr/bin/env node
// Writes the server's OpenAPI document (as GET /api/openapi.json serves it) to a file, from an
// app built on a throw-away SQLite store; with --lint, runs `redocly lint` on it (recommended
// rules, redocly.yaml) and fails on any error. Offline: nothing is fetched.
//
//   node scripts/openapi.js [--out FILE] [--lint]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const args = process.argv.slice(2);
const lint = args.includes('--lint');
const outAt = args.indexOf('--out');
const dir = mkdtempSync(join(tmpdir(), 'attest-openapi-'));
const out = outAt >= 0 ? args[outAt + 1] : join(dir, 'openapi.json');
let code = 0;
try {
  const { loadConfig } = await import('../src/config.ts');
  const { openStore } = await import('../src/store/open.ts');
  const { buildApp } = await import('../src/api/server.ts');
  const store = await openStore(loadConfig({ ATTEST_DATA: join(dir, 'data') }));
  const app = await buildApp(store.ctx, { webDist: false });
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  await app.close();
  await store.close();
  if (res.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${res.statusCode}`);
  writeFileSync(out, `${JSON.stringify(res.json(), null, 2)}\n`);
  if (lint) {
    const bin = join(import.meta.dirname, '..', 'node_modules', '.bin', 'redocly');
    const run = spawnSync(bin, ['lint', '--config', 'redocly.yaml', '--format', 'stylish', out], {
      stdio: 'inherit',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    code = run.status ?? 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
