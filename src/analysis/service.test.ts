import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { itemEntries, logSize } from '../custody/index.js';
import { addContent } from '../vault/index.js';
import { createClaim, getClaim, setStance } from './claims.js';
import { createEntity, getEntity, listEntities, updateEntity } from './entities.js';
import { AnalysisError } from './errors.js';
import { createIncident, getIncident, listIncidents } from './incidents.js';
import { createLink, linksOf } from './links.js';
import type { Actor } from './records.js';
import { verifyAnalysis } from './verify.js';

const GENERAL: Actor = { id: 'user-general', read: ['general'], write: ['general'], reveal: [] };
const WITNESS: Actor = {
  id: 'user-witness',
  read: ['general', 'witness'],
  write: ['general', 'witness'],
  reveal: [],
};
/** Counsel in the witness compartment: may reveal a protected identity there. */
const COUNSEL: Actor = { id: 'user-counsel', read: ['general', 'witness'], write: [], reveal: ['witness'] };
/** Counsel who may also record in the witness compartment. */
const COUNSEL_WRITER: Actor = {
  id: 'user-counsel-2',
  read: ['general', 'witness'],
  write: ['witness'],
  reveal: ['witness'],
};
const code = (c: string) => (e: unknown) => e instanceof AnalysisError && e.code === c;

for (const dialect of DIALECTS) {
  describe(`${dialect}: analysis`, () => {
    let s: TestStore;
    const erns: Record<string, string> = {};
    before(async () => {
      s = await openTestStore(dialect);
      const add = async (key: string, text: string, source: string, compartment = 'general') => {
        const out = await addContent(s.ctx, Readable.from([Buffer.from(text)]), {
          originalName: `${key}.txt`,
          provenance: { source, collectedAt: '2017-05-10', collectedBy: 'monitor-02' },
          compartment,
          actor: 'user-test',
        });
        erns[key] = out.item.ern;
      };
      await add('photo', 'photo of the destroyed emergency ward', 'field team 1');
      await add('report', 'medical report: two missiles hit the hospital', 'medical report');
      await add('wire', 'news wire: hospital struck, one missile', 'news wire');
      await add('wire2', 'news wire follow-up: hospital struck twice', 'News Wire');
      await add('statement', 'statement of witness W-17', 'protected source', 'witness');
    });
    after(async () => s.close());

    describe('entities', () => {
      it('withholds a protected witness’s identity: not found outside, pseudonym inside, name only on a reveal by persons:reveal', async () => {
        const w = await createEntity(s.ctx, WITNESS, {
          kind: 'person',
          name: 'Samir Haddad (synthetic)',
          nameAr: 'سمير حداد',
          aliases: ['Abu Samir'],
          compartment: 'witness',
          protection: 'protected',
          pseudonym: 'W-17',
        });
        assert.equal(w.name, null, 'the reply to the creator withholds the name too');
        assert.equal(w.withheld, true);
        await assert.rejects(getEntity(s.ctx, GENERAL, w.id), code('NOT_FOUND'));
        const inside = await getEntity(s.ctx, WITNESS, w.id);
        assert.deepEqual(
          [inside.name, inside.nameAr, inside.aliases, inside.pseudonym],
          [null, null, [], 'W-17'],
        );
        await assert.rejects(getEntity(s.ctx, WITNESS, w.id, true), code('REVEAL_FORBIDDEN'));
        const before = await logSize(s.ctx.db);
        const revealed = await getEntity(s.ctx, COUNSEL, w.id, true);
        assert.deepEqual(
          [revealed.name, revealed.nameAr, revealed.aliases],
          ['Samir Haddad (synthetic)', 'سمير حداد', ['Abu Samir']],
        );
        assert.equal(await logSize(s.ctx.db), before + 1, 'the reveal is a custody view entry');
        const view = await s.ctx.db
          .selectFrom('custody_entry')
          .select(['kind', 'payload'])
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow();
        assert.equal(view.kind, 'view');
        assert.ok(
          !view.payload.includes('Samir') &&
            view.payload.includes(w.id) &&
            view.payload.includes('"compartment":"witness"'),
        );
        assert.equal(
          (await listEntities(s.ctx, GENERAL)).entities.some((e) => e.id === w.id),
          false,
        );
        const listed = (await listEntities(s.ctx, WITNESS)).entities.find((e) => e.id === w.id)!;
        assert.equal(listed.name, null);
        // Lowering the protection would show the name to every reader: it needs persons:reveal.
        await assert.rejects(
          updateEntity(s.ctx, WITNESS, w.id, { protection: 'none' }),
          code('REVEAL_FORBIDDEN'),
        );
        const patched = await updateEntity(s.ctx, WITNESS, w.id, { pseudonym: 'W-17b' });
        assert.equal(patched.name, null, 'an update reply withholds the name');
      });
      it('never answers a caller without persons:reveal in a way that depends on a withheld name', async () => {
        const w = await createEntity(s.ctx, WITNESS, {
          kind: 'person',
          name: 'Yasmin Haddad (synthetic)',
          nameAr: 'ياسمين حداد',
          aliases: ['Umm Ali'],
          compartment: 'witness',
          protection: 'protected',
          pseudonym: 'W-40',
        });
        const errorOf = async (p: Parameters<typeof updateEntity>[3]) => {
          try {
            await updateEntity(s.ctx, WITNESS, w.id, p);
            return 'ok';
          } catch (e) {
            assert.ok(e instanceof AnalysisError);
            return `${e.code} ${e.message} ${JSON.stringify(e.details ?? null)}`;
          }
        };
        // A right guess and a wrong guess, with a bad field beside them: the same answer.
        for (const bad of [{ nameAr: 'x\u0001' }, { attributes: { 'bad key': 1 } }, { aliases: 'x' }]) {
          const right = await errorOf({ pseudonym: 'yasmin haddad (SYNTHETIC)', ...bad });
          const wrong = await errorOf({ pseudonym: 'nobody at all', ...bad });
          assert.equal(right, wrong);
          assert.match(right, /^INVALID_RECORD/);
          assert.doesNotMatch(right, /pseudonym/);
        }
        // Alone, a guess gets the answer any pseudonym gets.
        const before = await getEntity(s.ctx, COUNSEL_WRITER, w.id, true);
        assert.equal(await errorOf({ pseudonym: 'Yasmin  Haddad (synthetic)' }), 'ok');
        assert.equal(await errorOf({ pseudonym: 'Somebody else' }), 'ok');
        // A holder of persons:reveal sees the name, so the rule holds for them (case, width, spacing folded).
        for (const p of ['YASMIN HADDAD (synthetic)', 'ياسمين  حداد', 'umm ali'])
          await assert.rejects(
            updateEntity(s.ctx, COUNSEL_WRITER, w.id, { pseudonym: p }),
            (e) =>
              e instanceof AnalysisError &&
              e.code === 'INVALID_RECORD' &&
              /must not be the name/.test(e.message),
          );
        const after = await getEntity(s.ctx, COUNSEL_WRITER, w.id, true);
        assert.deepEqual(
          [after.name, after.nameAr, after.aliases],
          [before.name, before.nameAr, before.aliases],
        );
      });
      it('refuses a caller without persons:reveal who would change a protected person’s identity', async () => {
        const w = await createEntity(s.ctx, WITNESS, {
          kind: 'person',
          name: 'Rana K. (synthetic)',
          nameAr: 'رنا',
          aliases: ['R.'],
          compartment: 'witness',
          protection: 'protected',
          pseudonym: 'W-41',
          attributes: { born: 1990 },
        });
        const size = await logSize(s.ctx.db);
        for (const p of [
          { name: 'Someone Else', nameAr: '', aliases: [], attributes: {} },
          { name: 'Rana K. (synthetic)' },
          { nameAr: '' },
          { aliases: [] },
          { attributes: {} },
        ])
          await assert.rejects(updateEntity(s.ctx, WITNESS, w.id, p), code('IDENTITY_FORBIDDEN'));
        assert.equal(await logSize(s.ctx.db), size, 'nothing changed, nothing logged');
        const kept = await getEntity(s.ctx, COUNSEL_WRITER, w.id, true);
        assert.deepEqual(
          [kept.name, kept.nameAr, kept.aliases, kept.attributes],
          ['Rana K. (synthetic)', 'رنا', ['R.'], { born: 1990 }],
        );
        // Counsel who may write there changes it; an unprotected person's name stays anyone's to edit.
        const changed = await updateEntity(s.ctx, COUNSEL_WRITER, w.id, { name: 'Rana Kassem (synthetic)' });
        assert.equal(changed.name, null);
        assert.equal((await getEntity(s.ctx, COUNSEL_WRITER, w.id, true)).name, 'Rana Kassem (synthetic)');
        const p = await createEntity(s.ctx, WITNESS, {
          kind: 'person',
          name: 'Omar (synthetic)',
          compartment: 'witness',
          protection: 'pseudonymised',
          pseudonym: 'W-42',
        });
        assert.equal(
          (await updateEntity(s.ctx, WITNESS, p.id, { name: 'Omar B. (synthetic)' })).name,
          'Omar B. (synthetic)',
        );
        assert.deepEqual(
          (await verifyAnalysis(s.ctx)).filter((x) => x.subject === w.id || x.subject === p.id),
          [],
        );
      });
      it('hides an unprotected entity of another compartment entirely', async () => {
        const unit = await createEntity(s.ctx, WITNESS, {
          kind: 'unit',
          name: 'Checkpoint unit 4',
          compartment: 'witness',
        });
        await assert.rejects(getEntity(s.ctx, GENERAL, unit.id), code('NOT_FOUND'));
        await assert.rejects(updateEntity(s.ctx, GENERAL, unit.id, { name: 'x' }), code('NOT_FOUND'));
      });
      it('refuses bad input and writes outside the actor’s compartments', async () => {
        await assert.rejects(
          createEntity(s.ctx, GENERAL, {
            kind: 'person',
            name: 'A',
            compartment: 'general',
            protection: 'protected',
          }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createEntity(s.ctx, GENERAL, { kind: 'bus', name: 'A', compartment: 'general' }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createEntity(s.ctx, GENERAL, { kind: 'vehicle', name: 'x'.repeat(301), compartment: 'general' }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createEntity(s.ctx, GENERAL, { kind: 'vehicle', name: 'bus\u0000', compartment: 'general' }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createEntity(s.ctx, GENERAL, {
            kind: 'place',
            name: 'Atlantis',
            pcode: 'C0',
            compartment: 'general',
          }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createEntity(s.ctx, GENERAL, { kind: 'vehicle', name: 'bus 12', compartment: 'witness' }),
          code('FORBIDDEN_COMPARTMENT'),
        );
      });
      it('logs each change with ids and a hash only', async () => {
        const v = await createEntity(s.ctx, GENERAL, {
          kind: 'vehicle',
          name: 'Bus 12, plate 123-456',
          compartment: 'general',
          attributes: { type: 'bus', capacity: 50 },
        });
        await updateEntity(s.ctx, GENERAL, v.id, { aliases: ['the white bus'] });
        const rows = await s.ctx.db.selectFrom('custody_entry').select('payload').execute();
        const mine = rows.map((r) => r.payload).filter((p) => p.includes(v.id));
        assert.equal(mine.length, 2);
        for (const p of mine) {
          assert.ok(!p.includes('plate') && !p.includes('white'), p);
          assert.match(p, /"sha256":"[0-9a-f]{64}"/);
        }
      });
    });

    describe('incidents, links and corroboration', () => {
      it('derives the status from independent sources, over the items the caller may see', async () => {
        const inc = await createIncident(s.ctx, GENERAL, {
          type: 'attack-on-medical',
          title: 'Hospital struck in Maarat al-Numan',
          compartment: 'general',
          start: '2017-05-10',
          pcode: 'C3985',
        });
        assert.deepEqual(inc.start, {
          earliest: '2017-05-10T00:00:00.000Z',
          latest: '2017-05-10T23:59:59.999Z',
        });
        await createLink(s.ctx, GENERAL, {
          from: { type: 'incident', id: inc.id },
          to: { type: 'item', id: erns.photo },
          relation: 'documents',
          compartment: 'general',
        });
        const struck = await createClaim(s.ctx, GENERAL, {
          statement: 'The hospital was struck',
          incidentId: inc.id,
          compartment: 'general',
        });
        const two = await createClaim(s.ctx, GENERAL, {
          statement: 'Two missiles were used',
          incidentId: inc.id,
          compartment: 'general',
        });
        await setStance(s.ctx, GENERAL, struck.id, erns.report, 'supports');
        await setStance(s.ctx, GENERAL, struck.id, erns.wire, 'supports');
        await setStance(s.ctx, GENERAL, struck.id, erns.wire2, 'supports');
        let c = await getClaim(s.ctx, GENERAL.read, struck.id);
        assert.equal(c.corroboration.status, 'corroborated');
        assert.equal(c.corroboration.supportingSources, 2, 'news wire counts once');
        await setStance(s.ctx, GENERAL, two.id, erns.report, 'supports');
        await setStance(s.ctx, GENERAL, two.id, erns.wire, 'contradicts');
        c = await getClaim(s.ctx, GENERAL.read, two.id);
        assert.equal(c.corroboration.status, 'contested');
        // A stance from an item the general caller cannot see does not move their status.
        await setStance(s.ctx, WITNESS, struck.id, erns.statement, 'contradicts');
        assert.equal((await getClaim(s.ctx, GENERAL.read, struck.id)).corroboration.status, 'corroborated');
        assert.equal((await getClaim(s.ctx, WITNESS.read, struck.id)).corroboration.status, 'contested');
        const detail = await getIncident(s.ctx, GENERAL.read, inc.id);
        assert.equal(detail.corroboration.status, 'contested');
        assert.equal(detail.links.length, 1);
        assert.ok(!JSON.stringify(detail).includes(erns.statement!));
        assert.deepEqual(
          (await listIncidents(s.ctx, GENERAL.read, { place: 'SY07' })).map((i) => i.id),
          [inc.id],
        );
        assert.deepEqual(await listIncidents(s.ctx, GENERAL.read, { place: 'SY02' }), []);
      });
      it('hides a link whose end, basis or compartment the caller may not see; shows a protected person by pseudonym', async () => {
        const witness = await createEntity(s.ctx, WITNESS, {
          kind: 'person',
          name: 'Rana K. (synthetic)',
          compartment: 'witness',
          protection: 'pseudonymised',
          pseudonym: 'W-22',
        });
        const inc = await createIncident(s.ctx, GENERAL, {
          type: 'detention',
          title: 'Detention at a checkpoint',
          compartment: 'general',
          start: { earliest: '2016-12-15', latest: '2016-12-16' },
        });
        await createLink(s.ctx, WITNESS, {
          from: { type: 'entity', id: witness.id },
          to: { type: 'incident', id: inc.id },
          relation: 'witness-of',
          basis: erns.photo,
          compartment: 'general',
        });
        await createLink(s.ctx, WITNESS, {
          from: { type: 'entity', id: witness.id },
          to: { type: 'incident', id: inc.id },
          relation: 'victim-of',
          basis: erns.statement,
          compartment: 'general',
        });
        await createLink(s.ctx, WITNESS, {
          from: { type: 'item', id: erns.statement },
          to: { type: 'incident', id: inc.id },
          relation: 'documents',
          compartment: 'witness',
        });
        // An item of general linked to the incident on the basis of a witness-compartment item:
        // general sees neither the link nor, therefore, the item as silent on the incident's claim.
        await createLink(s.ctx, WITNESS, {
          from: { type: 'item', id: erns.wire },
          to: { type: 'incident', id: inc.id },
          relation: 'documents',
          basis: erns.statement,
          compartment: 'general',
        });
        const held = await createClaim(s.ctx, GENERAL, {
          statement: 'People were held for two days',
          incidentId: inc.id,
          compartment: 'general',
        });
        assert.deepEqual(held.silent, [], 'a link with a hidden basis lists no silent item');
        assert.equal(held.corroboration.silentItems, 0);
        assert.deepEqual((await getClaim(s.ctx, WITNESS.read, held.id)).silent, [erns.wire, erns.statement]);
        const seen = await linksOf(s.ctx, GENERAL.read, { type: 'incident', id: inc.id });
        assert.equal(seen.length, 1, 'only the link with a visible basis');
        assert.deepEqual(seen[0]!.from, {
          type: 'entity',
          entity: {
            view: 'pseudonym',
            id: witness.id,
            kind: 'person',
            pseudonym: 'W-22',
            protection: 'pseudonymised',
          },
        });
        assert.equal((await linksOf(s.ctx, WITNESS.read, { type: 'incident', id: inc.id })).length, 4);
        await assert.rejects(
          createLink(s.ctx, GENERAL, {
            from: { type: 'item', id: erns.statement },
            to: { type: 'incident', id: inc.id },
            relation: 'documents',
            compartment: 'general',
          }),
          code('NOT_FOUND'),
        );
        await assert.rejects(
          createLink(s.ctx, GENERAL, {
            from: { type: 'entity', id: witness.id },
            to: { type: 'incident', id: inc.id },
            relation: 'witness-of',
            compartment: 'general',
          }),
          code('INVALID_RECORD'),
        );
      });
      it('refuses inconsistent time ranges and unknown vocabulary', async () => {
        await assert.rejects(
          createIncident(s.ctx, GENERAL, {
            type: 'shelling',
            title: 't',
            compartment: 'general',
            start: '2017-02',
            end: '2017-01',
          }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createIncident(s.ctx, GENERAL, {
            type: 'shelling',
            title: 't',
            compartment: 'general',
            start: '2017-02-30',
          }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createIncident(s.ctx, GENERAL, { type: 'war', title: 't', compartment: 'general' }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          setStance(s.ctx, GENERAL, 'clm-00000000-0000-0000-0000-000000000000', erns.photo, 'supports'),
          code('NOT_FOUND'),
        );
      });
      it('lists incidents by overlap with a period, latest first and undated last, on both dialects', async () => {
        const scope = ['timeline'];
        const actor: Actor = { id: 'user-t', read: scope, write: scope, reveal: [] };
        const mk = (title: string, start?: string, end?: string) =>
          createIncident(s.ctx, actor, {
            type: 'shelling',
            title,
            compartment: 'timeline',
            ...(start ? { start } : {}),
            ...(end ? { end } : {}),
          });
        const dec = await mk('December', '2016-12-15', '2016-12-22');
        const may = await mk('May', '2017-05');
        const undated = await mk('Undated');
        const order = (await listIncidents(s.ctx, scope)).map((i) => i.title);
        assert.deepEqual(order, ['May', 'December', 'Undated']);
        const inDec = await listIncidents(s.ctx, scope, { from: '2016-12-20', to: '2016-12-21' });
        assert.deepEqual(
          inDec.map((i) => i.id),
          [dec.id],
        );
        const after = await listIncidents(s.ctx, scope, { from: '2017-01-01' });
        assert.deepEqual(
          after.map((i) => i.id),
          [may.id],
        );
        assert.ok(!(await listIncidents(s.ctx, ['general'])).some((i) => i.id === undated.id));
        await assert.rejects(listIncidents(s.ctx, scope, { from: "2017' OR 1=1" }), code('INVALID_RECORD'));
      });
      it('keeps attribute names plain data and refuses prototype keys', async () => {
        await assert.rejects(
          createEntity(s.ctx, GENERAL, {
            kind: 'unit',
            name: 'U',
            compartment: 'general',
            attributes: JSON.parse('{"__proto__": {"polluted": 1}}'),
          }),
          code('INVALID_RECORD'),
        );
        await assert.rejects(
          createEntity(s.ctx, GENERAL, {
            kind: 'unit',
            name: 'U',
            compartment: 'general',
            attributes: { constructor: 'x' },
          }),
          code('INVALID_RECORD'),
        );
        assert.equal(({} as { polluted?: number }).polluted, undefined);
        const e = await createEntity(s.ctx, GENERAL, {
          kind: 'unit',
          name: 'اللواء ٤',
          compartment: 'general',
          attributes: { strength: 120, mobile: true },
        });
        assert.deepEqual(e.attributes, { strength: 120, mobile: true });
      });
      it('checks every record and stance against its custody entry (attest verify), naming what changed', async () => {
        assert.deepEqual(await verifyAnalysis(s.ctx), []);
        const victim = await s.ctx.db
          .selectFrom('entity')
          .select('id')
          .orderBy('id')
          .executeTakeFirstOrThrow();
        await s.ctx.db
          .updateTable('entity')
          .set({ name: 'Someone else' })
          .where('id', '=', victim.id)
          .execute();
        const stance = await s.ctx.db.selectFrom('stance').selectAll().executeTakeFirstOrThrow();
        await s.ctx.db
          .updateTable('stance')
          .set({ stance: stance.stance === 'supports' ? 'contradicts' : 'supports' })
          .where('claim_id', '=', stance.claim_id)
          .where('item_id', '=', stance.item_id)
          .execute();
        const problems = await verifyAnalysis(s.ctx);
        assert.deepEqual(
          problems.map((p) => [p.code, p.subject]),
          [
            ['analysis-changed', victim.id],
            ['analysis-changed', `${stance.claim_id} ${stance.item_id}`],
          ],
        );
        assert.ok(!JSON.stringify(problems).includes('Someone'), 'problems name ids only');
      });
      it('records every change in the custody log, tied to the basis item', async () => {
        const entries = await itemEntries(
          s.ctx,
          (
            await s.ctx.db
              .selectFrom('item')
              .select('id')
              .where('ern', '=', erns.report!)
              .executeTakeFirstOrThrow()
          ).id,
        );
        const annotations = entries.filter((e) => e.kind === 'annotate').map((e) => e.data?.annotation);
        assert.deepEqual(annotations, ['claim-stance', 'claim-stance']);
      });
    });
  });
}
