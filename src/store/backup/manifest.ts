/**
 * manifest.ts — what a backup snapshot says about itself (`snapshots/<id>/manifest.json`), the
 * strict parser restore reads it with (it is outside input then), and the hashing helpers both
 * directions share. Layout and guarantees: backup.ts.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSha256Hex } from '../../lib/hash.js';
import { StoreError } from '../errors.js';

export const FORMAT = 'attest-backup/1';
const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;
/** Reads and writes of blobs and dumps go in 1 MiB chunks (64 KiB, Node's default, costs ~3× the calls). */
export const CHUNK = 1 << 20;

/** A snapshot id: the UTC time it was taken and 6 random hex digits. */
export const SNAPSHOT_ID = /^[0-9TZ]+-[0-9a-f]{6}$/;
/**
 * The files a snapshot may hold, relative to the snapshot's folder: the SQLite copy, or the
 * PostgreSQL dump (one COPY file per table and its table list), and the keys and checkpoint.
 */
export const SNAPSHOT_FILE =
  /^(database\.sqlite|keys\.enc|checkpoint\.txt|manifest\.json|database\/tables\.json|database\/[a-z_][a-z0-9_]{0,62}\.copy)$/;

export interface ManifestFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export type BackupDialect = 'sqlite' | 'postgres';

export interface Manifest {
  readonly format: typeof FORMAT;
  readonly id: string;
  readonly createdAt: string;
  readonly dialect: BackupDialect;
  readonly logSize: number;
  readonly checkpoint: { readonly number: number; readonly size: number } | null;
  readonly items: number;
  /** The snapshot's own files, paths relative to the backup directory. */
  readonly files: readonly ManifestFile[];
  /** Every blob the snapshot's items need (under `blobs/sha256/ab/<hash>`). */
  readonly blobs: readonly { readonly sha256: string; readonly size: number }[];
}

export const blobPathIn = (dir: string, sha256: string) =>
  join(dir, 'blobs', 'sha256', sha256.slice(0, 2), sha256);

export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    hash.update(c);
    size += c.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** writeHashed streams `source` to a new file `path` and returns the SHA-256 and size written. */
export async function writeHashed(
  source: Readable | AsyncIterable<Buffer>,
  path: string,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const c of chunks) {
        hash.update(c);
        size += c.length;
        yield c;
      }
    },
    createWriteStream(path, { mode: 0o600, flags: 'wx', highWaterMark: CHUNK }),
  );
  return { sha256: hash.digest('hex'), size };
}

/** BackupCorruptError: files of the backup differ from its manifest; `problems` names each one. */
export class BackupCorruptError extends StoreError {
  constructor(readonly problems: readonly string[]) {
    super('BACKUP_CORRUPT', `the backup is damaged: ${problems.join('; ')}`, { problems });
  }
}

/** readManifest parses a snapshot's manifest strictly (it is outside input when restoring). */
export async function readManifest(path: string, id: string): Promise<Manifest> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new BackupCorruptError([`snapshots/${id}/manifest.json is missing`]);
  if (info.size > MAX_MANIFEST_BYTES)
    throw new BackupCorruptError([`snapshots/${id}/manifest.json is too large`]);
  let m: Manifest;
  try {
    m = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  } catch {
    throw new BackupCorruptError([`snapshots/${id}/manifest.json is not JSON`]);
  }
  // A well-formed manifest of a later format is a newer Attest's backup, not a damaged one.
  const later = typeof m?.format === 'string' ? /^attest-backup\/([1-9][0-9]{0,5})$/.exec(m.format) : null;
  if (later && m.format !== FORMAT)
    throw new StoreError(
      'BACKUP_UNSUPPORTED',
      `snapshot ${id} is in format ${m.format}, which this version of Attest cannot read (it reads ${FORMAT}): restore it with the version that wrote it, or later`,
    );
  const prefix = `snapshots/${id}/`;
  const fileOk = (f: ManifestFile) =>
    typeof f?.path === 'string' &&
    f.path.startsWith(prefix) &&
    SNAPSHOT_FILE.test(f.path.slice(prefix.length)) &&
    !f.path.endsWith('/manifest.json') &&
    isSha256Hex(f.sha256) &&
    Number.isSafeInteger(f.size) &&
    f.size >= 0;
  const has = (name: string) => m.files.some((f) => f.path === `${prefix}${name}`);
  if (
    m?.format !== FORMAT ||
    m.id !== id ||
    (m.dialect !== 'sqlite' && m.dialect !== 'postgres') ||
    !Array.isArray(m.files) ||
    !m.files.every(fileOk) ||
    new Set(m.files.map((f) => f.path)).size !== m.files.length ||
    !has(m.dialect === 'sqlite' ? 'database.sqlite' : 'database/tables.json') ||
    !has('keys.enc') ||
    !Array.isArray(m.blobs) ||
    !m.blobs.every((b) => isSha256Hex(b?.sha256) && Number.isSafeInteger(b.size) && b.size >= 0) ||
    !Number.isSafeInteger(m.logSize) ||
    !Number.isSafeInteger(m.items)
  )
    throw new BackupCorruptError([`snapshots/${id}/manifest.json is not an ${FORMAT} manifest`]);
  return m;
}
