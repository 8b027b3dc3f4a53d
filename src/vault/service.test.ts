import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { sha256Hex } from '../lib/hash.js';
import type { LocalBlobStore } from '../store/blobs.js';
import { VaultError } from './errors.js';
import { addContent, getItem, listItems, readVerified } from './service.js';
import { verifyVault } from './verify.js';

const provenance = { source: 'synthetic test source', collectedAt: '2016-12-15', collectedBy: 'monitor-01' };
const input = (name: string, extra: object = {}) => ({
  originalName: name,
  provenance,
  actor: 'user-test',
  ...extra,
});
const bytes = (s: string) => Readable.from([Buffer.from(s)]);

for (const dialect of DIALECTS) {
  describe(`${dialect}: vault`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
    });
    after(async () => s.close());

    it('adds content with an ERN, its hash, a sniffed media type and UTC provenance', async () => {
      const out = await addContent(s.ctx, bytes('checkpoint report — تقرير'), input('report.pdf'));
      assert.equal(out.status, 'added');
      assert.equal(out.item.ern, 'ATT-000001');
      assert.equal(out.item.sha256, sha256Hex('checkpoint report — تقرير'));
      assert.equal(
        out.item.mediaType,
        'text/plain; charset=utf-8',
        'type comes from bytes, not the .pdf name',
      );
      assert.equal(out.item.collectedAt, '2016-12-15T00:00:00.000Z');
      assert.deepEqual(await getItem(s.ctx, 'ATT-000001'), out.item);
    });

    it('reports the existing item for the same bytes, and records a second one only when asked', async () => {
      const again = await addContent(s.ctx, bytes('checkpoint report — تقرير'), input('copy.txt'));
      assert.equal(again.status, 'duplicate');
      assert.equal(again.item.ern, 'ATT-000001');
      const second = await addContent(
        s.ctx,
        bytes('checkpoint report — تقرير'),
        input('copy.txt', { allowDuplicate: true, provenance: { ...provenance, source: 'second channel' } }),
      );
      assert.equal(second.status, 'added');
      assert.equal(second.item.ern, 'ATT-000002');
      assert.equal(second.item.sha256, again.item.sha256);
      const blobs = await s.ctx.db.selectFrom('blob').selectAll().execute();
      assert.equal(blobs.length, 1, 'identical content is stored once');
    });

    it('rejects missing provenance and stores nothing', async () => {
      const before = await s.ctx.db.selectFrom('item').select('id').execute();
      await assert.rejects(
        addContent(s.ctx, bytes('x'), { originalName: 'x', provenance: { source: 'a' }, actor: 'u' }),
        (e: unknown) => e instanceof VaultError && e.code === 'INVALID_PROVENANCE',
      );
      await assert.rejects(
        addContent(
          s.ctx,
          bytes('x'),
          input('x', { provenance: { ...provenance, collectedAt: '15/12/2016' } }),
        ),
        (e: unknown) => e instanceof VaultError && e.code === 'INVALID_PROVENANCE',
      );
      assert.equal((await s.ctx.db.selectFrom('item').select('id').execute()).length, before.length);
    });

    it('accepts provenance explicitly marked unknown', async () => {
      const out = await addContent(
        s.ctx,
        bytes('anonymous tip'),
        input('tip.txt', {
          provenance: { source: 'unknown', collectedAt: 'unknown', collectedBy: 'unknown' },
        }),
      );
      assert.equal(out.item.collectedAt, 'unknown');
    });

    it('refuses content over the size limit and keeps no partial file', async () => {
      const big = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
      const small = { ...s.ctx, config: { ...s.ctx.config, maxItemBytes: 1000 } };
      await assert.rejects(addContent(small, big, input('big.bin')), /exceeds the limit/);
      assert.deepEqual(readdirSync(join(s.dir, 'blobs', 'tmp')), []);
    });

    it('lists by compartment in the query, with a cursor', async () => {
      await addContent(
        s.ctx,
        bytes('protected statement'),
        input('w.txt', { compartment: 'witness-protection' }),
      );
      const general = await listItems(s.ctx, { compartments: ['general'] });
      assert.ok(general.every((i) => i.compartment === 'general'));
      assert.equal((await listItems(s.ctx, { compartments: [] })).length, 0);
      const page1 = await listItems(s.ctx, { limit: 2 });
      const page2 = await listItems(s.ctx, { limit: 2, afterSeq: 2 });
      assert.deepEqual(
        page1.map((i) => i.ern),
        ['ATT-000001', 'ATT-000002'],
      );
      assert.equal(page2[0]?.ern, 'ATT-000003');
    });

    it('rejects malformed ERNs and reports unknown ones', async () => {
      await assert.rejects(
        getItem(s.ctx, '../../etc/passwd'),
        (e: unknown) => (e as VaultError).code === 'INVALID_ERN',
      );
      await assert.rejects(
        getItem(s.ctx, 'ATT-999999'),
        (e: unknown) => (e as VaultError).code === 'NOT_FOUND',
      );
    });

    it('verifies clean, then names the ERN of a blob with one byte flipped', async () => {
      assert.deepEqual(await verifyVault(s.ctx), []);
      const item = await getItem(s.ctx, 'ATT-000001');
      const path = (s.ctx.blobs as LocalBlobStore).pathOf(item.sha256);
      chmodSync(path, 0o600);
      const b = readFileSync(path);
      b[3] = b[3]! ^ 0x01;
      writeFileSync(path, b);
      const problems = await verifyVault(s.ctx);
      const codes = problems.map((p) => `${p.code} ${p.subject}`);
      assert.ok(codes.includes('item-corrupt ATT-000001'), `got ${codes}`);
      assert.ok(codes.includes('item-corrupt ATT-000002'), 'every item sharing the blob is named');
      await assert.rejects(
        readVerified(s.ctx, item, () => {}),
        (e: unknown) => (e as VaultError).code === 'INTEGRITY',
      );
    });
  });
}
