#!/usr/bin/env node
// Fails when the import graph of src/ has a cycle or an import that points outward (issue 11.5).
// The rules are written down in src/api/README.md, src/cli/README.md, src/store/README.md and
// src/lib/README.md; in short:
//
//   lib     pure building blocks: imports only lib (and packages / node:)
//   root    config.ts, version.ts: lib only; ctx.ts: lib, store, config
//   store   lib, store, root; store/schema.ts composes the domains' tables.ts (type-only imports)
//   domain  (access, custody, vault, ops, demo, intake, search, cases, …): its own files freely;
//           another domain only through its index.ts; lib, store, root; from src/api only the
//           route kit (API_KIT); from src/cli only the command kit (CLI_KIT)
//   api     the HTTP app: api, lib, store, root; a domain through index.ts or its routes entry
//   cli     the `attest` command: cli, lib, store, root, api/server.ts; a domain through index.ts
//           or its cli entry
//
// Type-only imports count: a cycle through `import type` is still two modules that cannot be
// understood, moved or tested apart. Tests (*.test.ts) may import their own domain's internals
// and test/support; they obey the rest (they are leaves, so they cannot close a cycle).
//
// Why a script rather than dependency-cruiser or madge: the rules are six lines of Attest-specific
// policy (layers, index-only entries, kits), which a script states directly with no new
// dependency, in well under a second; the parser is TypeScript's own (ts.preProcessFile), so
// every `import`, `import type`, `export … from` and `import()` is seen exactly as tsc sees it.
//
// `node scripts/check-imports.js --report` prints the graph's figures (files, edges, cycles,
// violations) instead of failing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const LAYERS = new Set(['root', 'lib', 'store', 'api', 'cli']);
/** API_KIT: what a domain's routes may import from src/api (types and HTTP helpers, never the app). */
const API_KIT = new Set([
  'api/type-provider.ts',
  'api/policy.ts',
  'api/strict-validator.ts',
  'api/conditional.ts',
  'api/content-disposition.ts',
  'api/public-url.ts',
]);
/** CLI_KIT: what a domain's commands may import from src/cli. */
const CLI_KIT = new Set([
  'cli/command.ts',
  'cli/io.ts',
  'cli/context.ts',
  // startServer, for commands that end by serving (attest demo).
  'cli/commands/serve.ts',
]);

/** ENTRIES: a domain's public files, by who may import them. */
const INDEX = ['index.ts'];
const ROUTES_ENTRY = ['routes.ts', 'routes/index.ts'];
const CLI_ENTRY = ['cli.ts', 'cli/index.ts'];

const report = process.argv.includes('--report');
const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
  .map((f) => f.split('\\').join('/'))
  .sort();
const known = new Set(files);

/** resolve maps a relative specifier of `from` to a file under src/ (or null when outside src). */
function resolve(from, spec) {
  if (!spec.startsWith('.')) return null;
  const abs = relative('src', join('src', dirname(from), spec))
    .split('\\')
    .join('/');
  if (abs.startsWith('..')) return null;
  for (const c of [abs.replace(/\.js$/, '.ts'), abs.replace(/\.js$/, '.tsx'), `${abs}/index.ts`, abs]) {
    if (known.has(c)) return c;
  }
  return existsSync(join('src', abs)) ? null : `${abs} (missing)`;
}

const edges = new Map();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(join('src', file), 'utf8'), true, true);
  const targets = new Set();
  for (const ref of info.importedFiles) {
    const to = resolve(file, ref.fileName);
    if (to) targets.add(to);
  }
  edges.set(file, [...targets]);
}

const top = (f) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : 'root');
const inDomain = (f) => f.slice(f.indexOf('/') + 1);
const isTest = (f) => /\.test\.tsx?$/.test(f);

/** why returns the rule an edge breaks, or null when it is allowed. */
function why(from, to) {
  const a = top(from);
  const b = top(to);
  if (a === b) return null;
  if (a === 'lib') return 'lib is pure: it imports only lib';
  if (a === 'root') {
    if (b === 'lib') return null;
    if (from === 'ctx.ts' && (b === 'store' || to === 'config.ts')) return null;
    return `${from} may import only lib${from === 'ctx.ts' ? ', store and config' : ''}`;
  }
  if (b === 'lib' || b === 'root') return null;
  if (a === 'store') {
    if (from === 'store/schema.ts' && inDomain(to) === 'tables.ts') return null;
    return 'store imports only lib, store and root (store/schema.ts: a domain tables.ts)';
  }
  if (b === 'store') return null;
  // A test beside a domain's code may build the app or run the CLI around it.
  if (isTest(from) && (b === 'api' || b === 'cli')) return null;
  if (a === 'api') {
    if (b === 'cli') return 'api must not import cli';
    if ([...INDEX, ...ROUTES_ENTRY].includes(inDomain(to))) return null;
    return `api reaches a domain through its index.ts or routes entry, not ${to}`;
  }
  if (a === 'cli') {
    if (b === 'api') return to === 'api/server.ts' ? null : 'cli imports only api/server.ts from api';
    if ([...INDEX, ...CLI_ENTRY].includes(inDomain(to))) return null;
    return `cli reaches a domain through its index.ts or cli entry, not ${to}`;
  }
  // a is a domain
  if (b === 'api') return API_KIT.has(to) ? null : `a domain imports from api only the route kit, not ${to}`;
  if (b === 'cli')
    return CLI_KIT.has(to) ? null : `a domain imports from cli only the command kit, not ${to}`;
  if (INDEX.includes(inDomain(to))) return null;
  return `another domain's internals: import ${b}/index.ts, not ${to}`;
}

const violations = [];
for (const [from, targets] of edges) {
  for (const to of targets) {
    if (to.endsWith('(missing)')) continue;
    if (isTest(from) && top(from) === top(to)) continue;
    const rule = why(from, to);
    if (!rule) continue;
    violations.push(`src/${from} → src/${to}: ${rule}`);
  }
}

// The domains among themselves: vault → custody is fine, custody → vault as well is a cycle
// even when no single file closes it. Tests are left out (a test may use another domain's data).
const domainEdges = new Map();
for (const [from, targets] of edges) {
  if (isTest(from) || LAYERS.has(top(from))) continue;
  for (const to of targets) {
    if (LAYERS.has(top(to)) || top(to) === top(from)) continue;
    if (!domainEdges.has(top(from))) domainEdges.set(top(from), new Set());
    domainEdges.get(top(from)).add(top(to));
  }
}
const domainCycles = [];
for (const [a, outs] of domainEdges) {
  for (const b of outs) {
    if (a < b && domainEdges.get(b)?.has(a)) domainCycles.push(`${a} ↔ ${b}`);
  }
}

// Strongly connected components (Tarjan); a component of more than one file is a cycle.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
let counter = 0;
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!edges.has(w)) continue;
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) cycles.push(scc.sort());
  }
}
for (const v of edges.keys()) if (!index.has(v)) connect(v);

/** A shortest loop through the first file of a component, to show how it closes. */
function loopThrough(scc) {
  const members = new Set(scc);
  const start = scc[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)) path.splice(1, 0, x);
        return [...path, start].join(' → ');
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc.join(', ');
}

const edgeCount = [...edges.values()].reduce((n, t) => n + t.length, 0);
if (report) {
  console.log(`files ${files.length}, import edges ${edgeCount}`);
  console.log(`file cycles (strongly connected components > 1 file): ${cycles.length}`);
  for (const c of cycles) console.log(`  ${c.length} files: ${loopThrough(c)}`);
  console.log(`domain cycles (two domains importing each other): ${domainCycles.length}`);
  for (const c of domainCycles) console.log(`  ${c}`);
  console.log(`edges against the layer rules: ${violations.length}`);
  for (const v of violations) console.log(`  ${v}`);
  process.exit(0);
}
if (cycles.length || violations.length || domainCycles.length) {
  for (const c of cycles) console.error(`import cycle: ${loopThrough(c)}`);
  for (const c of domainCycles) console.error(`domain cycle: ${c}`);
  for (const v of violations) console.error(v);
  console.error('\nthe import rules: scripts/check-imports.js, src/api/README.md');
  process.exit(1);
}
