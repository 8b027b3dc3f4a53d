import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('copies files of every size with exactly the mode asked (not the source’s), bytes unchanged', async () => {
    const sizes = [0, 1, 70_000, 4 << 20, (4 << 20) + 1, 9 << 20];
    const files = sizes.map((n, i) => {
      const b = Buffer.alloc(n, i + 7);
      const p = join(dir, `copy-src-${i}`);
      writeFileSync(p, b, { mode: 0o644 });
      return { p, b, dst: join(dir, `copy-dst-${i}`) };
    });
    const got = await Promise.all(
      files.map((f, i) => pool.hash(f.p, f.dst, { mode: i % 2 ? 0o400 : 0o600 })),
    );
    assert.deepEqual(
      got,
      files.map((f) => ({ sha256: sha(f.b), size: f.b.length })),
    );
    files.forEach((f, i) => {
      assert.deepEqual(readFileSync(f.dst), f.b, `copy ${i}`);
      assert.equal(statSync(f.dst).mode & 0o777, i % 2 ? 0o400 : 0o600, `mode of copy ${i}`);
    });
  });

  it('writes no more than `max` bytes of a longer file, and still hashes all of it', async () => {
    const b = Buffer.alloc(5 << 20, 3);
    writeFileSync(join(dir, 'long'), b);
    const got = await pool.hash(join(dir, 'long'), join(dir, 'long-copy'), { mode: 0o600, max: 1000 });
    assert.deepEqual(got, { sha256: sha(b), size: b.length });
    assert.ok(statSync(join(dir, 'long-copy')).size <= 1000);
  });

  it('never copies through a symbolic link', async () => {
    writeFileSync(join(dir, 'secret'), 'outside the bag');
    symlinkSync(join(dir, 'secret'), join(dir, 'link-to-copy'));
    const got = await pool.hash(join(dir, 'link-to-copy'), join(dir, 'link-copy'), { mode: 0o600 });
    assert.equal('error' in got && got.error, 'not-a-file');
    assert.equal(existsSync(join(dir, 'link-copy')), false);
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
