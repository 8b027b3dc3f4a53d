/**
 * backup.test.ts — `attest backup` under write load and `attest restore` into an empty data
 * directory (issue 21.3): the restored items and log equal the snapshot's, `attest verify
 * --checkpoint` with the checkpoint saved at backup time passes, a second backup copies only new
 * blobs, the keys need the passphrase, and a corrupted backup file is named with nothing written.
 * The same suite runs on SQLite and on PostgreSQL (a REPEATABLE READ export, restored into a new
 * empty database).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  cpSync,
  createWriteStream,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import tar from 'tar-stream';
import { runCli, spawnCli } from '../../../test/support/cli.js';
import { startTestS3 } from '../../../test/support/s3.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../../test/support/stores.js';
import { loadConfig } from '../../config.js';
import { restoreDeployment } from '../../store/backup/backup.js';
import { StoreError } from '../../store/errors.js';
import { openStore } from '../../store/open.js';
import { addContent } from '../../vault/index.js';

const PASS = 'a long synthetic passphrase';

/** spawnedCli runs `attest args…` as a child process and collects its output. */
async function spawnedCli(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  return { code, stdout, stderr };
}
/** filesUnder lists the files (not directories) under `dir`, none when it does not exist. */
const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];
const provenance = { source: 'synthetic test source', collectedAt: '2016-12-15', collectedBy: 'monitor-01' };

for (const dialect of DIALECTS)
  describe(`${dialect}: attest backup and restore (issue 21.3)`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    const backups = () => join(dir, 'backups');
    let firstBlobs = 0;
    /** target is the environment of an empty deployment to restore into (a new database on PostgreSQL). */
    const target = async (name: string): Promise<NodeJS.ProcessEnv> => ({
      ATTEST_DATA: join(dir, name),
      ATTEST_BACKUP_PASSPHRASE: PASS,
      ...(dialect === 'postgres' ? { DATABASE_URL: await createPgDatabase() } : {}),
    });
    /** restoredDb tells whether `t` holds a database now. */
    const hasDatabase = async (t: NodeJS.ProcessEnv): Promise<boolean> => {
      if (dialect === 'sqlite') return existsSync(join(t.ATTEST_DATA!, 'attest.sqlite'));
      const c = new pg.Client({ connectionString: t.DATABASE_URL });
      await c.connect();
      try {
        const r = await c.query(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`,
        );
        return r.rows[0].n > 0;
      } finally {
        await c.end();
      }
    };
    before(async () => {
      dir = scratchDir('backup-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        ATTEST_BACKUP_PASSPHRASE: PASS,
        ...(dialect === 'postgres' ? { DATABASE_URL: await createPgDatabase() } : {}),
      };
      const file = join(dir, 'first.txt');
      writeFileSync(file, 'شهادة أولى — first statement');
      const r = await runCli(
        ['add', '--source', 's', '--collected-by', 'm', '--collected-at', '2016-12-18', file],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
    });

    it('takes a snapshot while another connection keeps adding items, and restores exactly it', async () => {
      const writer = await openStore(loadConfig(env));
      let stop = false;
      let added = 0;
      const load = (async () => {
        while (!stop) {
          await addContent(writer.ctx, Readable.from([Buffer.from(`under load ${added}`)]), {
            originalName: `load-${added}.txt`,
            provenance,
            actor: 'user-load',
          });
          added++;
        }
      })();
      let backup: { id: string; items: number; logSize: number; blobs: number; blobsCopied: number };
      try {
        while (added < 5) await new Promise((r) => setTimeout(r, 10));
        // A process of its own, as in production: better-sqlite3 is synchronous, so in this
        // process a statement waiting for the writer's lock would stall the writer too.
        const r = await spawnedCli(['backup', '--out', backups(), '--json'], env);
        assert.equal(r.code, 0, r.stderr);
        backup = JSON.parse(r.stdout);
      } finally {
        stop = true;
        await load;
        await writer.close();
      }
      assert.ok(backup.items >= 6, `items in the snapshot: ${backup.items}`);
      assert.equal(backup.blobsCopied, backup.blobs);
      firstBlobs = backup.blobs;
      const target1 = await target('restored');
      const restored = await runCli(['restore', backups(), '--json'], target1);
      assert.equal(restored.code, 0, restored.stderr);
      const r = JSON.parse(restored.stdout);
      assert.equal(r.items, backup.items);
      const verify = await runCli(['verify', '--checkpoint', r.checkpointFile], target1);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      const check = await openStore(loadConfig(target1));
      const source = await openStore(loadConfig(env));
      try {
        // The restored items are exactly the source's first `backup.items` (ERNs are dense and in
        // commit order), field by field; the log is the source's first `backup.logSize` entries.
        const items = await check.ctx.db.selectFrom('item').selectAll().orderBy('ern').execute();
        assert.equal(items.length, backup.items);
        const sourceItems = await source.ctx.db
          .selectFrom('item')
          .selectAll()
          .orderBy('ern')
          .limit(backup.items)
          .execute();
        assert.deepEqual(items, sourceItems);
        const entries = await check.ctx.db
          .selectFrom('custody_entry')
          .select(['seq', 'leaf_hash'])
          .orderBy('seq')
          .execute();
        const sourceEntries = await source.ctx.db
          .selectFrom('custody_entry')
          .select(['seq', 'leaf_hash'])
          .orderBy('seq')
          .limit(backup.logSize)
          .execute();
        assert.deepEqual(
          entries.slice(0, backup.logSize),
          sourceEntries,
          "the snapshot's log, entry for entry",
        );
      } finally {
        await check.close();
        await source.close();
      }
      const list = await runCli(['get', 'ATT-000001', '--out', join(dir, 'first-copy.txt')], target1);
      assert.equal(list.code, 0, list.stderr);
      assert.equal(readFileSync(join(dir, 'first-copy.txt'), 'utf8'), 'شهادة أولى — first statement');
      // The counters came along: the next item continues the ERN sequence of the snapshot.
      const next = join(dir, 'after-restore.txt');
      writeFileSync(next, 'recorded after the restore');
      const added2 = await runCli(
        ['add', '--source', 's', '--collected-by', 'm', '--collected-at', '2016-12-19', '--json', next],
        target1,
      );
      assert.equal(added2.code, 0, added2.stderr);
      assert.match(added2.stdout, new RegExp(`ATT-${String(backup.items + 1).padStart(6, '0')}`));
    });

    it('a second backup into the same directory copies only the new blobs', async () => {
      const file = join(dir, 'second.txt');
      writeFileSync(file, 'one more statement');
      await runCli(
        ['add', '--source', 's', '--collected-by', 'm', '--collected-at', '2016-12-18', file],
        env,
      );
      const r = await runCli(['backup', '--out', backups(), '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const second = JSON.parse(r.stdout);
      assert.ok(second.blobs > firstBlobs);
      assert.equal(second.blobsCopied, second.blobs - firstBlobs, 'only the blobs the first backup lacks');
      assert.equal(readdirSync(join(backups(), 'snapshots')).length, 2);
    });

    it('a blob the backup directory holds at the wrong size is copied again, whole', async () => {
      const folder = join(backups(), 'blobs', 'sha256');
      const sub = readdirSync(folder).sort()[0]!;
      const name = readdirSync(join(folder, sub)).sort()[0]!;
      const whole = readFileSync(join(folder, sub, name));
      writeFileSync(join(folder, sub, name), whole.subarray(0, Math.floor(whole.length / 2)));
      const r = await runCli(['backup', '--out', backups(), '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).blobsCopied, 1, 'only the damaged one');
      assert.deepEqual(readFileSync(join(folder, sub, name)), whole);
    });

    it('writes and restores a single .tar file', async () => {
      const tarFile = join(dir, 'backup.tar');
      const r = await runCli(['backup', '--out', tarFile], env);
      assert.equal(r.code, 0, r.stderr);
      const fromTar = await target('from-tar');
      const restored = await runCli(['restore', tarFile, '--json'], fromTar);
      assert.equal(restored.code, 0, restored.stderr);
      const verify = await runCli(
        ['verify', '--checkpoint', JSON.parse(restored.stdout).checkpointFile],
        fromTar,
      );
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    });

    it('refuses a wrong passphrase, a data directory in use, and a missing passphrase, writing nothing', async () => {
      const wrongTarget = await target('wrong');
      const wrongEnv = { ...wrongTarget, ATTEST_BACKUP_PASSPHRASE: 'not the passphrase' };
      const wrong = await runCli(['restore', backups()], wrongEnv);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /wrong passphrase/);
      assert.equal(await hasDatabase(wrongEnv), false);
      // The blobs were being copied while the keys opened: none took its place, no copy is left.
      assert.deepEqual(filesUnder(join(wrongTarget.ATTEST_DATA!, 'blobs')), []);
      const inUse = await runCli(['restore', backups()], env);
      assert.notEqual(inUse.code, 0);
      assert.match(
        inUse.stderr,
        dialect === 'sqlite' ? /empty data directory/ : /restore only into an empty database/,
      );
      // A backup of the other tier is refused by name.
      if (dialect === 'postgres' || process.env.ATTEST_TEST_PG_URL) {
        const other = await runCli(['restore', backups()], {
          ATTEST_DATA: join(dir, 'other'),
          ATTEST_BACKUP_PASSPHRASE: PASS,
          ...(dialect === 'sqlite' ? { DATABASE_URL: await createPgDatabase() } : {}),
        });
        assert.notEqual(other.code, 0);
        assert.match(other.stderr, /this backup is of an? (embedded|PostgreSQL)/);
      }
      const none = await runCli(['backup', '--out', backups()], { ATTEST_DATA: env.ATTEST_DATA });
      assert.equal(none.code, 2);
      assert.match(none.stderr, /ATTEST_BACKUP_PASSPHRASE/);
    });

    it('refuses a newer Attest’s snapshot — a later format, or migrations this version lacks — writing nothing', async () => {
      const copy = (name: string) => {
        const to = join(dir, name);
        cpSync(backups(), to, { recursive: true });
        const id = readdirSync(join(to, 'snapshots')).sort().at(-1)!;
        return { repo: to, id, snap: join(to, 'snapshots', id) };
      };
      const later = copy('later-format');
      const m1 = JSON.parse(readFileSync(join(later.snap, 'manifest.json'), 'utf8'));
      writeFileSync(join(later.snap, 'manifest.json'), JSON.stringify({ ...m1, format: 'attest-backup/2' }));
      const t1 = await target('later-format-target');
      const r1 = await runCli(['restore', later.repo], t1);
      assert.equal(r1.code, 1);
      assert.match(r1.stderr, /format attest-backup\/2, which this version of Attest cannot read/);
      assert.equal(await hasDatabase(t1), false);
      // Not a format at all is still a damaged manifest.
      writeFileSync(join(later.snap, 'manifest.json'), JSON.stringify({ ...m1, format: 'attest-backup/2x' }));
      const r1b = await runCli(['restore', later.repo], t1);
      assert.match(r1b.stderr, /is not an attest-backup\/1 manifest/);

      // A migration from the future in the snapshot's database, the manifest vouching for it.
      const future = copy('future-schema');
      const name = dialect === 'sqlite' ? 'database.sqlite' : 'database/tables.json';
      const file = join(future.snap, name);
      if (dialect === 'sqlite') {
        const db = new SQLite(file);
        db.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run(
          '9999-from-the-future',
          '2026-12-03T00:00:00.000Z',
        );
        db.close();
      } else {
        const tables = JSON.parse(readFileSync(file, 'utf8'));
        tables.migrations.push('9999-from-the-future');
        writeFileSync(file, JSON.stringify(tables));
      }
      const manifest = JSON.parse(readFileSync(join(future.snap, 'manifest.json'), 'utf8'));
      const entry = manifest.files.find((f: { path: string }) => f.path === `snapshots/${future.id}/${name}`);
      const bytes = readFileSync(file);
      entry.sha256 = createHash('sha256').update(bytes).digest('hex');
      entry.size = bytes.length;
      writeFileSync(join(future.snap, 'manifest.json'), JSON.stringify(manifest));
      const t2 = await target('future-target');
      await assert.rejects(
        restoreDeployment(loadConfig(t2), future.repo, PASS),
        (err: unknown) =>
          err instanceof StoreError &&
          err.code === 'BACKUP_UNSUPPORTED' &&
          /taken by a newer Attest \(migrations 9999-from-the-future\)/.test(err.message),
      );
      assert.equal(await hasDatabase(t2), false, 'nothing written');
      assert.equal(existsSync(join(t2.ATTEST_DATA!, 'keys', 'custody-log.key')), false);
    });

    it('names each corrupted file of the backup and writes nothing', async () => {
      const snaps = readdirSync(join(backups(), 'snapshots')).sort();
      const snap = join(backups(), 'snapshots', snaps.at(-1)!);
      const manifest = JSON.parse(readFileSync(join(snap, 'manifest.json'), 'utf8'));
      const blob = manifest.blobs[0].sha256 as string;
      const blobFile = join(backups(), 'blobs', 'sha256', blob.slice(0, 2), blob);
      writeFileSync(blobFile, 'flipped bytes');
      // The database file: the SQLite copy, or the custody log's COPY file of the PostgreSQL dump.
      const dbName = dialect === 'sqlite' ? 'database.sqlite' : 'database/custody_entry.copy';
      const db = join(snap, dbName);
      const bytes = readFileSync(db);
      bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 1;
      writeFileSync(db, bytes);
      const corrupt = await target('from-corrupt');
      const r = await runCli(['restore', backups()], corrupt);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(`backup-corrupt snapshots/${snaps.at(-1)}/${dbName.replace('.', '\\.')} has SHA-256`),
      );
      assert.match(r.stderr, new RegExp(`backup-corrupt blobs/sha256/${blob.slice(0, 2)}/${blob} re-hashes`));
      assert.equal(await hasDatabase(corrupt), false, 'nothing written');
      assert.deepEqual(filesUnder(join(corrupt.ATTEST_DATA!, 'blobs')), [], 'no blob placed, no copy left');
    });

    it('refuses a tar file holding anything a backup cannot hold (a path out of the folder)', async () => {
      const evil = join(dir, 'evil.tar');
      const pack = tar.pack();
      pack.entry({ name: '../../escaped.txt' }, 'outside');
      pack.finalize();
      await pipeline(pack, createWriteStream(evil));
      const r = await runCli(['restore', evil], await target('evil'));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /holds "\.\.\/\.\.\/escaped\.txt", which no backup holds/);
      assert.equal(existsSync(join(dir, '..', 'escaped.txt')), false);
    });
  });

describe('attest backup and restore with S3 blob stores (issue 21.3)', () => {
  it('copies each blob out of one S3 store into the backup and back into another S3 store; verify then passes', async () => {
    const from = await startTestS3();
    const to = await startTestS3();
    const dir = scratchDir('backup-s3-');
    try {
      const env = { ...from.env, ATTEST_DATA: join(dir, 'data'), ATTEST_BACKUP_PASSPHRASE: PASS };
      for (const [i, text] of ['شهادة من نقطة التفتيش', 'second statement', 'third'].entries()) {
        writeFileSync(join(dir, `s${i}.txt`), text);
        const a = await runCli(
          [
            'add',
            '--source',
            's',
            '--collected-by',
            'm',
            '--collected-at',
            '2016-12-18',
            join(dir, `s${i}.txt`),
          ],
          env,
        );
        assert.equal(a.code, 0, a.stderr);
      }
      const b = await runCli(['backup', '--out', join(dir, 'backups'), '--json'], env);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(JSON.parse(b.stdout).blobsCopied, 3);
      assert.equal(filesUnder(join(dir, 'backups', 'blobs')).length, 3, 'three blobs, no temporary left');
      const restored = { ...to.env, ATTEST_DATA: join(dir, 'restored'), ATTEST_BACKUP_PASSPHRASE: PASS };
      const r = await runCli(['restore', join(dir, 'backups')], restored);
      assert.equal(r.code, 0, r.stderr);
      const v = await runCli(['verify'], restored);
      assert.equal(v.code, 0, `${v.stdout}${v.stderr}`);
    } finally {
      await from.stop();
      await to.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
