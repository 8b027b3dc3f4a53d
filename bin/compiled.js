// compiled.js — is `dist/` exactly the program in `src/`? `bin/attest.js` runs the compiled
// JavaScript only when it is; otherwise it runs the TypeScript sources through tsx (correct, and
// seconds slower to start: tsx's loader hooks run every import through a second thread).
//
// `scripts/build-cli.js` (run by `npm install`, `npm start` and `npm run build`) compiles each
// source file on its own (esbuild, the same transform tsx applies) into `dist/`, at the same depth
// as in `src/` so that paths resolved from `import.meta.url` (assets/, web/dist/) still hold, and
// writes `dist/build-stamp.json` last: the size, modification time and SHA-256 of every file it
// was made from, of tsconfig.json and of the package.json of each package bundled into
// dist/vendor/. The build is fresh when the same files are there with the
// same sizes and each has its recorded modification time or, failing that (a checkout touches
// files without changing them), its recorded SHA-256. Any added, removed or changed file makes
// it stale: stale code never runs. The check stats a few hundred files (milliseconds).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stamp's format; raise it when the build's output changes for the same sources. */
export const BUILD_FORMAT = 'attest-build/1';
export const STAMP = 'build-stamp.json';
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
export const TSCONFIG = join(ROOT, 'tsconfig.json');

/** isBuildInput tells whether `rel` (a path under src/) is part of the program (not a test or a README). */
export const isBuildInput = (rel) =>
  !/\.test\.tsx?$/.test(rel) && !rel.endsWith('.md') && !rel.endsWith('.d.ts');

/** sources lists the build's input files under `src`: relative path, size and modification time. */
export function sources(src = SRC) {
  const out = [];
  for (const rel of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!isBuildInput(rel)) continue;
    const st = statSync(join(src, rel));
    if (st.isFile()) out.push({ rel: rel.split('\\').join('/'), size: st.size, mtimeMs: st.mtimeMs });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

export const sha256Of = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** fingerprint is what a stamp records for file `path` as it is now. */
export function fingerprint(path) {
  const st = statSync(path);
  return { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256Of(path) };
}

/** same tells whether file `path` (stat `now`) is still what `recorded` describes. */
function same(path, now, recorded) {
  if (!recorded || recorded.size !== now.size) return false;
  return recorded.mtimeMs === now.mtimeMs || recorded.sha256 === sha256Of(path);
}

/** vendorManifest is the package.json of `name` as installed (a vendored package, scripts/build-cli.js). */
export const vendorManifest = (name) => join(ROOT, 'node_modules', name, 'package.json');

/** isFresh tells whether `dist` holds a complete build of exactly the files now in `src`. */
export function isFresh(dist = DIST, src = SRC, tsconfig = TSCONFIG) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dist, STAMP), 'utf8'));
  } catch {
    return false;
  }
  if (stamp?.format !== BUILD_FORMAT || typeof stamp.files !== 'object' || stamp.files === null) return false;
  try {
    if (!same(tsconfig, statSync(tsconfig), stamp.tsconfig)) return false;
    if (typeof stamp.vendored !== 'object' || stamp.vendored === null) return false;
    for (const [name, recorded] of Object.entries(stamp.vendored))
      if (!same(vendorManifest(name), statSync(vendorManifest(name)), recorded)) return false;
    const files = sources(src);
    if (files.length !== Object.keys(stamp.files).length) return false;
    for (const f of files)
      if (!Object.hasOwn(stamp.files, f.rel) || !same(join(src, f.rel), f, stamp.files[f.rel])) return false;
  } catch {
    return false; // a file vanished while we looked: not a build to trust
  }
  return true;
}
