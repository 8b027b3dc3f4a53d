// The filters as index terms (filter-terms.ts) against a brute-force reading of the same
// items, on both backends: every filter shape the query language has, alone, with words, with
// exclusions, in one compartment and in all — and the columns, not the terms, decide.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { analyze } from '../lib/search-tokens.js';
import { addContent } from '../vault/index.js';
import type { TextPlan } from './backends/backend.js';
import { backendFor } from './backends/backend-for.js';
import { sequenceKey, sequenceKeys } from './backends/pg-plan.js';
import { selectingTsquery } from './backends/postgres-backend.js';
import type { Match } from './query/compile.js';
import { candidatesOf, conditionsOf, type ResolvedFilters } from './repo.js';
import { search } from './service.js';

interface Doc {
  ern: string;
  text: string;
  source: string;
  date: string;
  compartment: string;
  idleb: boolean;
}

const SOURCES = ['field team 3', 'News Wire', 'فريق الرصد 1'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: filters through the text index`, () => {
    let s: TestStore;
    const docs: Doc[] = [];
    before(async () => {
      s = await openTestStore(dialect);
      for (let i = 0; i < 36; i++) {
        const idleb = i % 3 === 0;
        const text = `${i % 2 ? 'Convoy' : 'Bakery'} report ${i}: ${idleb ? 'buses near Foua' : 'queue in Aleppo'}, ${i % 4 ? 'قصف' : 'مشفى'}.`;
        const d = {
          text,
          source: SOURCES[i % 3]!,
          date: `${2015 + (i % 4)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`,
          compartment: i % 5 === 0 ? 'witness' : 'general',
          idleb,
        };
        const { item } = await addContent(s.ctx, Readable.from([Buffer.from(text)]), {
          originalName: 'note.txt',
          title: `report ${i}`,
          provenance: { source: d.source, collectedAt: d.date, collectedBy: 'monitor-07' },
          compartment: d.compartment,
          actor: 'user-test',
        });
        docs.push({ ...d, ern: item.ern });
      }
    });
    after(async () => s.close());

    const cases: Array<[string, (d: Doc) => boolean]> = [
      ['convoy', (d) => d.text.startsWith('Convoy')],
      ['source:"news wire"', (d) => d.source === 'News Wire'],
      ['convoy -source:"news wire"', (d) => d.text.startsWith('Convoy') && d.source !== 'News Wire'],
      ['source:"فريق الرصد 1" قصف', (d) => d.source === 'فريق الرصد 1' && d.text.includes('قصف')],
      ['-source:"field team 3"', (d) => d.source !== 'field team 3'],
      ['-convoy', (d) => !d.text.startsWith('Convoy')],
      ['-convoy -place:SY07', (d) => !d.text.startsWith('Convoy') && !d.idleb],
      ['after:2016-03-05 before:2017-02', (d) => d.date >= '2016-03-05' && d.date < '2017-02'],
      ['bakery after:2017', (d) => d.text.startsWith('Bakery') && d.date >= '2017'],
      ['before:2016', (d) => d.date < '2016'],
      ['kind:text place:SY07', (d) => d.idleb],
      ['report -kind:text', () => false],
      ['Foua -convoy place:SY07', (d) => d.idleb && !d.text.startsWith('Convoy')],
      ['مشفى place:SY02', (d) => !d.idleb && d.text.includes('مشفى')],
    ];

    for (const compartments of [['general'], 'all'] as const) {
      it(`finds what a brute-force reading finds, in ${compartments === 'all' ? 'every compartment' : 'one compartment'}`, async () => {
        for (const [q, keep] of cases) {
          const want = docs
            .filter((d) => compartments === 'all' || compartments.includes(d.compartment as 'general'))
            .filter(keep)
            .map((d) => d.ern)
            .sort();
          const got = await search(s.ctx, {
            q,
            compartments: compartments === 'all' ? 'all' : [...compartments],
            limit: 100,
          });
          assert.deepEqual(got.results.map((r) => r.ern).sort(), want, q);
          assert.equal(got.total, want.length, q);
          assert.equal(got.totalExact, true, q);
        }
      });
    }

    it('lets the columns decide: a document whose compartment changed is walled off before it is indexed again', async () => {
      const moved = docs.find((d) => d.compartment === 'general' && d.text.startsWith('Convoy'))!;
      await s.ctx.db
        .updateTable('search_doc')
        .set({ compartment: 'witness' })
        .where('ern', '=', moved.ern)
        .execute();
      try {
        for (const q of ['convoy', `convoy source:"${moved.source}"`, '-bakery', 'report']) {
          const res = await search(s.ctx, { q, compartments: ['general'], limit: 100 });
          assert.ok(!res.results.some((r) => r.ern === moved.ern), q);
          const facetTotal = res.facets.source.reduce((n, f) => n + f.count, 0);
          assert.equal(facetTotal, res.total, `${q}: facets count only what the page may show`);
        }
      } finally {
        await s.ctx.db
          .updateTable('search_doc')
          .set({ compartment: 'general' })
          .where('ern', '=', moved.ern)
          .execute();
      }
    });
  });
}

// PostgreSQL reads a match that is not common among the newest documents only, widening the
// span until the window is full (pg-plan.ts, repo.ts recentCandidates): whatever the share it
// starts from, it must find the same newest matches, with the same scores, as a read of all.
for (const dialect of DIALECTS.filter((d) => d === 'postgres')) {
  describe(`${dialect}: reading the newest matches by spans of doc_id`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
      for (let i = 0; i < 40; i++) {
        const text = `${i % 2 ? 'Convoy' : 'Bakery'} report ${i}: ${i % 3 === 0 ? 'buses near Foua' : 'queue in Aleppo'}, ${i % 4 ? 'قصف' : 'مشفى'}.`;
        await addContent(s.ctx, Readable.from([Buffer.from(text)]), {
          originalName: 'note.txt',
          title: `report ${i}`,
          provenance: { source: 'field team 3', collectedAt: '2016-12-15', collectedBy: 'monitor-07' },
          compartment: i % 5 === 0 ? 'witness' : 'general',
          actor: 'user-test',
        });
      }
      await search(s.ctx, { q: 'report', compartments: 'all' }); // indexes them
    });
    after(async () => s.close());

    it('finds the same candidates from any starting share, widening as needed', async () => {
      const backend = backendFor(dialect);
      const filters: ResolvedFilters = {
        compartments: ['general'],
        kinds: [],
        notKinds: [],
        sources: [],
        notSources: [],
        places: [],
        notPlaces: [],
        erns: [],
      };
      let checked = 0;
      const term = (w: string): Match => ({ t: 'term', v: analyze(w)[0]!, prefix: false });
      // A place name's shape: its words as a phrase OR a tag; on PostgreSQL read as two GIN
      // scans (pg-plan.ts exactAndPhrases), checked against the one tsquery it stands for.
      const placeLike: Match = { t: 'or', items: [{ t: 'phrase', vs: analyze('near Foua') }, term('مشفى')] };
      const matches: Array<[string, Match]> = [
        ...['report', 'convoy', 'Foua', 'مشفى', 'qaterji'].map((w): [string, Match] => [w, term(w)]),
        ['"near Foua" OR مشفى', placeLike],
        ['convoy ("near Foua" OR مشفى)', { t: 'and', items: [term('convoy'), placeLike] }],
      ];
      for (const [label, match] of matches) {
        const plan = await backend.plan(s.ctx.db, { match, excludeOnly: null }, null, filters.compartments);
        assert.ok(plan.recent, `${label}: an unanalysed table reads GIN`);
        const c = conditionsOf(plan, filters);
        const { recent: _, ...whole } = plan;
        const mixed = match.t !== 'term';
        const oneTsquery: TextPlan =
          dialect === 'postgres' && mixed
            ? {
                ...whole,
                parts: whole.parts.map((p) => ({
                  ...p,
                  where: sql`d.tsv @@ ${selectingTsquery(match, null, null)}::tsquery`,
                })),
              }
            : whole;
        if (dialect === 'postgres' && mixed)
          assert.match(plan.parts[0]!.where.compile(s.ctx.db).sql, / OR /, `${label}: two GIN scans`);
        if (dialect === 'postgres') {
          // The span is read by its doc_id blocks (a GIN key), not by a doc_id comparison alone.
          const range = plan.recent!.range!(31, undefined, 40).compile(s.ctx.db);
          assert.match(range.sql, /d\.seq && /, `${label}: blocks`);
          assert.deepEqual(range.parameters[0], `{${sequenceKey(4, 2)}}`, `${label}: doc_ids 32 to 47`);
        }
        for (const window of [1, 3, 7]) {
          const want = await candidatesOf(s.ctx.db, oneTsquery, conditionsOf(oneTsquery, filters), window);
          if (mixed) assert.ok(want.length > 0, `${label}: matches something`);
          for (const share of [0.99, 0.4, 0.05, 0]) {
            const got = await candidatesOf(
              s.ctx.db,
              { ...plan, recent: { ...plan.recent!, share } },
              c,
              window,
            );
            assert.deepEqual(got, want, `${label}, window ${window}, starting share ${share}`);
            checked++;
          }
        }
      }
      assert.equal(checked, 84);
    });

    if (dialect === 'postgres')
      it('stores in seq the blocks pg-plan.ts reads by (the migration and sequenceKeys agree), and tsv uncompressed', async () => {
        const r = await sql<{
          doc_id: string;
          seq: string[];
        }>`SELECT doc_id, seq::text[] AS seq FROM search_doc ORDER BY doc_id`.execute(s.ctx.db);
        assert.ok(r.rows.length >= 40);
        for (const row of r.rows)
          assert.deepEqual(row.seq.map(Number), sequenceKeys(Number(row.doc_id)), `doc ${row.doc_id}`);
        // The vectors out of line, uncompressed (migration 0035: decompressing cost every read).
        const storage = await sql<{
          attstorage: string;
        }>`SELECT attstorage FROM pg_attribute WHERE attrelid = 'search_doc'::regclass AND attname = 'tsv'`.execute(
          s.ctx.db,
        );
        assert.equal(storage.rows[0]?.attstorage, 'e');
      });
  });
}
