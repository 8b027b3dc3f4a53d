/**
 * Issue #7: an item's custody timeline shows a reader only the entries they may read
 * (src/custody/entry-access.ts): an analysis record or a case in a compartment they cannot see
 * that touches an item they can see leaves no trace in its timeline (DESIGN rule 7).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createClaim, setStance } from '../src/analysis/index.js';
import { buildApp } from '../src/api/server.js';
import { addItems, createCase } from '../src/cases/index.js';
import { addContent } from '../src/vault/index.js';
import { type TestCaller, tokenAs } from './support/access.js';
import { DIALECTS, openTestStore, type TestStore } from './support/stores.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: custody timeline across compartments (issue #7)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let outsider: TestCaller;
    let insider: TestCaller;
    let auditor: TestCaller;
    let ern = '';

    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
      outsider = await tokenAs(s.ctx, 'investigator', ['general']);
      insider = await tokenAs(s.ctx, 'investigator', ['general', 'witness']);
      auditor = await tokenAs(s.ctx, 'auditor', ['*']);
      ern = (
        await addContent(s.ctx, Readable.from([Buffer.from('report: the convoy was stopped')]), {
          originalName: 'report.txt',
          provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
          compartment: 'general',
          actor: outsider.userId,
        })
      ).item.ern;
      // In the witness compartment, about the general item: a claim's stance and a case.
      const actor = { id: insider.userId, read: ['general', 'witness'], write: ['witness'], reveal: [] };
      const claim = await createClaim(s.ctx, actor, {
        statement: 'The convoy was stopped',
        compartment: 'witness',
      });
      await setStance(s.ctx, actor, claim.id, ern, 'supports');
      const viewer = {
        actor: insider.userId,
        read: ['general', 'witness'],
        write: ['general', 'witness'],
        override: [],
        log: ['general', 'witness'],
      };
      const c = await createCase(s.ctx, viewer, { title: 'Witness case', compartment: 'witness' });
      await addItems(s.ctx, viewer, c.ref, [ern]);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const timeline = async (caller: TestCaller) => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/items/${ern}/custody`,
        headers: caller.headers,
      });
      assert.equal(res.statusCode, 200, res.body);
      return JSON.parse(res.body) as { entries: { seq: number; kind: string; actor: string }[] };
    };

    it('shows a reader of the item only its entries, not those of records in a compartment they cannot see', async () => {
      const seen = await timeline(outsider);
      assert.deepEqual(
        seen.entries.map((e) => e.kind),
        ['ingest'],
      );
      assert.ok(
        !JSON.stringify(seen).includes(insider.userId),
        'nothing names the other compartment’s actor',
      );
    });

    it('shows them to a reader of both compartments and to an auditor of all', async () => {
      for (const caller of [insider, auditor])
        assert.deepEqual(
          (await timeline(caller)).entries.map((e) => e.kind),
          ['ingest', 'annotate', 'annotate'],
        );
    });
  });
}
