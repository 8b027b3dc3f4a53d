#!/usr/bin/env node
// `npm run bench -- NAME` runs bench/NAME.ts (through tsx). Without a name it lists them.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const available = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(name ? 2 : 0);
}
const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...rest], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
