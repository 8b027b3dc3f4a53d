#!/usr/bin/env node
// Fails when a relative import in src/, test/ or bench/ does not end in `.js` (ESM resolution
// under NodeNext needs the extension; tooling checks it, not reviewers).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const bad = [];
for (const root of ['src', 'test', 'bench']) {
  let entries = [];
  try {
    entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    continue;
  }
  for (const rel of entries) {
    if (!/\.(ts|tsx)$/.test(rel)) continue;
    const file = join(root, rel);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      if (!/\.(js|json)$/.test(m[1])) bad.push(`${file}: ${m[1]}`);
    }
  }
}
if (bad.length) {
  console.error(`relative imports must end in .js:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
