import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scratchDir } from '../../test/support/stores.js';
import { FilePool } from './file-pool.js';

describe('FilePool', () => {
  let dir: string;
  let pool: FilePool;
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  before(() => {
    dir = scratchDir('attest-file-pool-');
    pool = new FilePool(2);
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hashes files of every size, several at once, as one-shot hashing does', async () => {
    // Sizes around the 4 MiB read buffer, and empty.
    const sizes = [0, 1, 4 << 20, (4 << 20) + 1, 9 << 20, 70_000];
    const files = sizes.map((n, i) => {
      const b = Buffer.alloc(n, i + 1);
      const p = join(dir, `f${i}`);
      writeFileSync(p, b);
      return { p, b };
    });
    const got = await Promise.all(files.map((f) => pool.hash(f.p)));
    assert.deepEqual(
      got,
      files.map((f) => ({ sha256: sha(f.b), size: f.b.length })),
    );
  });

  it('copies while hashing, and never overwrites a file', async () => {
    const src = join(dir, 'src');
    writeFileSync(src, 'evidence bytes');
    const dst = join(dir, 'dst');
    assert.deepEqual(await pool.hash(src, dst), { sha256: sha(Buffer.from('evidence bytes')), size: 14 });
    assert.equal(readFileSync(dst, 'utf8'), 'evidence bytes');
    const again = await pool.hash(src, dst);
    assert.equal('error' in again && again.error, 'exists');
  });

  it('names what it cannot hash: a missing file, a directory, a symbolic link (not followed)', async () => {
    mkdirSync(join(dir, 'a-dir'));
    writeFileSync(join(dir, 'target'), 'outside');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    const [missing, directory, link] = await Promise.all([
      pool.hash(join(dir, 'nope')),
      pool.hash(join(dir, 'a-dir')),
      pool.hash(join(dir, 'link')),
    ]);
    assert.equal('error' in missing && missing.error, 'missing');
    assert.equal('error' in directory && directory.error, 'not-a-file');
    assert.equal('error' in link && link.error, 'not-a-file');
  });
});
