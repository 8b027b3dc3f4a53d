/**
 * backup.ts — `attest backup` and `attest restore` (issue 21.3), for both tiers.
 *
 * A backup directory is a repository of snapshots sharing one content-addressed blob folder:
 *
 *   blobs/sha256/ab/<hash>            every blob any snapshot needs, named by its SHA-256
 *   snapshots/<id>/database.sqlite    SQLite: `VACUUM INTO`, a transaction-consistent copy taken while serving
 *   snapshots/<id>/database/…         PostgreSQL: one COPY file per table from one REPEATABLE READ
 *                                     snapshot, and tables.json (pg-snapshot.ts says why not pg_dump)
 *   snapshots/<id>/keys.enc           key, signer state, retired keys; AES-256-GCM under a passphrase
 *   snapshots/<id>/checkpoint.txt     the latest signed checkpoint in the snapshot (for verify --checkpoint)
 *   snapshots/<id>/manifest.json      SHA-256 and size of every file above and of every blob
 *
 * The database snapshot is taken, and the keys directory read, while the caller holds the signer
 * (`holdSigner`: no checkpoint is signed meanwhile by any process), so the signer state in the
 * backup is the one that goes with the snapshot's last checkpoint. Blobs, the checkpoint and
 * the counts are read from the snapshot itself, so they describe the same instant.
 *
 * A second backup into the same directory copies only the blobs it does not hold yet (content
 * addressing makes a blob present under its name the same bytes). `--out FILE.tar` writes one
 * full snapshot as a tar file instead. Restore checks every file against the manifest (and every
 * blob against its name, as it is stored) before it writes the database or the keys, and names
 * each one that differs; blobs it stored before finding damage are removed again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, constants as fsConstants } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Config } from '../../config.js';
import type { Ctx } from '../../ctx.js';
import { openBlobStore } from '../blob-location.js';
import { openDatabase } from '../db.js';
import { StoreError } from '../errors.js';
import { keyPath } from '../keys.js';
import { migrateUpTo, migrationNames } from '../migrate.js';
import { fsyncPaths } from '../verified-copy.js';
import { copyBlobsOut, restoreBlobs } from './blob-copy.js';
import { checkPassphrase, type KeyFiles, openKeys, sealingKey, sealKeys } from './key-box.js';
import {
  BackupCorruptError,
  FORMAT,
  type Manifest,
  type ManifestFile,
  readManifest,
  SNAPSHOT_ID,
  sha256File,
} from './manifest.js';
import type { DatabaseDump, PgSnapshot } from './pg-snapshot.js';
import { packTar, unpackTar } from './tar.js';

export { BackupCorruptError, blobPathIn, type Manifest, type ManifestFile } from './manifest.js';

export interface BackupResult {
  readonly id: string;
  readonly out: string;
  readonly dialect: 'sqlite' | 'postgres';
  readonly logSize: number;
  readonly items: number;
  readonly checkpointSize: number | null;
  readonly blobs: number;
  readonly blobsCopied: number;
  readonly bytesCopied: number;
}

/** HoldSigner runs `fn` while no process signs a checkpoint (custody's signer lock). */
export type HoldSigner = <T>(fn: () => Promise<T>) => Promise<T>;

interface SnapshotState {
  readonly blobs: { sha256: string; size: number }[];
  readonly checkpoint: { number: number; size: number; signed_note: string } | undefined;
  readonly logSize: number;
  readonly items: number;
}

/**
 * backupDeployment writes a snapshot of `ctx`'s deployment to `out` (a backup directory, or a
 * `.tar` file). The caller signs a checkpoint first (the CLI does), so the snapshot carries one.
 */
export async function backupDeployment(
  ctx: Ctx,
  out: string,
  passphrase: string,
  holdSigner: HoldSigner = (fn) => fn(),
): Promise<BackupResult> {
  const toTar = out.endsWith('.tar');
  if (toTar && existsSync(out)) throw new StoreError('BACKUP_INVALID', `${out} exists; choose a new file`);
  // Refuse a short passphrase before any work (a check, not a whole scrypt derivation).
  checkPassphrase(passphrase);
  // The one scrypt derivation runs on the thread pool while the snapshot and blobs are taken.
  const sealing = sealingKey(passphrase);
  sealing.catch(() => {}); // awaited below; a failure meanwhile is not unhandled
  const repo = toTar ? await mkdtemp(join(tmpdir(), 'attest-backup-')) : out;
  try {
    const id = `${ctx
      .clock()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
    const snap = join(repo, 'snapshots', id);
    await mkdir(snap, { recursive: true, mode: 0o700 });
    const files: ManifestFile[] = [];
    const add = async (name: string, known?: { sha256: string; size: number }) => {
      const { sha256, size } = known ?? (await sha256File(join(snap, name)));
      files.push({ path: `snapshots/${id}/${name}`, sha256, size });
    };
    let state: SnapshotState;
    let keyFiles: KeyFiles;
    if (ctx.dialect === 'sqlite') {
      const dbFile = join(snap, 'database.sqlite');
      keyFiles = await holdSigner(async () => {
        // One consistent copy of every table, while other connections keep writing (SQLite §VACUUM INTO).
        await sql`VACUUM INTO ${dbFile}`.execute(ctx.db);
        return readKeyFiles(ctx.config.keysDir);
      });
      await chmod(dbFile, 0o600);
      state = sqliteState(dbFile);
      await add('database.sqlite');
    } else {
      const { PgSnapshot } = await pgSnapshots();
      const pgSnap = await holdSigner(async () => {
        const s = await PgSnapshot.begin(ctx.config.databaseUrl!);
        try {
          keyFiles = await readKeyFiles(ctx.config.keysDir);
        } catch (err) {
          await s.close();
          throw err;
        }
        return s;
      });
      try {
        state = await pgState(pgSnap);
        await mkdir(join(snap, 'database'), { mode: 0o700 });
        const { dump, files: dumped } = await pgSnap.dump(join(snap, 'database'));
        for (const f of dumped) await add(`database/${f.name}`, f);
        await writeFile(join(snap, 'database', 'tables.json'), `${JSON.stringify(dump, null, 1)}\n`, {
          mode: 0o600,
        });
        await add('database/tables.json');
      } finally {
        await pgSnap.close();
      }
    }
    await writeFile(join(snap, 'keys.enc'), sealKeys(keyFiles!, await sealing), { mode: 0o600 });
    await add('keys.enc');
    const checkpoint = state.checkpoint;
    if (checkpoint) {
      await writeFile(join(snap, 'checkpoint.txt'), checkpoint.signed_note, { mode: 0o600 });
      await add('checkpoint.txt');
    }
    // Blobs: only those the directory does not already hold (incremental), each re-hashed.
    // Durable when it returns: the blobs (fsynced in a batch, then named), then the snapshot's
    // files, then the manifest that names them all; a crash before leaves no manifest.
    const { copied, bytes } = await copyBlobsOut(ctx.blobs, state.blobs, repo);
    await fsyncPaths(files.map((f) => join(repo, f.path)));
    const manifest: Manifest = {
      format: FORMAT,
      id,
      createdAt: ctx.clock().toISOString(),
      dialect: ctx.dialect,
      logSize: state.logSize,
      checkpoint: checkpoint ? { number: Number(checkpoint.number), size: Number(checkpoint.size) } : null,
      items: state.items,
      files,
      blobs: state.blobs,
    };
    await writeFile(join(snap, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`, { mode: 0o600 });
    if (toTar) {
      await packTar(repo, out);
      await fsyncPaths([out, dirname(resolve(out))]);
    } else
      await fsyncPaths([
        join(snap, 'manifest.json'),
        ...(manifest.dialect === 'postgres' ? [join(snap, 'database')] : []),
        snap,
        join(repo, 'snapshots'),
        repo,
      ]);
    return {
      id,
      out,
      dialect: ctx.dialect,
      logSize: manifest.logSize,
      items: manifest.items,
      checkpointSize: manifest.checkpoint?.size ?? null,
      blobs: state.blobs.length,
      blobsCopied: copied,
      bytesCopied: bytes,
    };
  } finally {
    if (toTar) await rm(repo, { recursive: true, force: true });
  }
}

function sqliteState(dbFile: string): SnapshotState {
  const snapDb = new SQLite(dbFile, { readonly: true });
  try {
    const blobs = (
      snapDb.prepare('SELECT sha256, size FROM blob ORDER BY sha256').all() as {
        sha256: string;
        size: number;
      }[]
    ).map((b) => ({ sha256: b.sha256, size: Number(b.size) }));
    const checkpoint = snapDb
      .prepare('SELECT number, size, signed_note FROM checkpoint ORDER BY number DESC LIMIT 1')
      .get() as SnapshotState['checkpoint'];
    const logSize = (snapDb.prepare('SELECT COUNT(*) AS n FROM custody_entry').get() as { n: number }).n;
    const items = (snapDb.prepare('SELECT COUNT(*) AS n FROM item').get() as { n: number }).n;
    return { blobs, checkpoint, logSize: Number(logSize), items: Number(items) };
  } finally {
    snapDb.close();
  }
}

async function pgState(s: PgSnapshot): Promise<SnapshotState> {
  const blobs = (
    await s.query<{ sha256: string; size: string }>('SELECT sha256, size FROM blob ORDER BY sha256')
  ).map((b) => ({ sha256: b.sha256, size: Number(b.size) }));
  const [cp] = await s.query<{ number: string; size: string; signed_note: string }>(
    'SELECT number, size, signed_note FROM checkpoint ORDER BY number DESC LIMIT 1',
  );
  const [log] = await s.query<{ n: string }>('SELECT count(*) AS n FROM custody_entry');
  const [items] = await s.query<{ n: string }>('SELECT count(*) AS n FROM item');
  return {
    blobs,
    checkpoint: cp
      ? { number: Number(cp.number), size: Number(cp.size), signed_note: cp.signed_note }
      : undefined,
    logSize: Number(log?.n),
    items: Number(items?.n),
  };
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
  readonly dialect: 'sqlite' | 'postgres';
  readonly logSize: number;
  readonly items: number;
  readonly blobs: number;
  /** The checkpoint saved at backup time, written beside the data for `attest verify --checkpoint`. */
  readonly checkpointFile: string | null;
}

/**
 * restoreDeployment restores snapshot `snapshotId` (default: the newest) of the backup at `source`
 * (a directory or a .tar file) into `config`'s empty database (the SQLite file under the data
 * directory, or the PostgreSQL database of DATABASE_URL), empty keys directory and blob store.
 */
export async function restoreDeployment(
  config: Config,
  source: string,
  passphrase: string,
  snapshotId?: string,
): Promise<RestoreResult> {
  const dialect = config.databaseUrl ? 'postgres' : 'sqlite';
  const dbTarget = join(config.dataDir, 'attest.sqlite');
  if (dialect === 'sqlite' && existsSync(dbTarget))
    throw new StoreError('BACKUP_INVALID', `${dbTarget} exists: restore only into an empty data directory`);
  if (dialect === 'postgres' && !(await (await pgSnapshots()).isEmptyDatabase(config.databaseUrl!)))
    throw new StoreError(
      'BACKUP_INVALID',
      'the database of DATABASE_URL holds tables: restore only into an empty database (CREATE DATABASE …)',
    );
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
      SNAPSHOT_ID.test(n),
    );
    const id = snapshotId ?? snapshots.sort().at(-1);
    if (!id || !snapshots.includes(id))
      throw new StoreError(
        'BACKUP_INVALID',
        `no snapshot ${snapshotId ?? ''} in ${source}`.replace('  ', ' '),
      );
    const snap = join(repo, 'snapshots', id);
    const manifest = await readManifest(join(snap, 'manifest.json'), id);
    if (manifest.dialect !== dialect)
      throw new StoreError(
        'BACKUP_INVALID',
        manifest.dialect === 'postgres'
          ? 'this backup is of a PostgreSQL deployment: set DATABASE_URL to an empty database to restore it'
          : 'this backup is of an embedded (SQLite) deployment: restore it without DATABASE_URL',
      );
    // Everything is checked before the database or the keys are written.
    const problems: string[] = [];
    for (const f of manifest.files) {
      const got = await sha256File(join(repo, f.path)).catch(() => undefined);
      if (!got) problems.push(`${f.path} is missing`);
      else if (got.sha256 !== f.sha256 || got.size !== f.size)
        problems.push(
          `${f.path} has SHA-256 ${got.sha256} (${got.size} bytes), the manifest says ${f.sha256} (${f.size} bytes)`,
        );
    }
    let dump: DatabaseDump | undefined;
    if (dialect === 'postgres' && problems.length === 0) {
      dump = (await pgSnapshots()).parseDump(await readFile(join(snap, 'database', 'tables.json'), 'utf8'));
      for (const t of dump.tables)
        if (!manifest.files.some((f) => f.path === `snapshots/${id}/database/${t.name}.copy`))
          problems.push(`snapshots/${id}/database/${t.name}.copy is not in the manifest`);
    }
    // A schema this code cannot rebuild or open is refused before the passphrase is even tried.
    if (dump) checkMigrations(dump.migrations, true);
    else if (problems.length === 0) checkMigrations(sqliteMigrations(join(snap, 'database.sqlite')), false);
    // The keys open (one scrypt, on the thread pool) while the blobs are copied; no blob takes
    // its place before they have: a wrong passphrase still writes nothing.
    const opening =
      problems.length === 0
        ? openKeys(await readFile(join(snap, 'keys.enc'), 'utf8'), passphrase)
        : Promise.resolve<KeyFiles>({});
    opening.catch(() => {}); // awaited below; a failure meanwhile is not unhandled

    const store = await openBlobStore(config);
    let created: string[] = [];
    try {
      const blobs = await restoreBlobs(store.blobs, manifest.blobs, repo, problems.length === 0, opening);
      created = blobs.created;
      problems.push(...blobs.problems);
      if (problems.length > 0) throw new BackupCorruptError(problems);
      const keys = await opening;
      await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
      await mkdir(join(config.keysDir, 'retired'), { recursive: true, mode: 0o700 });
      for (const [name, text] of Object.entries(keys))
        await writeFile(join(config.keysDir, name), text, { mode: 0o600, flag: 'wx' });
      try {
        if (dump) await restorePostgres(config.databaseUrl!, join(snap, 'database'), dump);
        else await copySqlite(join(snap, 'database.sqlite'), dbTarget);
        // Durable before it reports success: the keys, the database file, their directories.
        await fsyncPaths([
          ...Object.keys(keys).map((name) => join(config.keysDir, name)),
          ...(dump ? [] : [dbTarget]),
          join(config.keysDir, 'retired'),
          config.keysDir,
          config.dataDir,
        ]);
      } catch (err) {
        for (const name of Object.keys(keys)) await rm(join(config.keysDir, name), { force: true });
        throw err;
      }
    } catch (err) {
      // What this restore stored goes again: the target is as empty as it was.
      for (const sha of created) await store.blobs.remove(sha).catch(() => false);
      throw err;
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
      dialect,
      logSize: manifest.logSize,
      items: manifest.items,
      blobs: manifest.blobs.length,
      checkpointFile,
    };
  } finally {
    if (fromTar) await rm(repo, { recursive: true, force: true });
  }
}

/** pgSnapshots loads the PostgreSQL export (and the pg driver) only for a PostgreSQL deployment. */
const pgSnapshots = () => import('./pg-snapshot.js');

async function copySqlite(from: string, to: string): Promise<void> {
  // COPYFILE_EXCL: never over a database that appeared meanwhile; the kernel copies the bytes.
  await copyFile(from, to, fsConstants.COPYFILE_EXCL);
  await chmod(to, 0o600);
}

/** sqliteMigrations lists the migrations a snapshot's SQLite copy had run, in order. */
function sqliteMigrations(dbFile: string): string[] {
  const db = new SQLite(dbFile, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'")
      .get();
    if (!table) return [];
    return (db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map(
      (r) => String(r.name),
    );
  } finally {
    db.close();
  }
}

/**
 * checkMigrations refuses a snapshot whose schema this code cannot rebuild or open: a migration
 * it does not know is a backup from a newer Attest (BACKUP_UNSUPPORTED: the backup is sound, this
 * version is too old for it). With `exact` (a PostgreSQL dump, whose rows are loaded into a schema
 * rebuilt by running migrations up to its last), a set that is not every known migration up to
 * its last is no schema this code rebuilds (BACKUP_INVALID). A SQLite copy is opened as it is, and
 * the migrator runs what it lacks (unordered migrations are allowed), so only the first applies.
 * Either way nothing has been written yet.
 */
function checkMigrations(ran: readonly string[], exact: boolean): void {
  const known = migrationNames();
  const unknown = ran.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw new StoreError(
      'BACKUP_UNSUPPORTED',
      `the backup was taken by a newer Attest (migrations ${unknown.join(', ')}): restore it with that version or later`,
    );
  if (!exact) return;
  const last = ran.at(-1);
  const expected = last ? known.filter((m) => m <= last) : [];
  if (expected.join() !== ran.join())
    throw new StoreError('BACKUP_INVALID', "the backup's schema is not one this version of Attest made");
}

/** restorePostgres builds the backup's schema in the empty database, then loads the rows. */
async function restorePostgres(url: string, dir: string, dump: DatabaseDump): Promise<void> {
  const { dropSchemaObjects, loadDump } = await pgSnapshots();
  try {
    const handle = await openDatabase({ databaseUrl: url, dataDir: dir, migrate: false });
    try {
      const last = dump.migrations.at(-1);
      if (last) await migrateUpTo(handle.db, last);
    } finally {
      await handle.close();
    }
    await loadDump(url, dir, dump);
  } catch (err) {
    // The database was empty when the restore began: leave it so, for the next attempt.
    await dropSchemaObjects(url).catch(() => {});
    throw err;
  }
}
