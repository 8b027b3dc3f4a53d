#!/usr/bin/env node
// Wires the process to the CLI: everything else lives in src/cli (run(args, io) -> exit code).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
