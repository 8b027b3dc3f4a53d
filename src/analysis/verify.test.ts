import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { appendEntries } from '../custody/index.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { sha256Hex } from '../lib/hash.js';
import { addContent } from '../vault/index.js';
import { addNote, bodySha256, changeTags, noteBody } from './annotations/service.js';
import { createClaim, setStance } from './claims.js';
import { createEntity, updateEntity } from './entities.js';
import { createIncident } from './incidents.js';
import { createLink } from './links.js';
import type { Actor } from './records.js';
import { verifyAnalysis } from './verify.js';

const ANALYST: Actor = { id: 'user-analyst', read: ['general'], write: ['general'], reveal: [] };

/** Issue #4: when and by whom a record or stance was made is under its hash; a deleted stance is seen. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: analysis verify (issue #4)`, () => {
    let s: TestStore;
    const ids: Record<string, string> = {};
    let ern = '';
    let ern2 = '';
    before(async () => {
      s = await openTestStore(dialect);
      const add = async (text: string) =>
        (
          await addContent(s.ctx, Readable.from([Buffer.from(text)]), {
            originalName: 'r.txt',
            provenance: { source: 'field team 1', collectedAt: '2017-05-10', collectedBy: 'monitor-02' },
            actor: 'user-test',
          })
        ).item.ern;
      ern = await add('report: the hospital was struck');
      ern2 = await add('second report: the hospital was struck');
      const e = await createEntity(s.ctx, ANALYST, { kind: 'unit', name: 'Unit 4', compartment: 'general' });
      await updateEntity(s.ctx, ANALYST, e.id, { name: 'Unit 4 (renamed)' });
      const inc = await createIncident(s.ctx, ANALYST, {
        type: 'attack-on-medical',
        title: 'Hospital struck',
        compartment: 'general',
        start: '2017-05-10',
      });
      const link = await createLink(s.ctx, ANALYST, {
        from: { type: 'incident', id: inc.id },
        to: { type: 'item', id: ern },
        relation: 'documents',
        compartment: 'general',
      });
      const claim = await createClaim(s.ctx, ANALYST, {
        statement: 'The hospital was struck',
        incidentId: inc.id,
        compartment: 'general',
      });
      await setStance(s.ctx, ANALYST, claim.id, ern, 'contradicts');
      // Replaced, not removed: the latest entry is the one that counts.
      await setStance(s.ctx, ANALYST, claim.id, ern, 'supports');
      await setStance(s.ctx, ANALYST, claim.id, ern2, 'supports');
      const note = await addNote(s.ctx, ANALYST, ern, { text: 'Seen on the ward’s east side.' });
      await changeTags(s.ctx, ANALYST, ern, { add: ['hospital', 'missile'] });
      Object.assign(ids, { entity: e.id, incident: inc.id, link: link.id, claim: claim.id, note: note.id });
    });
    after(() => s.close());

    const itemId = async (e: string) =>
      (await s.ctx.db.selectFrom('item').select('id').where('ern', '=', e).executeTakeFirstOrThrow()).id;

    /** tamper runs `change` on the tables, returns what verify then reports, and undoes it. */
    async function reportedAfter(change: () => Promise<unknown>, undo: () => Promise<unknown>) {
      await change();
      try {
        return (await verifyAnalysis(s.ctx)).map((p) => [p.code, p.subject]);
      } finally {
        await undo();
        assert.deepEqual(await verifyAnalysis(s.ctx), [], 'clean again once undone');
      }
    }

    it('finds nothing in an untouched database', async () => {
      assert.deepEqual(await verifyAnalysis(s.ctx), []);
    });

    it('reports a stance row deleted in the database (analysis-stance-missing)', async () => {
      const claimId = ids.claim!;
      const item = await itemId(ern);
      const row = await s.ctx.db
        .selectFrom('stance')
        .selectAll()
        .where('claim_id', '=', claimId)
        .where('item_id', '=', item)
        .executeTakeFirstOrThrow();
      const problems = await reportedAfter(
        () =>
          s.ctx.db.deleteFrom('stance').where('claim_id', '=', claimId).where('item_id', '=', item).execute(),
        () => s.ctx.db.insertInto('stance').values(row).execute(),
      );
      assert.deepEqual(problems, [['analysis-stance-missing', `${claimId} ${item}`]]);
    });

    it('reports created_by or created_at altered in the database, on every kind of record and on stances', async () => {
      for (const table of ['entity', 'incident', 'link', 'claim'] as const) {
        const id = ids[table]!;
        const row = await s.ctx.db
          .selectFrom(table)
          .select(['created_at', 'created_by'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        for (const set of [{ created_by: 'user-someone-else' }, { created_at: '2017-01-01T00:00:00.000Z' }]) {
          const problems = await reportedAfter(
            () => s.ctx.db.updateTable(table).set(set).where('id', '=', id).execute(),
            () => s.ctx.db.updateTable(table).set(row).where('id', '=', id).execute(),
          );
          assert.deepEqual(problems, [['analysis-changed', id]], `${table} ${Object.keys(set)[0]}`);
        }
      }
      const claimId = ids.claim!;
      const item = await itemId(ern2);
      const row = await s.ctx.db
        .selectFrom('stance')
        .select(['created_at', 'created_by'])
        .where('claim_id', '=', claimId)
        .where('item_id', '=', item)
        .executeTakeFirstOrThrow();
      for (const set of [{ created_by: 'user-someone-else' }, { created_at: '2017-01-01T00:00:00.000Z' }]) {
        const where = () =>
          s.ctx.db.updateTable('stance').where('claim_id', '=', claimId).where('item_id', '=', item);
        const problems = await reportedAfter(
          () => where().set(set).execute(),
          () => where().set(row).execute(),
        );
        assert.deepEqual(
          problems,
          [['analysis-changed', `${claimId} ${item}`]],
          `stance ${Object.keys(set)[0]}`,
        );
      }
    });

    it('reports when and by whom of a note or a tag altered in the database', async () => {
      const noteId = ids.note!;
      const note = await s.ctx.db
        .selectFrom('item_note')
        .select(['created_at', 'created_by'])
        .where('id', '=', noteId)
        .executeTakeFirstOrThrow();
      for (const set of [{ created_by: 'user-someone-else' }, { created_at: '2017-01-01T00:00:00.000Z' }])
        assert.deepEqual(
          await reportedAfter(
            () => s.ctx.db.updateTable('item_note').set(set).where('id', '=', noteId).execute(),
            () => s.ctx.db.updateTable('item_note').set(note).where('id', '=', noteId).execute(),
          ),
          [['analysis-changed', noteId]],
          `note ${Object.keys(set)[0]}`,
        );
      const item = await itemId(ern);
      const tag = await s.ctx.db
        .selectFrom('item_tag')
        .select(['created_at', 'created_by'])
        .where('item_id', '=', item)
        .where('tag', '=', 'missile')
        .executeTakeFirstOrThrow();
      for (const set of [{ created_by: 'user-someone-else' }, { created_at: '2017-01-01T00:00:00.000Z' }]) {
        const where = () =>
          s.ctx.db.updateTable('item_tag').where('item_id', '=', item).where('tag', '=', 'missile');
        assert.deepEqual(
          await reportedAfter(
            () => where().set(set).execute(),
            () => where().set(tag).execute(),
          ),
          [['analysis-changed', item]],
          `tag ${Object.keys(set)[0]}`,
        );
      }
    });

    it('still verifies entries written before commitment 2, by the rule they were written under', async () => {
      // A record and a stance as the code before this change logged them: the hash left out
      // created_at (a record) or when and by whom (a stance), and the entry had no `commitment`.
      const claimId = `clm-${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`;
      const claim = {
        id: claimId,
        incident_id: null,
        statement: 'Logged under commitment 1',
        compartment: 'general',
        created_at: '2017-05-11T00:00:00.000Z',
        created_by: ANALYST.id,
        salt: 'ab'.repeat(16),
      };
      const item = await itemId(ern2);
      const stance = {
        claim_id: claimId,
        item_id: item,
        stance: 'supports',
        created_at: claim.created_at,
        created_by: ANALYST.id,
      };
      const { created_at: _c, ...legacyBody } = claim;
      await s.ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('claim').values(claim).execute();
        await trx.insertInto('stance').values(stance).execute();
        await appendEntries(
          trx,
          [
            {
              kind: 'annotate',
              actor: ANALYST.id,
              data: {
                annotation: 'claim-create',
                record: claimId,
                compartment: 'general',
                sha256: sha256Hex(canonicalJson(legacyBody)),
              },
            },
            {
              kind: 'annotate',
              actor: ANALYST.id,
              itemId: item,
              data: {
                annotation: 'claim-stance',
                record: claimId,
                compartment: 'general',
                sha256: sha256Hex(canonicalJson({ claim: claimId, item, stance: 'supports' })),
                stance: 'supports',
              },
            },
          ],
          '2017-05-11T00:00:00.000Z',
        );
      });
      // A note as the code before this change logged it: its time outside the hash.
      const note = {
        id: `not-${'1'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
        item_id: item,
        text: 'A note logged under commitment 1',
        created_at: '2017-05-11T00:00:00.000Z',
        created_by: ANALYST.id,
        salt: 'cd'.repeat(16),
      };
      await s.ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('item_note').values(note).execute();
        await appendEntries(
          trx,
          [
            {
              kind: 'annotate',
              actor: ANALYST.id,
              itemId: item,
              data: { annotation: 'note-create', record: note.id, sha256: bodySha256(noteBody(note, '1')) },
            },
          ],
          note.created_at,
        );
      });
      assert.deepEqual(await verifyAnalysis(s.ctx), []);
      // What commitment 1 covered is still checked under it.
      const problems = await reportedAfter(
        () => s.ctx.db.updateTable('claim').set({ statement: 'Changed' }).where('id', '=', claimId).execute(),
        () =>
          s.ctx.db
            .updateTable('claim')
            .set({ statement: claim.statement })
            .where('id', '=', claimId)
            .execute(),
      );
      assert.deepEqual(problems, [['analysis-changed', claimId]]);
      const gone = await reportedAfter(
        () => s.ctx.db.deleteFrom('stance').where('claim_id', '=', claimId).execute(),
        () => s.ctx.db.insertInto('stance').values(stance).execute(),
      );
      assert.deepEqual(gone, [['analysis-stance-missing', `${claimId} ${item}`]]);
      const noteChanged = await reportedAfter(
        () => s.ctx.db.updateTable('item_note').set({ text: 'Changed' }).where('id', '=', note.id).execute(),
        () => s.ctx.db.updateTable('item_note').set({ text: note.text }).where('id', '=', note.id).execute(),
      );
      assert.deepEqual(noteChanged, [['analysis-changed', note.id]]);
    });
  });
}
