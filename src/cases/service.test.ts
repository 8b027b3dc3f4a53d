import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeUser } from '../../test/support/access.js';
import { addItem, caseFixture } from '../../test/support/cases.js';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../test/support/stores.js';
import { accessFor, grantsOf } from '../access/index.js';
import { addCondition, decide, overrideConsent } from './consent.js';
import { addCrime, coverage, linkElement } from './elements.js';
import { CaseError } from './errors.js';
import { exportPackage } from './package/build.js';
import { verifyPackage } from './package/verify.js';
import { createRfa, getRfa, setJurisdiction, setRfaStatus } from './rfa.js';
import { addEntity, addIncident, addItems, createCase, getCase, listCases } from './service.js';
import { CLI_VIEWER, type Viewer, viewerOf } from './viewer.js';

const code = (c: string) => (e: unknown) => e instanceof CaseError && e.code === c;

for (const dialect of DIALECTS) {
  describe(`${dialect}: cases`, () => {
    let s: TestStore;
    let dir: string;
    const viewerFor = async (role: 'investigator' | 'legal', compartments: string[]): Promise<Viewer> => {
      const { userId, username } = await makeUser(s.ctx, role, compartments);
      return viewerOf(
        accessFor({ userId, username, via: 'session', credentialId: 'x' }, await grantsOf(s.ctx.db, userId)),
      );
    };
    before(async () => {
      s = await openTestStore(dialect);
      dir = scratchDir('attest-cases-');
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await s.close();
    });

    it('numbers cases, keeps each behind its compartment and lists only what the viewer may see', async () => {
      const open = await createCase(s.ctx, CLI_VIEWER, { title: 'Open case' });
      const hidden = await createCase(s.ctx, CLI_VIEWER, { title: 'Protected case', compartment: 'witness' });
      assert.match(open.ref, /^CASE-\d{4}$/);
      const outsider = await viewerFor('investigator', ['general']);
      assert.deepEqual(
        (await listCases(s.ctx, outsider)).map((c) => c.ref),
        [open.ref],
      );
      await assert.rejects(getCase(s.ctx, outsider, hidden.ref), code('CASE_NOT_FOUND'));
      await assert.rejects(
        createCase(s.ctx, outsider, { title: 'x', compartment: 'witness' }),
        code('INVALID_CASE_INPUT'),
      );
      await assert.rejects(createCase(s.ctx, CLI_VIEWER, { title: ' ' }), code('INVALID_CASE_INPUT'));
    });

    it('adds items once, hides items of other compartments, shows protected names by pseudonym outside', async () => {
      const c = await createCase(s.ctx, CLI_VIEWER, { title: 'Items case' });
      const a = await addItem(s.ctx, 'item a', 'a.txt');
      const w = await addItem(s.ctx, 'witness item', 'w.txt', { compartment: 'witness' });
      assert.deepEqual(await addItems(s.ctx, CLI_VIEWER, c.ref, [a, w, a]), { added: [a, w], already: [] });
      assert.deepEqual((await addItems(s.ctx, CLI_VIEWER, c.ref, [a])).already, [a]);
      await addEntity(s.ctx, CLI_VIEWER, c.ref, {
        kind: 'witness',
        name: 'Amina Haddad',
        pseudonym: 'W-017',
        protected: true,
        nameCompartment: 'witness',
        itemErns: [w],
      });
      await assert.rejects(
        addEntity(s.ctx, CLI_VIEWER, c.ref, { kind: 'witness', name: 'X', protected: true }),
        code('INVALID_CASE_INPUT'),
      );
      const outsider = await viewerFor('investigator', ['general']);
      const seen = await getCase(s.ctx, outsider, c.ref);
      assert.deepEqual(
        seen.items.map((i) => i.ern),
        [a],
        'the witness-compartment item is not listed',
      );
      assert.equal(seen.entities[0]!.name, 'W-017');
      assert.deepEqual(seen.entities[0]!.itemErns, []);
      assert.equal((await getCase(s.ctx, CLI_VIEWER, c.ref)).entities[0]!.name, 'Amina Haddad');
      await assert.rejects(addItems(s.ctx, outsider, c.ref, [w]), code('CASE_NOT_FOUND'));
    });

    it('shows coverage: contextual links count for the crime elements that repeat them; gaps listed', async () => {
      const fx = await caseFixture(s.ctx);
      await addCrime(s.ctx, CLI_VIEWER, fx.caseRef, 'rs-eoc/7-1-d');
      await assert.rejects(addCrime(s.ctx, CLI_VIEWER, fx.caseRef, 'rs-eoc/7-1-z'), code('UNKNOWN_ELEMENT'));
      const before = await coverage(s.ctx, CLI_VIEWER, fx.caseRef);
      assert.deepEqual(
        before.crimes.map((c) => c.id),
        ['rs-eoc/context-cah', 'rs-eoc/7-1-d'],
      );
      assert.equal(before.covered, 0);
      await linkElement(s.ctx, CLI_VIEWER, fx.caseRef, {
        elementId: 'rs-eoc/7-1-d/1',
        targetKind: 'item',
        target: fx.erns[0]!,
        stance: 'supports',
        note: 'buses leaving under escort',
      });
      const incident = await addIncident(s.ctx, CLI_VIEWER, fx.caseRef, {
        title: 'Shelling of Ramouseh',
        occurredOn: '2016-12-16',
      });
      await linkElement(s.ctx, CLI_VIEWER, fx.caseRef, {
        elementId: 'rs-eoc/context-cah/1',
        targetKind: 'incident',
        target: incident,
        stance: 'supports',
        note: 'part of a wider attack',
      });
      await linkElement(s.ctx, CLI_VIEWER, fx.caseRef, {
        elementId: 'rs-eoc/7-1-d/2',
        targetKind: 'item',
        target: fx.erns[1]!,
        stance: 'contradicts',
        note: 'says residents had left earlier',
      });
      const after = await coverage(s.ctx, CLI_VIEWER, fx.caseRef);
      const d = after.crimes.find((c) => c.id === 'rs-eoc/7-1-d')!;
      assert.equal(d.elements[0]!.gap, false);
      assert.equal(d.elements[3]!.gap, false, '7(1)(d) element 4 is covered through context-cah/1');
      assert.equal(d.elements[1]!.gap, true, 'contradicting evidence alone leaves a gap');
      assert.equal(d.elements[1]!.contradicting.length, 1);
      assert.ok(after.gaps.includes('rs-eoc/7-1-d/5'));
      assert.equal(after.covered, 3);
      assert.match(d.elements[0]!.citation, /Art\. 7\(1\)\(d\), element 1/);
    });

    it('an RFA from a death-penalty jurisdiction: the package leaves out items whose consent forbids it, and says why', async () => {
      const fx = await caseFixture(s.ctx);
      await setJurisdiction(s.ctx, { code: 'XD', name: 'Synthetic State D', deathPenalty: true });
      await setJurisdiction(s.ctx, { code: 'XN', name: 'Synthetic State N', deathPenalty: false });
      await addCondition(s.ctx, CLI_VIEWER, {
        subjectKind: 'item',
        subject: fx.erns[0]!,
        noDeathPenalty: true,
        note: 'form W-17',
      });
      await addCondition(s.ctx, CLI_VIEWER, {
        subjectKind: 'item',
        subject: fx.erns[1]!,
        purposes: ['prosecution'],
      });
      const rfaD = await createRfa(s.ctx, CLI_VIEWER, {
        caseRef: fx.caseRef,
        authority: 'Prosecutor of State D',
        jurisdiction: 'XD',
        purpose: 'prosecution',
        scope: 'all material on the transfers',
        receivedOn: '2017-03-01',
      });
      const out = join(dir, 'rfa-d');
      const res = await exportPackage(s.ctx, CLI_VIEWER, { target: rfaD.ref, out });
      assert.deepEqual(
        res.excluded.map((e) => e.ern),
        [fx.erns[0]],
      );
      assert.match(res.excluded[0]!.reasons[0]!, /death penalty; XD may/);
      assert.equal(res.items, 2);
      assert.ok(!existsSync(join(out, 'data', fx.erns[0]!)), 'the blocked item is not in the bag');
      assert.ok(!readFileSync(join(out, 'attest/package-info.json'), 'utf8').includes(fx.erns[0]!));
      assert.equal((await verifyPackage(out, { key: s.ctx.logKey.verifierKey })).ok, true);

      const rfaN = await createRfa(s.ctx, CLI_VIEWER, {
        caseRef: fx.caseRef,
        authority: 'Investigating judge of State N',
        jurisdiction: 'XN',
        purpose: 'investigation',
        scope: 'statements',
        receivedOn: '2017-03-02',
      });
      const items = await s.ctx.db
        .selectFrom('item')
        .select(['id', 'ern', 'source', 'parent_item_id'])
        .where('ern', 'in', [...fx.erns])
        .orderBy('ern')
        .execute();
      const decisions = await decide(
        s.ctx,
        rfaN,
        items.map((i) => ({ id: i.id, ern: i.ern, source: i.source, parentId: i.parent_item_id })),
      );
      assert.deepEqual(
        decisions.map((d) => d.allowed),
        [true, false, true],
        'purpose-limited consent blocks an investigation',
      );
      assert.match(decisions[1]!.reasons[0]!, /limited to purposes prosecution; investigation is not one/);
    });

    it('an override needs the legal role and a reason; it is logged and releases the item', async () => {
      const fx = await caseFixture(s.ctx);
      await setJurisdiction(s.ctx, { code: 'XD', name: 'Synthetic State D', deathPenalty: true });
      await addCondition(s.ctx, CLI_VIEWER, {
        subjectKind: 'source',
        subject: 'synthetic field team 3',
        jurisdictions: ['NL'],
      });
      const rfa = await createRfa(s.ctx, CLI_VIEWER, {
        caseRef: fx.caseRef,
        authority: 'Prosecutor of State D',
        jurisdiction: 'XD',
        purpose: 'prosecution',
        scope: 'x',
        receivedOn: '2017-03-01',
      });
      const investigator = await viewerFor('investigator', ['*']);
      await assert.rejects(
        overrideConsent(s.ctx, investigator, rfa, fx.erns[0]!, 'court order 17/2017 compels release'),
        code('OVERRIDE_NOT_ALLOWED'),
      );
      const legal = await viewerFor('legal', ['*']);
      await assert.rejects(
        overrideConsent(s.ctx, legal, rfa, fx.erns[0]!, 'because'),
        code('OVERRIDE_NOT_ALLOWED'),
      );
      await overrideConsent(s.ctx, legal, rfa, fx.erns[0]!, 'court order 17/2017 compels release');
      const audit = await s.ctx.db
        .selectFrom('access_event')
        .selectAll()
        .where('kind', '=', 'consent-override')
        .execute();
      assert.equal(audit.length, 1);
      const entries = await s.ctx.db
        .selectFrom('custody_entry')
        .select('payload')
        .where('kind', '=', 'annotate')
        .execute();
      const logged = entries.map((e) => JSON.parse(e.payload)).find((p) => p.action === 'consent-override');
      assert.ok(
        logged?.reasonSha256 && !JSON.stringify(logged).includes('court order'),
        'the log holds a hash of the reason, not the text',
      );
      const res = await exportPackage(s.ctx, CLI_VIEWER, { target: rfa.ref, out: join(dir, 'override') });
      assert.equal(res.items, 1);
      assert.equal(res.excluded.length, 2);
    });

    it('moves an RFA through its lifecycle and refuses a jump', async () => {
      const c = await createCase(s.ctx, CLI_VIEWER, { title: 'RFA lifecycle' });
      await setJurisdiction(s.ctx, { code: 'XN', name: 'Synthetic State N', deathPenalty: false });
      const rfa = await createRfa(s.ctx, CLI_VIEWER, {
        caseRef: c.ref,
        authority: 'A',
        jurisdiction: 'XN',
        purpose: 'prosecution',
        scope: 's',
        receivedOn: '2017-01-01',
        dueOn: '2017-02-01',
      });
      await assert.rejects(
        setRfaStatus(s.ctx, CLI_VIEWER, rfa.ref, 'fulfilled'),
        code('INVALID_RFA_TRANSITION'),
      );
      await setRfaStatus(s.ctx, CLI_VIEWER, rfa.ref, 'in-review');
      const refused = await setRfaStatus(s.ctx, CLI_VIEWER, rfa.ref, 'refused');
      assert.equal(refused.closedOn, '2016-12-15');
      await assert.rejects(
        createRfa(s.ctx, CLI_VIEWER, {
          caseRef: c.ref,
          authority: 'A',
          jurisdiction: 'ZZ',
          purpose: 'prosecution',
          scope: 's',
          receivedOn: '2017-01-01',
        }),
        code('UNKNOWN_JURISDICTION'),
      );
      await assert.rejects(
        createRfa(s.ctx, CLI_VIEWER, {
          caseRef: c.ref,
          authority: 'A',
          jurisdiction: 'XN',
          purpose: 'prosecution',
          scope: 's',
          receivedOn: '2017-13-01',
        }),
        code('INVALID_CASE_INPUT'),
      );
      assert.equal((await getRfa(s.ctx, CLI_VIEWER, rfa.ref)).status, 'refused');
    });
  });
}
