/**
 * web.ts — `npm run bench -- web`: builds the web app and reports what a first visit downloads
 * (the entry script and the modules it preloads, gzip -9) against the budget, then each lazy
 * chunk (dashboard, map, monitor, evidence) and the stylesheet. Exits 1 over budget.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { machineLine } from './_support.js';

/** INITIAL_JS_BUDGET is the gzipped size allowed for the JavaScript of a first visit. */
const INITIAL_JS_BUDGET = 110 * 1024;
const DIST = 'web/dist';

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

await build({ root: 'web', configFile: 'web/vite.config.ts', logLevel: 'warn' });
const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
const css = [...html.matchAll(/href="\/(assets\/[^"]+\.css)"/g)].map((m) => m[1]!);
const all = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js'));
const lazy = all.map((f) => `assets/${f}`).filter((f) => !initial.includes(f));

const initialGz = initial.reduce((n, f) => n + gz(f), 0);
const initialRaw = initial.reduce((n, f) => n + readFileSync(join(DIST, f)).length, 0);
console.log(machineLine());
console.log(
  `initial JS: ${initial.length} files, ${kb(initialRaw)} raw, ${kb(initialGz)} gzip (budget ${kb(INITIAL_JS_BUDGET)})`,
);
console.log(`stylesheet: ${css.map((f) => kb(gz(f))).join(', ')} gzip`);
console.log('lazy chunks (gzip):');
for (const f of lazy.sort((a, b) => gz(b) - gz(a)))
  console.log(`  ${f.replace(/^assets\//, '').padEnd(40)} ${kb(gz(f))}`);
if (initialGz > INITIAL_JS_BUDGET) {
  console.error(`over budget by ${kb(initialGz - INITIAL_JS_BUDGET)}`);
  process.exit(1);
}
