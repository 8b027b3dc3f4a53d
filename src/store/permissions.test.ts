/**
 * permissions.test.ts — the data directory keeps evidence records to the server's user (issue
 * 12.13): `attest init` in a new directory creates it 0700 and the SQLite file 0600, SQLite's
 * -wal/-shm follow, and a database file left readable by others is tightened when opened. The
 * process umask is cleared for the test, so nothing relies on a careful operator's umask.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../test/support/cli.js';
import { scratchDir } from '../../test/support/stores.js';
import { openDatabase } from './db.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('data file permissions (issue 12.13)', () => {
  let dir: string;
  let umask: number;
  before(() => {
    dir = scratchDir('perm-');
    umask = process.umask(0);
  });
  after(() => {
    process.umask(umask);
  });

  it('attest init creates the data directory 0700, the database 0600 and the key 0600', async () => {
    const data = join(dir, 'new', 'data');
    const r = await runCli(['init'], { ATTEST_DATA: data, DATABASE_URL: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mode(data).toString(8), '700');
    assert.equal(mode(join(data, 'attest.sqlite')).toString(8), '600');
    assert.equal(mode(join(data, 'keys')).toString(8), '700');
    assert.equal(mode(join(data, 'keys', 'custody-log.key')).toString(8), '600');
    assert.equal(mode(join(data, 'blobs')).toString(8), '700');
  });

  it('gives SQLite’s -wal and -shm the database file’s 0600 while it is open', async () => {
    const data = join(dir, 'open');
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: data });
    try {
      const file = join(data, 'attest.sqlite');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        assert.ok(existsSync(f), `${f} exists while the database is open`);
        assert.equal(mode(f).toString(8), '600', f);
      }
    } finally {
      await handle.close();
    }
  });

  it('tightens a database file that others could read, and leaves an existing directory as it is', async () => {
    const data = join(dir, 'existing');
    mkdirSync(data, { mode: 0o750 });
    writeFileSync(join(data, 'attest.sqlite'), '', { mode: 0o644 });
    assert.equal(mode(join(data, 'attest.sqlite')).toString(8), '644');
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: data });
    await handle.close();
    assert.equal(mode(join(data, 'attest.sqlite')).toString(8), '600');
    assert.equal(mode(data).toString(8), '750', "the operator's directory keeps its mode");
  });
});
