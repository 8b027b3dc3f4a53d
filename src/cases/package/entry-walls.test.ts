/**
 * entry-walls.test.ts — a package carries only the custody entries its requester may read in
 * full (the rule of the item's timeline, src/custody/entry-access.ts; DESIGN rule 7). An item of
 * `general` that a `witness` claim takes a stance on, that a `witness` case holds and that the
 * witness case exported, leaves none of those entries — no line, no proof, no seq in
 * metadata.json — in a package of a `general` case built for a `general` investigator; the
 * package still verifies. Built for the deployment's operator (every compartment), the same
 * package carries them, so the entries exist and only the wall keeps them out.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caseFixture } from '../../../test/support/cases.js';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../../test/support/stores.js';
import { createClaim, setStance } from '../../analysis/index.js';
import { addItems, createCase } from '../service.js';
import { CLI_VIEWER, type Viewer } from '../viewer.js';
import { exportPackage } from './build.js';
import { verifyPackage } from './verify.js';

interface Line {
  seq: number;
  payload: string;
}

/** entriesOf reads a bag's custody-entries.jsonl: each line's seq and parsed payload. */
function entriesOf(bag: string) {
  return readFileSync(join(bag, 'attest/custody-entries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line)
    .map((l) => ({ seq: l.seq, body: JSON.parse(l.payload) as Record<string, unknown> }));
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: a package carries only the entries its requester may read`, () => {
    let s: TestStore;
    let dir: string;
    let caseRef = '';
    let witnessCaseId = '';
    let claimId = '';
    const general: Viewer = {
      actor: 'user-general',
      read: ['general'],
      write: ['general'],
      override: [],
      log: ['general'],
    };

    before(async () => {
      s = await openTestStore(dialect);
      dir = scratchDir('attest-walls-');
      const fx = await caseFixture(s.ctx, 'general');
      caseRef = fx.caseRef;
      const ern = fx.erns[0]!;
      // Behind the witness wall, about the general item: a claim's stance, a case holding it,
      // and that case's export.
      const analyst = { id: 'user-witness', read: ['general', 'witness'], write: ['witness'], reveal: [] };
      const claim = await createClaim(s.ctx, analyst, {
        statement: 'The buses left Ramouseh at 14:00',
        compartment: 'witness',
      });
      claimId = claim.id;
      await setStance(s.ctx, analyst, claim.id, ern, 'supports');
      const witnessCase = await createCase(s.ctx, CLI_VIEWER, { title: 'W-017', compartment: 'witness' });
      witnessCaseId = witnessCase.id;
      await addItems(s.ctx, CLI_VIEWER, witnessCase.ref, [ern]);
      await exportPackage(s.ctx, CLI_VIEWER, { target: witnessCase.ref, out: join(dir, 'witness') });
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await s.close();
    });

    const hidden = (body: Record<string, unknown>) =>
      body.compartment === 'witness' || body.case === witnessCaseId || body.claim === claimId;

    it('the operator’s package holds the witness-side entries (they exist)', async () => {
      const bag = join(dir, 'operator');
      await exportPackage(s.ctx, CLI_VIEWER, { target: caseRef, out: bag });
      const found = entriesOf(bag).filter((e) => hidden(e.body));
      assert.ok(found.length >= 3, `stance, case-add and export behind the wall: ${found.length}`);
    });

    it('a general investigator’s package leaves them out entirely and still verifies', async () => {
      const bag = join(dir, 'general');
      const res = await exportPackage(s.ctx, general, { target: caseRef, out: bag });
      assert.equal(res.items, 3);
      const entries = entriesOf(bag);
      assert.deepEqual(
        entries.filter((e) => hidden(e.body)).map((e) => e.body.kind),
        [],
      );
      assert.ok(!readFileSync(join(bag, 'attest/custody-entries.jsonl'), 'utf8').includes('user-witness'));
      // What is left is the items' own history and this case's: ingest, case-add, the exports
      // of this case (the operator's package above, and this one).
      assert.equal(entries.filter((e) => e.body.kind === 'ingest').length, 3);
      assert.equal(
        entries.filter((e) => e.body.kind === 'export' && e.body.package === res.packageId).length,
        3,
      );
      assert.ok(entries.every((e) => e.body.kind !== 'export' || e.body.case !== witnessCaseId));
      // No proof and no seq in any item's metadata points at a hidden entry.
      const seqs = new Set(entries.map((e) => e.seq));
      const proofs = JSON.parse(readFileSync(join(bag, 'attest/inclusion-proofs.json'), 'utf8')) as {
        proofs: { seq: number }[];
      };
      assert.deepEqual(
        proofs.proofs.map((p) => p.seq).sort((a, b) => a - b),
        [...seqs].sort((a, b) => a - b),
      );
      const info = JSON.parse(readFileSync(join(bag, 'attest/package-info.json'), 'utf8')) as {
        items: { metadataPath: string; entries: number[] }[];
      };
      for (const item of info.items) {
        assert.ok(item.entries.every((n) => seqs.has(n)));
        const meta = JSON.parse(readFileSync(join(bag, item.metadataPath), 'utf8')) as {
          custodyEntries: number[];
        };
        assert.deepEqual(meta.custodyEntries, item.entries);
      }
      const report = await verifyPackage(bag, { key: s.ctx.logKey.verifierKey });
      assert.deepEqual(report.failures, []);
    });
  });
}
