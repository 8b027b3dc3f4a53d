import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scratchDir } from '../../test/support/stores.js';
import {
  copyVerified,
  SYNCFS_BATCH,
  SyncQueue,
  syncFileSystems,
  type VerifiedCopy,
} from './verified-copy.js';

describe('copyVerified', () => {
  let dir: string;
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  before(() => {
    dir = scratchDir('attest-verified-copy-');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** files writes `n` source files and returns copies of them into `to`, the last `bad` of them lying about their hash. */
  function copies(name: string, n: number, bad = 0): VerifiedCopy[] {
    const src = join(dir, name, 'src');
    const to = join(dir, name, 'to');
    mkdirSync(src, { recursive: true });
    mkdirSync(to, { recursive: true });
    return Array.from({ length: n }, (_, i) => {
      const b = Buffer.alloc(70_000 + i, i + 1);
      writeFileSync(join(src, `f${i}`), b);
      const h = i >= n - bad ? sha(Buffer.from(`not file ${i}`)) : sha(b);
      return {
        from: join(src, `f${i}`),
        sha256: h,
        size: b.length,
        to: { path: join(to, h), tmp: join(to, `${h}.tmp`) },
      };
    });
  }

  it('places every copy under its name with the bytes of its source, and leaves no temporary file', async () => {
    const cs = copies('all-good', 40);
    const r = await copyVerified(cs, { mode: 0o600, allOrNothing: true });
    assert.deepEqual(r.problems, []);
    assert.equal(r.placed.length, 40);
    for (const c of cs) assert.deepEqual(readFileSync(c.to!.path), readFileSync(c.from));
    assert.deepEqual(readdirSync(join(dir, 'all-good', 'to')).sort(), cs.map((c) => c.sha256).sort());
  });

  it('with allOrNothing, places nothing when the last file is damaged (after the others were written and queued for fsync)', async () => {
    const cs = copies('last-bad', 40, 1);
    const r = await copyVerified(cs, { mode: 0o600, allOrNothing: true });
    assert.equal(r.placed.length, 0);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.copy, cs[39]);
    assert.deepEqual(readdirSync(join(dir, 'last-bad', 'to')), []);
  });

  it('without allOrNothing, places the good copies and names the damaged one', async () => {
    const cs = copies('some-bad', 10, 2);
    const r = await copyVerified(cs, { mode: 0o600, allOrNothing: false });
    assert.equal(r.placed.length, 8);
    assert.deepEqual(
      r.problems.map((p) => p.copy),
      cs.slice(8),
    );
    for (const c of cs) assert.equal(existsSync(c.to!.path), !cs.slice(8).includes(c), c.from);
    assert.equal(readdirSync(join(dir, 'some-bad', 'to')).length, 8);
  });

  it('makes a large batch durable with one syncfs and places it whole; a damaged one places nothing', async () => {
    const cs = copies('large', SYNCFS_BATCH + 6);
    const r = await copyVerified(cs, { mode: 0o600, allOrNothing: true });
    assert.deepEqual([r.placed.length, r.problems.length], [cs.length, 0]);
    for (const c of cs) assert.deepEqual(readFileSync(c.to!.path), readFileSync(c.from));
    assert.equal(readdirSync(join(dir, 'large', 'to')).length, cs.length, 'no temporary file left');
    const bad = copies('large-bad', SYNCFS_BATCH + 1, 1);
    const r2 = await copyVerified(bad, { mode: 0o600, allOrNothing: true });
    assert.deepEqual([r2.placed.length, r2.problems.length], [0, 1]);
    assert.deepEqual(readdirSync(join(dir, 'large-bad', 'to')), []);
  });

  it('syncs each file system once, and says so when a path is not there', async () => {
    await syncFileSystems([dir, join(dir, 'large', 'to'), join(dir, 'large', 'src')]);
    await assert.rejects(syncFileSystems([join(dir, 'no-such-folder')]), /ENOENT/);
  });

  it('places nothing and throws when `ready` rejects, removing what it wrote', async () => {
    const cs = copies('refused', 12);
    await assert.rejects(
      copyVerified(cs, {
        mode: 0o600,
        allOrNothing: true,
        ready: Promise.reject(new Error('wrong passphrase')),
      }),
      /wrong passphrase/,
    );
    assert.deepEqual(readdirSync(join(dir, 'refused', 'to')), []);
  });
});

describe('SyncQueue', () => {
  it('fsyncs what it is given and reports the first failure when drained', async () => {
    const dir = scratchDir('attest-sync-queue-');
    try {
      const q = new SyncQueue(2);
      for (let i = 0; i < 5; i++) {
        writeFileSync(join(dir, `f${i}`), `bytes ${i}`);
        q.add(join(dir, `f${i}`));
      }
      await q.drain();
      q.add(join(dir, 'no-such-file'));
      q.add(join(dir, 'f0'));
      await assert.rejects(q.drain(), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
