import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import type { Ctx } from '../ctx.js';
import { itemEntries, verifyCustody as verifyLog } from '../custody/index.js';
import { amendItem } from './amend.js';
import { addContent } from './service.js';
import { checkItemsAgainstLog } from './verify-log.js';

const verifyCustody = (ctx: Ctx) => verifyLog(ctx, [], { itemCheck: checkItemsAgainstLog });

const provenance = {
  source: 'شاهد ٣ — field team',
  collectedAt: '2016-12-15T08:30:00Z',
  collectedBy: 'monitor-07',
};
const codes = (problems: { code: string; subject: string }[]) =>
  problems.map((p) => `${p.code} ${p.subject}`);

for (const dialect of DIALECTS) {
  describe(`${dialect}: provenance is committed to in the log (issue 18.1)`, () => {
    let s: TestStore;
    afterEach(async () => s?.close());

    async function fresh(): Promise<TestStore> {
      s = await openTestStore(dialect);
      for (let i = 0; i < 3; i++) {
        await addContent(s.ctx, Readable.from([Buffer.from(`evidence ${i}`)]), {
          originalName: `photo-${i}.jpg`,
          title: `Checkpoint photo ${i}`,
          provenance,
          compartment: 'witness',
          metadata: { camera: 'synthetic', gps: [36.2, 37.1] },
          actor: 'user-1',
        });
      }
      return s;
    }

    it('the ingest entry holds a salted hash of the provenance record, and no provenance text', async () => {
      await fresh();
      const row = await s.ctx.db
        .selectFrom('custody_entry')
        .select('payload')
        .where('seq', '=', 0)
        .executeTakeFirstOrThrow();
      const payload = JSON.parse(row.payload);
      assert.match(payload.provenanceSha256, /^[0-9a-f]{64}$/);
      assert.doesNotMatch(row.payload, /monitor-07|field team|شاهد|witness|photo-0|Checkpoint|synthetic/);
      assert.deepEqual(await verifyCustody(s.ctx), []);
    });

    for (const [column, value] of [
      ['source', 'another source'],
      ['collected_by', 'monitor-08'],
      ['collected_at', '2016-12-16T08:30:00.000Z'],
      ['title', 'A different title'],
      ['original_name', 'renamed.jpg'],
      ['compartment', 'general'],
      ['metadata', '{"camera":"other"}'],
      ['created_by', 'user-2'],
      ['parent_item_id', null],
    ] as const) {
      it(`names the item whose ${column} was edited in SQL`, async () => {
        await fresh();
        if (column === 'parent_item_id') {
          const first = await s.ctx.db
            .selectFrom('item')
            .select('id')
            .where('ern', '=', 'ATT-000001')
            .executeTakeFirstOrThrow();
          await s.ctx.db
            .updateTable('item')
            .set({ parent_item_id: first.id })
            .where('ern', '=', 'ATT-000002')
            .execute();
        } else {
          await s.ctx.db
            .updateTable('item')
            .set({ [column]: value })
            .where('ern', '=', 'ATT-000002')
            .execute();
        }
        assert.deepEqual(codes(await verifyCustody(s.ctx)), ['item-provenance-altered ATT-000002']);
      });
    }

    it('an amendment records who and why, commits to the new record, and verifies clean', async () => {
      await fresh();
      s.setTime('2016-12-20T10:00:00Z');
      const amended = await amendItem(
        s.ctx,
        'ATT-000002',
        { collectedBy: 'monitor-08', compartment: 'general' },
        { actor: 'user-3', reason: 'Collector misrecorded; checked against the team roster. نقل' },
      );
      assert.equal(amended.collectedBy, 'monitor-08');
      const entries = await itemEntries(s.ctx, amended.id);
      const amend = entries.at(-1)!;
      assert.equal(amend.kind, 'amend');
      assert.equal(amend.actor, 'user-3');
      assert.match(String(amend.data?.amendmentSha256), /^[0-9a-f]{64}$/);
      assert.doesNotMatch(JSON.stringify(amend), /roster|monitor-08|general/);
      const row = await s.ctx.db.selectFrom('item_amendment').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.actor_id, row.reason, JSON.parse(row.before), JSON.parse(row.after)],
        [
          'user-3',
          'Collector misrecorded; checked against the team roster. نقل',
          { collected_by: 'monitor-07', compartment: 'witness' },
          { collected_by: 'monitor-08', compartment: 'general' },
        ],
      );
      assert.deepEqual(await verifyCustody(s.ctx), []);
      // Editing the amended item behind the log's back is still caught.
      await s.ctx.db.updateTable('item').set({ source: 'x' }).where('ern', '=', 'ATT-000002').execute();
      assert.deepEqual(codes(await verifyCustody(s.ctx)), ['item-provenance-altered ATT-000002']);
    });

    it('names an amendment whose reason was rewritten, or which the log never recorded', async () => {
      await fresh();
      await amendItem(s.ctx, 'ATT-000001', { title: 'Better title' }, { actor: 'user-3', reason: 'typo' });
      const { asInsider } = await import('../../test/support/insider.js');
      await asInsider(s.ctx.db, () =>
        s.ctx.db.updateTable('item_amendment').set({ reason: 'a nicer story' }).execute(),
      );
      const found = codes(await verifyCustody(s.ctx));
      assert.equal(found.length, 1, found.join('; '));
      assert.match(found[0]!, /^amendment-altered ATT-000001 amendment /);
      const item = await s.ctx.db
        .selectFrom('item')
        .select('id')
        .where('ern', '=', 'ATT-000003')
        .executeTakeFirstOrThrow();
      await s.ctx.db
        .insertInto('item_amendment')
        .values({
          id: 'forged-2',
          item_id: item.id,
          seq: 2,
          at: '2016-12-20T10:00:00Z',
          actor_id: 'user-9',
          reason: 'x',
          before: '{}',
          after: '{}',
        })
        .execute();
      assert.ok(
        codes(await verifyCustody(s.ctx)).includes('amendment-not-logged ATT-000003 amendment forged-2'),
      );
    });

    it('a compartment move takes the derived items, jobs and near-duplicate hashes with it', async () => {
      await fresh();
      const root = await s.ctx.db
        .selectFrom('item')
        .selectAll()
        .where('ern', '=', 'ATT-000001')
        .executeTakeFirstOrThrow();
      const derive = async (parentItemId: string, text: string) =>
        (
          await addContent(s.ctx, Readable.from([Buffer.from(text)]), {
            originalName: 'ocr.txt',
            title: 'OCR text',
            provenance,
            compartment: 'witness',
            parentItemId,
            actor: 'worker-1',
          })
        ).item;
      const ocr = await derive(root.id, 'ocr of photo 0');
      const page = await derive(ocr.id, 'page 1 of the ocr');
      await s.ctx.db
        .insertInto('pdq_hash')
        .values({
          item_id: page.id,
          compartment: 'witness',
          hash: '0'.repeat(64),
          quality: 100,
          ...Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`c${i}`, 0])),
        } as never)
        .execute();
      const by = { actor: 'user-3', reason: 'moved to the protected compartment' };
      await assert.rejects(
        amendItem(s.ctx, page.ern, { compartment: 'protected' }, by),
        /derived from another item/,
      );
      await amendItem(s.ctx, 'ATT-000001', { compartment: 'protected' }, by);
      const family = [root.id, ocr.id, page.id];
      const compartments = async (table: 'item' | 'job' | 'pdq_hash', column: 'id' | 'item_id') =>
        (await s.ctx.db.selectFrom(table).select('compartment').where(column, 'in', family).execute()).map(
          (r) => r.compartment,
        );
      assert.deepEqual(await compartments('item', 'id'), ['protected', 'protected', 'protected']);
      const jobs = await compartments('job', 'item_id');
      assert.ok(jobs.length >= 3 && jobs.every((c) => c === 'protected'), JSON.stringify(jobs));
      assert.deepEqual(await compartments('pdq_hash', 'item_id'), ['protected']);
      // Each moved item has its own amendment and entry, and the log verifies clean.
      for (const id of family) assert.equal((await itemEntries(s.ctx, id)).at(-1)!.kind, 'amend');
      const reindex = await s.ctx.db
        .selectFrom('job')
        .select('kind')
        .where('item_id', '=', root.id)
        .where('kind', '=', 'search-index')
        .execute();
      assert.equal(reindex.length, 1);
      assert.deepEqual(await verifyCustody(s.ctx), []);
    });

    it('refuses an amendment without a reason, with nothing to change, or with bad values', async () => {
      await fresh();
      const by = { actor: 'user-3', reason: 'why' };
      await assert.rejects(
        amendItem(s.ctx, 'ATT-000001', { title: 'x' }, { actor: 'user-3', reason: '  ' }),
        /reason/,
      );
      await assert.rejects(amendItem(s.ctx, 'ATT-000001', {}, by), /nothing to change/);
      await assert.rejects(
        amendItem(s.ctx, 'ATT-000001', { title: 'Checkpoint photo 0' }, by),
        /nothing to change/,
      );
      await assert.rejects(amendItem(s.ctx, 'ATT-000001', { compartment: 'Witness!' }, by), /compartment/);
      await assert.rejects(amendItem(s.ctx, 'ATT-000001', { collectedAt: 'yesterday' }, by), /collectedAt/);
      await assert.rejects(amendItem(s.ctx, 'ATT-000001', { title: 'a\u0000b' }, by), /title/);
      // C1 controls and bidi overrides are refused like C0, in every provenance field and the title.
      for (const bad of ['a\u0085b', 'a\u202Eb', 'a\u2067b', 'a\u009Bb']) {
        await assert.rejects(amendItem(s.ctx, 'ATT-000001', { title: bad }, by), /title/);
        await assert.rejects(amendItem(s.ctx, 'ATT-000001', { source: bad }, by), /source/);
        await assert.rejects(amendItem(s.ctx, 'ATT-000001', { collectedBy: bad }, by), /collectedBy/);
        await assert.rejects(
          addContent(s.ctx, Readable.from([Buffer.from(bad)]), {
            originalName: 'x.txt',
            provenance: { ...provenance, source: bad },
            actor: 'user-3',
          }),
          /source/,
        );
      }
      assert.equal((await s.ctx.db.selectFrom('item_amendment').selectAll().execute()).length, 0);
      assert.deepEqual(await verifyCustody(s.ctx), []);
    });
  });
}
