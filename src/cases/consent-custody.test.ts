/**
 * Issue #10: a consent condition is recorded with its custody entry in the same transaction
 * (ids and a salted hash only) and checked by `attest verify`; a condition on a source holds
 * however the source is spelled (case, spaces, Unicode forms, invisible characters).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addItem, caseFixture } from '../../test/support/cases.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { logSize } from '../custody/index.js';
import { addCondition, decide } from './consent.js';
import { verifyConsent } from './consent-verify.js';
import { CaseError } from './errors.js';
import { createRfa, setJurisdiction } from './rfa.js';
import { addEntity } from './service.js';
import { CLI_VIEWER } from './viewer.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: consent conditions in the custody log (issue #10)`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
      await setJurisdiction(s.ctx, { code: 'XD', name: 'Synthetic State D', deathPenalty: true });
    });
    after(() => s.close());

    const payloads = async (from: number) =>
      (
        await s.ctx.db
          .selectFrom('custody_entry')
          .select(['seq', 'payload', 'item_id'])
          .where('seq', '>=', from)
          .orderBy('seq')
          .execute()
      ).map(
        (r): Record<string, unknown> => ({
          ...(JSON.parse(r.payload) as Record<string, unknown>),
          item_id: r.item_id,
        }),
      );

    it('appends one entry per condition, naming ids and a hash, never the source, witness or note', async () => {
      const fx = await caseFixture(s.ctx);
      const witnessId = await addEntity(s.ctx, CLI_VIEWER, fx.caseRef, {
        kind: 'witness',
        name: 'Amina Haddad (synthetic)',
        pseudonym: 'W-031',
        protected: true,
      });
      const before = await logSize(s.ctx.db);
      const onItem = await addCondition(s.ctx, CLI_VIEWER, {
        subjectKind: 'item',
        subject: fx.erns[0]!,
        noDeathPenalty: true,
        note: 'form W-17 signed',
      });
      const onSource = await addCondition(s.ctx, CLI_VIEWER, {
        subjectKind: 'source',
        subject: 'Synthetic Field Team 9',
        noSharing: true,
        note: 'agreement of 2016-12-10',
      });
      const onWitness = await addCondition(s.ctx, CLI_VIEWER, {
        subjectKind: 'witness',
        subject: witnessId,
        purposes: ['prosecution'],
      });
      assert.equal(await logSize(s.ctx.db), before + 3);
      const entries = await payloads(before);
      assert.deepEqual(
        entries.map((e) => [e.kind, e.action, e.condition]),
        [
          ['annotate', 'consent-condition', onItem.id],
          ['annotate', 'consent-condition', onSource.id],
          ['annotate', 'consent-condition', onWitness.id],
        ],
      );
      assert.ok(entries[0]!.item_id, 'the item condition is in the item’s history');
      for (const e of entries) assert.match(String(e.sha256), /^[0-9a-f]{64}$/);
      const text = JSON.stringify(entries);
      for (const secret of [
        'Synthetic Field Team 9',
        'form W-17',
        'agreement',
        'Amina',
        'W-031',
        'prosecution',
      ])
        assert.ok(!text.includes(secret), `${secret} is not in the log`);
      assert.deepEqual(await verifyConsent(s.ctx), []);
    });

    it('records nothing when the condition is refused', async () => {
      const before = await logSize(s.ctx.db);
      const rows = await s.ctx.db.selectFrom('consent_condition').select('id').execute();
      for (const subject of ['team\u202E9', 'team\u00859', '\u200B\u00AD '])
        await assert.rejects(
          addCondition(s.ctx, CLI_VIEWER, { subjectKind: 'source', subject, noSharing: true }),
          (e: unknown) => e instanceof CaseError && e.code === 'INVALID_CASE_INPUT',
          JSON.stringify(subject),
        );
      assert.equal(await logSize(s.ctx.db), before);
      assert.equal(
        (await s.ctx.db.selectFrom('consent_condition').select('id').execute()).length,
        rows.length,
      );
    });

    it('attest verify reports a condition changed, deleted or inserted behind the log', async () => {
      const [c] = await s.ctx.db
        .selectFrom('consent_condition')
        .selectAll()
        .where('subject_kind', '=', 'source')
        .execute();
      assert.ok(c);
      await s.ctx.db
        .updateTable('consent_condition')
        .set({ no_sharing: 0, jurisdictions: '["XD"]' })
        .where('id', '=', c.id)
        .execute();
      assert.deepEqual(
        (await verifyConsent(s.ctx)).map((p) => [p.code, p.subject]),
        [['consent-changed', c.id]],
      );
      await s.ctx.db.deleteFrom('consent_condition').where('id', '=', c.id).execute();
      assert.deepEqual(
        (await verifyConsent(s.ctx)).map((p) => [p.code, p.subject]),
        [['consent-missing', c.id]],
      );
      await s.ctx.db.insertInto('consent_condition').values(c).execute();
      assert.deepEqual(await verifyConsent(s.ctx), [], 'clean once restored');
      const forged = { ...c, id: '00000000-0000-4000-8000-000000000001' };
      await s.ctx.db.insertInto('consent_condition').values(forged).execute();
      assert.deepEqual(
        (await verifyConsent(s.ctx)).map((p) => [p.code, p.subject]),
        [['consent-unlogged', forged.id]],
      );
      await s.ctx.db.deleteFrom('consent_condition').where('id', '=', forged.id).execute();
      // A condition recorded before migration 0024 (no salt, no entry) is not reported.
      await s.ctx.db
        .insertInto('consent_condition')
        .values({ ...forged, salt: null })
        .execute();
      assert.deepEqual(await verifyConsent(s.ctx), []);
      await s.ctx.db.deleteFrom('consent_condition').where('id', '=', forged.id).execute();
    });

    it('holds a source condition however the item spells the source', async () => {
      const fx = await caseFixture(s.ctx);
      await addCondition(s.ctx, CLI_VIEWER, {
        subjectKind: 'source',
        subject: 'Field Team 12',
        noDeathPenalty: true,
      });
      const spellings = [
        'field team 12',
        'FIELD  TEAM 12',
        'ｆｉｅｌｄ ｔｅａｍ １２',
        'field\u00ADteam 12',
        'field team 12\u200B',
        '\uFEFFField\u200D Team\u00A012',
      ];
      const erns = [];
      for (const [i, source] of spellings.entries())
        erns.push(await addItem(s.ctx, `statement ${i} of a synthetic witness`, `s${i}.txt`, { source }));
      const other = await addItem(s.ctx, 'statement of another team', 'other.txt', {
        source: 'field team 13',
      });
      const rfa = await createRfa(s.ctx, CLI_VIEWER, {
        caseRef: fx.caseRef,
        authority: 'Prosecutor of State D',
        jurisdiction: 'XD',
        purpose: 'prosecution',
        scope: 'statements',
        receivedOn: '2017-03-01',
      });
      const items = await s.ctx.db
        .selectFrom('item')
        .select(['id', 'ern', 'source', 'parent_item_id'])
        .where('ern', 'in', [...erns, other])
        .orderBy('ern_seq')
        .execute();
      const decisions = await decide(
        s.ctx,
        rfa,
        items.map((i) => ({ id: i.id, ern: i.ern, source: i.source, parentId: i.parent_item_id })),
      );
      assert.deepEqual(
        decisions.map((d) => [d.ern, d.allowed]),
        [...erns.map((e) => [e, false]), [other, true]],
      );
    });
  });
}
