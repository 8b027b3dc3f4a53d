/**
 * web.ts — `npm run bench -- web`: builds the web app and reports the bytes on the wire, as the
 * API server sends them to a browser that accepts brotli and gzip (src/api/static.ts, headers
 * included), for two journeys:
 *
 * - first visit: index.html, the entry script and the modules it preloads, the stylesheet;
 * - monitor app: the first visit plus the monitor screen's chunk and every chunk it imports.
 *
 * Each is compared with the same files sent uncompressed (the baseline, measured in the same run),
 * and the initial JavaScript (gzip -9, as before) is checked against its budget. Exits 1 over budget.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { build } from 'vite';
import { registerWebApp } from '../src/api/static.js';
import { machineLine } from './_support.js';

/** INITIAL_JS_BUDGET is the gzipped size allowed for the JavaScript of a first visit. */
const INITIAL_JS_BUDGET = 110 * 1024;
const DIST = 'web/dist';

interface ManifestChunk {
  readonly file: string;
  readonly src?: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly css?: readonly string[];
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

await build({
  root: 'web',
  configFile: 'web/vite.config.ts',
  logLevel: 'warn',
  build: { manifest: true },
});
const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8')) as Record<
  string,
  ManifestChunk
>;
// The manifest is for this script only: it must not stay in the build the server sends.
rmSync(join(DIST, '.vite'), { recursive: true, force: true });

/** closure lists the files a chunk needs: itself, its static imports (transitively), their CSS. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const c of chunk.css ?? []) seen.add(c);
  for (const i of chunk.imports ?? []) closure(i, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
const monitorKey = Object.keys(manifest).find((k) => k.endsWith('monitor/monitor-screen.tsx'))!;
const firstVisit = ['index.html', ...closure(entryKey)];
const monitorApp = [...new Set([...firstVisit, ...closure(monitorKey)])];

const app = Fastify();
registerWebApp(app, DIST);
await app.ready();

/** wire sums what the server sends for `files`: status line and headers plus body. */
async function wire(files: readonly string[], acceptEncoding: string): Promise<number> {
  let total = 0;
  for (const f of files) {
    const res = await app.inject({
      method: 'GET',
      url: f === 'index.html' ? '/' : `/${f}`,
      headers: { 'accept-encoding': acceptEncoding },
    });
    if (res.statusCode !== 200) throw new Error(`GET /${f}: ${res.statusCode}`);
    const head = Object.entries(res.headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 17);
    total += head + res.rawPayload.length;
  }
  return total;
}

console.log(machineLine());
console.log('bytes on the wire (Accept-Encoding: gzip, deflate, br, zstd — as Chromium sends):');
for (const [name, files] of [
  ['first visit', firstVisit],
  ['monitor app', monitorApp],
] as const) {
  const compressed = await wire(files, 'gzip, deflate, br, zstd');
  const plain = await wire(files, 'identity');
  console.log(
    `  ${name.padEnd(12)} ${String(files.length).padStart(2)} files  ${kb(compressed).padStart(10)}  (uncompressed ${kb(plain)}; ${(compressed / plain).toFixed(2)}×)`,
  );
}
await app.close();

const initialJs = firstVisit.filter((f) => f.endsWith('.js'));
const initialGz = initialJs.reduce((n, f) => n + gz(f), 0);
const initialRaw = initialJs.reduce((n, f) => n + readFileSync(join(DIST, f)).length, 0);
console.log(
  `initial JS: ${initialJs.length} files, ${kb(initialRaw)} raw, ${kb(initialGz)} gzip (budget ${kb(INITIAL_JS_BUDGET)})`,
);
console.log('lazy chunks (gzip):');
const lazy = Object.values(manifest)
  .map((c) => c.file)
  .filter((f) => f.endsWith('.js') && !initialJs.includes(f));
for (const f of [...new Set(lazy)].sort((a, b) => gz(b) - gz(a)))
  console.log(`  ${f.replace(/^assets\//, '').padEnd(40)} ${kb(gz(f))}`);
if (initialGz > INITIAL_JS_BUDGET) {
  console.error(`over budget by ${kb(initialGz - INITIAL_JS_BUDGET)}`);
  process.exit(1);
}
