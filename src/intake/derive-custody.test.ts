/**
 * derive-custody.test.ts — a derived item is recorded like an ingested one (issue 18.1): its
 * `derive` entry commits to its provenance record, `attest verify` accepts it, and an edit of its
 * provenance in SQL is named; its staged bytes are held until recorded (issue 18.9).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { itemEntries, verifyCustody } from '../custody/index.js';
import { addContent, checkItemsAgainstLog, findUnreferencedBlobs } from '../vault/index.js';
import { recordDerivatives } from './derive.js';

const codes = (problems: { code: string; subject: string }[]) =>
  problems.map((p) => `${p.code} ${p.subject}`);

for (const dialect of DIALECTS) {
  describe(`${dialect}: derived items in the custody log (issue 18.1)`, () => {
    let s: TestStore;
    afterEach(async () => s?.close());

    it("commits to a derivative's provenance, verifies clean, and names an edit of it", async () => {
      s = await openTestStore(dialect);
      const parent = await addContent(s.ctx, Readable.from([Buffer.from('%PDF-1.4 synthetic')]), {
        originalName: 'report.pdf',
        provenance: { source: 'synthetic', collectedAt: 'unknown', collectedBy: 'unknown' },
        compartment: 'witness',
        actor: 'user-1',
      });
      const [derived] = await recordDerivatives(
        s.ctx,
        parent.item,
        [
          {
            kind: 'text',
            key: 'all',
            content: Buffer.from('النص المستخرج — extracted text'),
            mediaType: 'text/plain; charset=utf-8',
            originalName: 'report.txt',
            tool: 'test-extractor',
            toolVersion: '1',
          },
        ],
        'worker-1',
      );
      const [entry] = await itemEntries(s.ctx, derived!.item.id);
      assert.equal(entry!.kind, 'derive');
      assert.match(String(entry!.data?.provenanceSha256), /^[0-9a-f]{64}$/);
      const verify = () => verifyCustody(s.ctx, [], { itemCheck: checkItemsAgainstLog });
      assert.deepEqual(await verify(), []);
      assert.deepEqual(await findUnreferencedBlobs(s.ctx), [], 'the staged bytes are the item now');
      assert.equal(await s.ctx.db.selectFrom('blob_hold').select('id').executeTakeFirst(), undefined);

      await s.ctx.db
        .updateTable('item')
        .set({ title: 'renamed in SQL' })
        .where('id', '=', derived!.item.id)
        .execute();
      assert.deepEqual(codes(await verify()), [`item-provenance-altered ${derived!.item.ern}`]);
    });
  });
}
