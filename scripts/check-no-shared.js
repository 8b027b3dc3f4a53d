#!/usr/bin/env node
// Fails when a file of the repository reads `../shared` (DESIGN.md rule 8: the repository stands
// alone; a clone with no shared/ beside it must run and pass its tests). Vectors and data the
// product or tests need are copied into the repo (test/vectors/, assets/) with their sources.
// Mentions in comments and docs are fine; what is refused is a path that code would open.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['src', 'test', 'bench', 'scripts', 'web/src', 'bin', '.ci'];
const readsShared =
  /['"`](?:\.\.\/)+shared\/|['"`]\/work\/shared|join\([^)]*['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/;
const bad = [];
for (const root of roots) {
  let entries = [];
  try {
    entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    continue;
  }
  for (const rel of entries) {
    if (rel.includes('node_modules') || !/\.(ts|tsx|js|mjs|cjs|sh)$|^run$/.test(rel)) continue;
    const file = join(root, rel);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (file.endsWith('check-no-shared.js')) return;
      if (readsShared.test(line)) bad.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
}
if (bad.length) {
  console.error(
    `no file of the repository may read ../shared (copy what you need into the repo):\n  ${bad.join('\n  ')}`,
  );
  process.exit(1);
}
