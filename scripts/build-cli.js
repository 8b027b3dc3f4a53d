#!/usr/bin/env node
// Compiles the program (src/, tests and READMEs left out) to JavaScript in dist/, so that
// `bin/attest.js` starts without tsx's loader hooks (bin/compiled.js says when it may use the
// build and why it never runs a stale one). Run by `npm install` (prepare), `npm start`
// (`--if-stale`: only when src/ changed since the last build) and `npm run build`.
//
// Each file is transformed alone with esbuild — the transform tsx applies when it runs the sources,
// with the same tsconfig — not bundled: dist/ mirrors src/ file for file (imports, lazy
// `import()`s and paths taken from `import.meta.url` behave as in src/), and other files of src/
// (JSON, .mjs, text the code reads beside itself) are copied. The new build is written to a
// temporary folder and put in place by renames, the stamp inside it; a process that starts
// meanwhile finds no fresh build for an instant and runs the sources.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  BUILD_FORMAT,
  DIST,
  fingerprint,
  isFresh,
  ROOT,
  SRC,
  STAMP,
  sources,
  TSCONFIG,
  vendorManifest,
} from '../bin/compiled.js';

if (process.argv.includes('--if-stale') && isFresh()) process.exit(0);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn(
    'attest: esbuild is not installed, so the CLI was not compiled (it runs from src/ through tsx).',
  );
  process.exit(0);
}

/**
 * Imports bundled into dist/vendor/ instead of loaded from node_modules, because they are made of
 * hundreds of small ES modules: kysely 263, TypeBox 218. Loading kysely's cost a start more than
 * everything else `attest backup` loads (0.3 s idle, 0.7–0.9 s on a busy machine, against ~0.1 s
 * for the same code in one file). They are bundled together with shared chunks, so that a
 * package and its subpath (TypeBox's compiler) share one copy of its state (TypeBox's registries).
 * Each package's package.json is part of the stamp, so an upgrade makes the build stale.
 */
const VENDORED = ['kysely', '@sinclair/typebox', '@sinclair/typebox/compiler'];
/** vendorFile is the bundle an import specifier of VENDORED is served from, under dist/vendor/. */
const vendorFile = (spec) => `${spec.replace(/^@/, '').replaceAll('/', '__')}.js`;
/** packageOf is the package an import specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

const started = Date.now();
const { compilerOptions } = JSON.parse(readFileSync(TSCONFIG, 'utf8'));
const tmp = `${DIST}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
const stamp = {
  format: BUILD_FORMAT,
  tsconfig: fingerprint(TSCONFIG),
  vendored: Object.fromEntries(
    [...new Set(VENDORED.map(packageOf))].map((name) => [name, fingerprint(vendorManifest(name))]),
  ),
  files: {},
};
await esbuild.build({
  entryPoints: VENDORED.map((spec) => ({ in: spec, out: vendorFile(spec).slice(0, -3) })),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: join(tmp, 'vendor'),
  logLevel: 'error',
});
/** vendorImports points a compiled file's imports of vendored packages at their bundles. */
const vendorImports = (code, to) =>
  code.replace(/(\bfrom\s*|\bimport\s*\(\s*)"([^"]+)"/g, (whole, lead, spec) => {
    if (!VENDORED.includes(spec)) return whole;
    const rel = relative(dirname(to), join(tmp, 'vendor', vendorFile(spec)))
      .split('\\')
      .join('/');
    return `${lead}"${rel.startsWith('.') ? rel : `./${rel}`}"`;
  });
const files = sources();
await Promise.all(
  files.map(async ({ rel }) => {
    const from = join(SRC, rel);
    stamp.files[rel] = fingerprint(from);
    const to = join(tmp, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(to), { recursive: true });
    if (!rel.endsWith('.ts')) {
      copyFileSync(from, to);
      return;
    }
    const out = await esbuild.transform(readFileSync(from, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      platform: 'node',
      sourcemap: 'external',
      sourcefile: relative(dirname(join(DIST, rel)), from)
        .split('\\')
        .join('/'),
      tsconfigRaw: { compilerOptions },
    });
    const map = `${to}.map`;
    writeFileSync(to, `${vendorImports(out.code, to)}//# sourceMappingURL=${relative(dirname(to), map)}\n`);
    writeFileSync(map, out.map);
  }),
);
// The stamp says what the build was made from: taken before compiling, so a file edited during
// the build reads as changed afterwards (stale), never as built.
writeFileSync(join(tmp, STAMP), `${JSON.stringify(stamp)}\n`);
const old = `${DIST}.old-${process.pid}`;
if (existsSync(DIST)) renameSync(DIST, old);
renameSync(tmp, DIST);
rmSync(old, { recursive: true, force: true });
console.log(
  `attest: CLI compiled to ${relative(ROOT, DIST)}/ (${files.length} files, ${Date.now() - started} ms)`,
);
