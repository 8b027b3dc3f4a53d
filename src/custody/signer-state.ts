/**
 * signer-state.ts — what the signer remembers outside the database: the last checkpoint it signed
 * (number, size, root and the signed note), in `<data>/keys/custody-log.state` beside the key.
 * The database can be rewritten by anyone who can write to it; this file is the signer's own
 * memory, so before it signs again it proves that the log it is asked to sign extends the one it
 * signed last (issue 18.2). Written atomically: temp file, fsync, rename, fsync of the directory.
 * A lock file serialises signers on one machine (the API server and a CLI command).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CustodyError } from './errors.js';

export interface SignerState {
  readonly origin: string;
  /** The checkpoint's number (1, 2, 3…) in the checkpoint table. */
  readonly number: number;
  readonly size: number;
  /** Hex root hash. */
  readonly root: string;
  readonly signedNote: string;
  readonly at: string;
}

/** statePath is where the signer keeps its last signed checkpoint, beside the key. */
export function statePath(keysDir: string): string {
  return join(keysDir, 'custody-log.state');
}

const MAX_STATE_BYTES = 64 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * readSignerState returns the state, undefined when there is none, and throws STATE_INVALID
 * when the file exists but is not a state this code wrote (truncated, edited, wrong types).
 */
export function readSignerState(keysDir: string): SignerState | undefined {
  const file = statePath(keysDir);
  if (!existsSync(file)) return undefined;
  const invalid = (why: string) =>
    new CustodyError(
      'STATE_INVALID',
      `the signer state ${file} is unreadable (${why}); restore it from backup with the key`,
    );
  if (statSync(file).size > MAX_STATE_BYTES) throw invalid('too large');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw invalid('not JSON');
  }
  const s = raw as Record<string, unknown>;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.origin !== 'string' ||
    !Number.isSafeInteger(s.number) ||
    (s.number as number) < 1 ||
    !Number.isSafeInteger(s.size) ||
    (s.size as number) < 1 ||
    typeof s.root !== 'string' ||
    !HEX64.test(s.root) ||
    typeof s.signedNote !== 'string' ||
    typeof s.at !== 'string'
  ) {
    throw invalid('fields missing or malformed');
  }
  return {
    origin: s.origin,
    number: s.number as number,
    size: s.size as number,
    root: s.root,
    signedNote: s.signedNote,
    at: s.at,
  };
}

/** writeSignerState replaces the state atomically and durably. */
export function writeSignerState(keysDir: string, state: SignerState): void {
  const file = statePath(keysDir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 60_000;
const inProcess = new Map<string, Promise<unknown>>();

/**
 * withSignerLock runs `fn` holding the signer's lock: one signer at a time in this process
 * (a promise chain) and across processes on this machine (an O_EXCL lock file holding the pid;
 * a lock whose process died, or older than a minute, is broken).
 */
export async function withSignerLock<T>(keysDir: string, fn: () => Promise<T>): Promise<T> {
  const key = statePath(keysDir);
  const before = inProcess.get(key) ?? Promise.resolve();
  const run = before.catch(() => {}).then(() => holdingFileLock(`${key}.lock`, fn));
  inProcess.set(key, run);
  try {
    return await run;
  } finally {
    if (inProcess.get(key) === run) inProcess.delete(key);
  }
}

async function holdingFileLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStale(lock)) {
        try {
          unlinkSync(lock);
        } catch {}
        continue;
      }
      if (Date.now() > deadline) {
        throw new CustodyError('SIGNER_BUSY', `another process holds the signer lock ${lock}`);
      }
      await delay(20);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {}
  }
}

function isStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (
      (err as NodeJS.ErrnoException).code === 'ESRCH' || (err as NodeJS.ErrnoException).code === 'ENOENT'
    );
  }
}
