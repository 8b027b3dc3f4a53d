#!/usr/bin/env node
// Wires the process to the CLI: everything else lives in src/cli (run(args, io) -> exit code).
// It runs the compiled program in dist/ when that is a build of exactly the sources in src/
// (bin/compiled.js; `npm install` builds it), else the sources themselves through tsx: never
// stale code. ATTEST_FROM_SOURCE=1 always runs the sources.
import { isFresh } from './compiled.js';

let main;
if (process.env.ATTEST_FROM_SOURCE !== '1' && isFresh()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
