/**
 * cli.ts — runs the `attest` CLI in-process with captured output (STYLE habit 8), or as a
 * child process when a test needs to kill it.
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const ATTEST_BIN = fileURLToPath(new URL('../../bin/attest.js', import.meta.url));

/** runCli runs `attest args…` in this process against `env`. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await run(args, { stdout, stderr, env, isTTY: false });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** spawnCli starts `attest args…` as a child process. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, [ATTEST_BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
}
