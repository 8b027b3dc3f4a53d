/**
 * backup.ts — `attest backup` and `attest restore` (issue 21.3) for the embedded tier (SQLite).
 *
 * A backup directory is a repository of snapshots sharing one content-addressed blob folder:
 *
 *   blobs/sha256/ab/<hash>            every blob any snapshot needs, named by its SHA-256
 *   snapshots/<id>/database.sqlite    `VACUUM INTO`: a transaction-consistent copy, taken while serving
 *   snapshots/<id>/keys.enc           key, signer state, retired keys; AES-256-GCM under a passphrase
 *   snapshots/<id>/checkpoint.txt     the latest signed checkpoint in the snapshot (for verify --checkpoint)
 *   snapshots/<id>/manifest.json      SHA-256 and size of every file above and of every blob
 *
 * A second backup into the same directory copies only the blobs it does not hold yet (content
 * addressing makes a blob present under its name the same bytes). `--out FILE.tar` writes one
 * full snapshot as a tar file instead. Restore checks every file against the manifest (and every
 * blob against its name) before writing anything, and names each one that differs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Config } from '../../config.js';
import type { Ctx } from '../../ctx.js';
import { isSha256Hex } from '../../lib/hash.js';
import { openBlobStore } from '../blob-location.js';
import { StoreError } from '../errors.js';
import { keyPath } from '../keys.js';
import { type KeyFiles, openKeys, sealKeys } from './key-box.js';
import { packTar, unpackTar } from './tar.js';

const FORMAT = 'attest-backup/1';
const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;

export interface ManifestFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface Manifest {
  readonly format: typeof FORMAT;
  readonly id: string;
  readonly createdAt: string;
  readonly dialect: 'sqlite';
  readonly logSize: number;
  readonly checkpoint: { readonly number: number; readonly size: number } | null;
  readonly items: number;
  /** The snapshot's own files, paths relative to the backup directory. */
  readonly files: readonly ManifestFile[];
  /** Every blob the snapshot's items need (under `blobs/sha256/ab/<hash>`). */
  readonly blobs: readonly { readonly sha256: string; readonly size: number }[];
}

export interface BackupResult {
  readonly id: string;
  readonly out: string;
  readonly logSize: number;
  readonly items: number;
  readonly checkpointSize: number | null;
  readonly blobs: number;
  readonly blobsCopied: number;
  readonly bytesCopied: number;
}

export const blobPathIn = (dir: string, sha256: string) =>
  join(dir, 'blobs', 'sha256', sha256.slice(0, 2), sha256);

async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(c);
    size += c.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * backupDeployment writes a snapshot of `ctx`'s deployment to `out` (a backup directory, or a
 * `.tar` file). The caller signs a checkpoint first (the CLI does), so the snapshot carries one.
 */
export async function backupDeployment(ctx: Ctx, out: string, passphrase: string): Promise<BackupResult> {
  if (ctx.dialect !== 'sqlite')
    throw new StoreError(
      'BACKUP_UNSUPPORTED',
      'attest backup covers the embedded tier (SQLite) only so far: back up a PostgreSQL deployment with pg_dump ' +
        '(a transaction-consistent dump) plus the blob store and the keys directory, as docs/design-notes.md says',
    );
  const toTar = out.endsWith('.tar');
  if (toTar && existsSync(out)) throw new StoreError('BACKUP_INVALID', `${out} exists; choose a new file`);
  const repo = toTar ? await mkdtemp(join(tmpdir(), 'attest-backup-')) : out;
  try {
    const id = `${ctx
      .clock()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
    const snap = join(repo, 'snapshots', id);
    await mkdir(snap, { recursive: true, mode: 0o700 });
    // One consistent copy of every table, while other connections keep writing (SQLite §VACUUM INTO).
    const dbFile = join(snap, 'database.sqlite');
    await sql`VACUUM INTO ${dbFile}`.execute(ctx.db);
    await chmod(dbFile, 0o600);
    const snapDb = new SQLite(dbFile, { readonly: true });
    let blobRows: { sha256: string; size: number }[];
    let checkpoint: { number: number; size: number; signed_note: string } | undefined;
    let logSize: number;
    let items: number;
    try {
      blobRows = snapDb.prepare('SELECT sha256, size FROM blob ORDER BY sha256').all() as typeof blobRows;
      checkpoint = snapDb
        .prepare('SELECT number, size, signed_note FROM checkpoint ORDER BY number DESC LIMIT 1')
        .get() as typeof checkpoint;
      logSize = (snapDb.prepare('SELECT COUNT(*) AS n FROM custody_entry').get() as { n: number }).n;
      items = (snapDb.prepare('SELECT COUNT(*) AS n FROM item').get() as { n: number }).n;
    } finally {
      snapDb.close();
    }
    const files: ManifestFile[] = [];
    const add = async (name: string) => {
      const { sha256, size } = await sha256File(join(snap, name));
      files.push({ path: `snapshots/${id}/${name}`, sha256, size });
    };
    await add('database.sqlite');
    await writeFile(join(snap, 'keys.enc'), sealKeys(await readKeyFiles(ctx.config.keysDir), passphrase), {
      mode: 0o600,
    });
    await add('keys.enc');
    if (checkpoint) {
      await writeFile(join(snap, 'checkpoint.txt'), checkpoint.signed_note, { mode: 0o600 });
      await add('checkpoint.txt');
    }
    // Blobs: only those the directory does not already hold (incremental), each re-hashed.
    let copied = 0;
    let bytes = 0;
    for (const b of blobRows) {
      const dst = blobPathIn(repo, b.sha256);
      const there = await stat(dst).catch(() => undefined);
      if (there?.size === Number(b.size)) continue;
      await mkdir(dirname(dst), { recursive: true, mode: 0o700 });
      const tmp = `${dst}.${process.pid}.tmp`;
      const hash = createHash('sha256');
      await pipeline(
        ctx.blobs.get(b.sha256),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const c of chunks) {
            hash.update(c);
            yield c;
          }
        },
        createWriteStream(tmp, { mode: 0o600 }),
      );
      const actual = hash.digest('hex');
      if (actual !== b.sha256) {
        await rm(tmp, { force: true });
        throw new StoreError(
          'BACKUP_INVALID',
          `blob ${b.sha256} re-hashes to ${actual} in the blob store: run attest verify`,
        );
      }
      await rename(tmp, dst);
      copied++;
      bytes += Number(b.size);
    }
    const manifest: Manifest = {
      format: FORMAT,
      id,
      createdAt: ctx.clock().toISOString(),
      dialect: 'sqlite',
      logSize: Number(logSize),
      checkpoint: checkpoint ? { number: Number(checkpoint.number), size: Number(checkpoint.size) } : null,
      items: Number(items),
      files,
      blobs: blobRows.map((b) => ({ sha256: b.sha256, size: Number(b.size) })),
    };
    await writeFile(join(snap, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`, { mode: 0o600 });
    if (toTar) await packTar(repo, out);
    return {
      id,
      out,
      logSize: manifest.logSize,
      items: manifest.items,
      checkpointSize: manifest.checkpoint?.size ?? null,
      blobs: blobRows.length,
      blobsCopied: copied,
      bytesCopied: bytes,
    };
  } finally {
    if (toTar) await rm(repo, { recursive: true, force: true });
  }
}

/** readKeyFiles collects the key, the signer state and retired public keys of a keys directory. */
async function readKeyFiles(keysDir: string): Promise<KeyFiles> {
  const files: KeyFiles = {};
  for (const name of ['custody-log.key', 'custody-log.state']) {
    const p = join(keysDir, name);
    if (existsSync(p)) files[name] = await readFile(p, 'utf8');
  }
  const retired = join(keysDir, 'retired');
  if (existsSync(retired))
    for (const name of await readdir(retired))
      files[`retired/${name}`] = await readFile(join(retired, name), 'utf8');
  if (!files['custody-log.key'])
    throw new StoreError('BACKUP_INVALID', `no log key in ${keysDir} to back up`);
  return files;
}

export interface RestoreResult {
  readonly id: string;
  readonly logSize: number;
  readonly items: number;
  readonly blobs: number;
  /** The checkpoint saved at backup time, written beside the data for `attest verify --checkpoint`. */
  readonly checkpointFile: string | null;
}

/** BackupCorruptError: files of the backup differ from its manifest; `problems` names each one. */
export class BackupCorruptError extends StoreError {
  constructor(readonly problems: readonly string[]) {
    super('BACKUP_CORRUPT', `the backup is damaged: ${problems.join('; ')}`, { problems });
  }
}

/**
 * restoreDeployment restores snapshot `snapshotId` (default: the newest) of the backup at `source`
 * (a directory or a .tar file) into `config`'s empty data directory, keys directory and blob store.
 */
export async function restoreDeployment(
  config: Config,
  source: string,
  passphrase: string,
  snapshotId?: string,
): Promise<RestoreResult> {
  if (config.databaseUrl)
    throw new StoreError(
      'BACKUP_UNSUPPORTED',
      'attest restore writes the embedded tier (SQLite) only so far',
    );
  const dbTarget = join(config.dataDir, 'attest.sqlite');
  if (existsSync(dbTarget))
    throw new StoreError('BACKUP_INVALID', `${dbTarget} exists: restore only into an empty data directory`);
  if (existsSync(keyPath(config.keysDir)))
    throw new StoreError(
      'BACKUP_INVALID',
      `${keyPath(config.keysDir)} exists: restore only into an empty keys directory`,
    );
  const fromTar = source.endsWith('.tar');
  const repo = fromTar ? await mkdtemp(join(tmpdir(), 'attest-restore-')) : source;
  try {
    if (fromTar) await unpackTar(source, repo);
    const snapshots = (await readdir(join(repo, 'snapshots')).catch(() => [] as string[])).filter((n) =>
      /^[0-9TZ]+-[0-9a-f]{6}$/.test(n),
    );
    const id = snapshotId ?? snapshots.sort().at(-1);
    if (!id || !snapshots.includes(id))
      throw new StoreError(
        'BACKUP_INVALID',
        `no snapshot ${snapshotId ?? ''} in ${source}`.replace('  ', ' '),
      );
    const snap = join(repo, 'snapshots', id);
    const manifest = await readManifest(join(snap, 'manifest.json'), id);
    // Everything is checked before anything is written.
    const problems: string[] = [];
    for (const f of manifest.files) {
      const p = join(repo, f.path);
      const got = await sha256File(p).catch(() => undefined);
      if (!got) problems.push(`${f.path} is missing`);
      else if (got.sha256 !== f.sha256 || got.size !== f.size)
        problems.push(
          `${f.path} has SHA-256 ${got.sha256} (${got.size} bytes), the manifest says ${f.sha256} (${f.size} bytes)`,
        );
    }
    for (const b of manifest.blobs) {
      const rel = `blobs/sha256/${b.sha256.slice(0, 2)}/${b.sha256}`;
      const got = await sha256File(join(repo, rel)).catch(() => undefined);
      if (!got) problems.push(`${rel} is missing`);
      else if (got.sha256 !== b.sha256 || got.size !== b.size)
        problems.push(`${rel} re-hashes to ${got.sha256} (${got.size} bytes)`);
    }
    if (problems.length > 0) throw new BackupCorruptError(problems);
    const keys = openKeys(await readFile(join(snap, 'keys.enc'), 'utf8'), passphrase);

    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await pipeline(
      createReadStream(join(snap, 'database.sqlite')),
      createWriteStream(dbTarget, { mode: 0o600, flags: 'wx' }),
    );
    await mkdir(join(config.keysDir, 'retired'), { recursive: true, mode: 0o700 });
    for (const [name, text] of Object.entries(keys))
      await writeFile(join(config.keysDir, name), text, { mode: 0o600, flag: 'wx' });
    const store = await openBlobStore(config);
    try {
      for (const b of manifest.blobs) {
        await store.blobs.put(
          createReadStream(join(repo, `blobs/sha256/${b.sha256.slice(0, 2)}/${b.sha256}`)),
          {
            guard: async (actual, place) => {
              if (actual !== b.sha256)
                throw new BackupCorruptError([`blob ${b.sha256} changed while restored`]);
              return place();
            },
          },
        );
      }
    } finally {
      store.close();
    }
    let checkpointFile: string | null = null;
    if (manifest.checkpoint) {
      checkpointFile = join(config.dataDir, `restored-checkpoint-${id}.txt`);
      await writeFile(checkpointFile, await readFile(join(snap, 'checkpoint.txt')), { mode: 0o600 });
    }
    return {
      id,
      logSize: manifest.logSize,
      items: manifest.items,
      blobs: manifest.blobs.length,
      checkpointFile,
    };
  } finally {
    if (fromTar) await rm(repo, { recursive: true, force: true });
  }
}

/** readManifest parses a snapshot's manifest strictly (it is outside input when restoring). */
async function readManifest(path: string, id: string): Promise<Manifest> {
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
  const fileOk = (f: ManifestFile) =>
    typeof f?.path === 'string' &&
    new RegExp(`^snapshots/${id}/(database\\.sqlite|keys\\.enc|checkpoint\\.txt)$`).test(f.path) &&
    isSha256Hex(f.sha256) &&
    Number.isSafeInteger(f.size);
  if (
    m?.format !== FORMAT ||
    m.id !== id ||
    !Array.isArray(m.files) ||
    !m.files.every(fileOk) ||
    !m.files.some((f) => f.path.endsWith('/database.sqlite')) ||
    !m.files.some((f) => f.path.endsWith('/keys.enc')) ||
    !Array.isArray(m.blobs) ||
    !m.blobs.every((b) => isSha256Hex(b?.sha256) && Number.isSafeInteger(b.size) && b.size >= 0) ||
    !Number.isSafeInteger(m.logSize)
  )
    throw new BackupCorruptError([`snapshots/${id}/manifest.json is not an ${FORMAT} manifest`]);
  return m;
}
