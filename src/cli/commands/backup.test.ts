/**
 * backup.test.ts — `attest backup` under write load and `attest restore` into an empty data
 * directory (issue 21.3): the restored items and log equal the snapshot's, `attest verify
 * --checkpoint` with the checkpoint saved at backup time passes, a second backup copies only new
 * blobs, the keys need the passphrase, and a corrupted backup file is named with nothing written.
 */
import assert from 'node:assert/strict';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { runCli } from '../../../test/support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../../test/support/stores.js';
import { loadConfig } from '../../config.js';
import { openStore } from '../../store/open.js';
import { addContent } from '../../vault/index.js';

const PASS = 'a long synthetic passphrase';
const provenance = { source: 'synthetic test source', collectedAt: '2016-12-15', collectedBy: 'monitor-01' };

describe('sqlite: attest backup and restore (issue 21.3)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const backups = () => join(dir, 'backups');
  let firstBlobs = 0;
  before(async () => {
    dir = scratchDir('backup-');
    env = { ATTEST_DATA: join(dir, 'data'), ATTEST_BACKUP_PASSPHRASE: PASS };
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
      const r = await runCli(['backup', '--out', backups(), '--json'], env);
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
    const target = { ATTEST_DATA: join(dir, 'restored'), ATTEST_BACKUP_PASSPHRASE: PASS };
    const restored = await runCli(['restore', backups(), '--json'], target);
    assert.equal(restored.code, 0, restored.stderr);
    const r = JSON.parse(restored.stdout);
    assert.equal(r.items, backup.items);
    const verify = await runCli(['verify', '--checkpoint', r.checkpointFile], target);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const check = await openStore(loadConfig(target));
    try {
      const items = await check.ctx.db.selectFrom('item').select('ern').execute();
      assert.equal(items.length, backup.items);
      const entries = await check.ctx.db.selectFrom('custody_entry').select('seq').execute();
      assert.ok(
        entries.length >= backup.logSize,
        'the restored log is the snapshot (plus what restore appends)',
      );
    } finally {
      await check.close();
    }
    const list = await runCli(['get', 'ATT-000001', '--out', join(dir, 'first-copy.txt')], target);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(readFileSync(join(dir, 'first-copy.txt'), 'utf8'), 'شهادة أولى — first statement');
  });

  it('a second backup into the same directory copies only the new blobs', async () => {
    const file = join(dir, 'second.txt');
    writeFileSync(file, 'one more statement');
    await runCli(['add', '--source', 's', '--collected-by', 'm', '--collected-at', '2016-12-18', file], env);
    const r = await runCli(['backup', '--out', backups(), '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const second = JSON.parse(r.stdout);
    assert.ok(second.blobs > firstBlobs);
    assert.equal(second.blobsCopied, second.blobs - firstBlobs, 'only the blobs the first backup lacks');
    assert.equal(readdirSync(join(backups(), 'snapshots')).length, 2);
  });

  it('writes and restores a single .tar file', async () => {
    const tarFile = join(dir, 'backup.tar');
    const r = await runCli(['backup', '--out', tarFile], env);
    assert.equal(r.code, 0, r.stderr);
    const target = { ATTEST_DATA: join(dir, 'from-tar'), ATTEST_BACKUP_PASSPHRASE: PASS };
    const restored = await runCli(['restore', tarFile, '--json'], target);
    assert.equal(restored.code, 0, restored.stderr);
    const verify = await runCli(
      ['verify', '--checkpoint', JSON.parse(restored.stdout).checkpointFile],
      target,
    );
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });

  it('refuses a wrong passphrase, a data directory in use, and a missing passphrase, writing nothing', async () => {
    const wrong = await runCli(['restore', backups()], {
      ATTEST_DATA: join(dir, 'wrong'),
      ATTEST_BACKUP_PASSPHRASE: 'not the passphrase',
    });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /wrong passphrase/);
    assert.equal(existsSync(join(dir, 'wrong', 'attest.sqlite')), false);
    const inUse = await runCli(['restore', backups()], env);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /empty data directory/);
    const none = await runCli(['backup', '--out', backups()], { ATTEST_DATA: env.ATTEST_DATA });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /ATTEST_BACKUP_PASSPHRASE/);
  });

  it('names each corrupted file of the backup and writes nothing', async () => {
    const snaps = readdirSync(join(backups(), 'snapshots')).sort();
    const snap = join(backups(), 'snapshots', snaps.at(-1)!);
    const manifest = JSON.parse(readFileSync(join(snap, 'manifest.json'), 'utf8'));
    const blob = manifest.blobs[0].sha256 as string;
    const blobFile = join(backups(), 'blobs', 'sha256', blob.slice(0, 2), blob);
    writeFileSync(blobFile, 'flipped bytes');
    const db = join(snap, 'database.sqlite');
    const bytes = readFileSync(db);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 1;
    writeFileSync(db, bytes);
    const target = join(dir, 'from-corrupt');
    const r = await runCli(['restore', backups()], { ATTEST_DATA: target, ATTEST_BACKUP_PASSPHRASE: PASS });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`backup-corrupt snapshots/${snaps.at(-1)}/database\\.sqlite has SHA-256`),
    );
    assert.match(r.stderr, new RegExp(`backup-corrupt blobs/sha256/${blob.slice(0, 2)}/${blob} re-hashes`));
    assert.equal(existsSync(join(target, 'attest.sqlite')), false, 'nothing written');
  });

  it('refuses a tar file holding anything a backup cannot hold (a path out of the folder)', async () => {
    const evil = join(dir, 'evil.tar');
    const pack = tar.pack();
    pack.entry({ name: '../../escaped.txt' }, 'outside');
    pack.finalize();
    await pipeline(pack, createWriteStream(evil));
    const r = await runCli(['restore', evil], {
      ATTEST_DATA: join(dir, 'evil'),
      ATTEST_BACKUP_PASSPHRASE: PASS,
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /holds "\.\.\/\.\.\/escaped\.txt", which no backup holds/);
    assert.equal(existsSync(join(dir, '..', 'escaped.txt')), false);
  });
});

describe('postgres: attest backup says what it does not cover yet', {
  skip: !DIALECTS.includes('postgres'),
}, () => {
  it('refuses with BACKUP_UNSUPPORTED and names pg_dump', async () => {
    const env = {
      ATTEST_DATA: join(scratchDir('backup-pg-'), 'data'),
      DATABASE_URL: await createPgDatabase(),
      ATTEST_BACKUP_PASSPHRASE: PASS,
    };
    const r = await runCli(['backup', '--out', join(env.ATTEST_DATA, '..', 'b')], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /SQLite\) only so far.*pg_dump/s);
  });
});
