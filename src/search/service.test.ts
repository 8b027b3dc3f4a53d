import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { itemEntries } from '../custody/index.js';
import { addContent, amendItem } from '../vault/index.js';
import { SearchError } from './errors.js';
import { indexItem } from './indexer.js';
import { itemMentions } from './mentions.js';
import { search } from './service.js';

const add = (s: TestStore, text: string, extra: Record<string, unknown> = {}) =>
  addContent(s.ctx, Readable.from([Buffer.from(text)]), {
    originalName: 'note.txt',
    title: (extra.title as string) ?? text.slice(0, 30),
    provenance: {
      source: (extra.source as string) ?? 'field team 3',
      collectedAt: (extra.collectedAt as string) ?? '2016-12-18',
      collectedBy: 'monitor-07',
    },
    compartment: (extra.compartment as string) ?? 'general',
    actor: 'user-test',
    ...(extra.parentItemId ? { parentItemId: extra.parentItemId as string } : {}),
    ...(extra.metadata ? { metadata: extra.metadata as Record<string, unknown> } : {}),
  }).then((o) => o.item);

for (const dialect of DIALECTS) {
  describe(`${dialect}: a date-ordered page read by spans of months`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
      // 48 documents over 40 months, in no date order; some on the first of a month (a day
      // sorts before that month's first instant as text), some written as instants.
      for (let i = 0; i < 48; i++) {
        const month = 2014 * 12 + ((i * 7) % 40);
        const ym = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
        const day = i % 4 === 0 ? '01' : String(10 + (i % 18));
        await add(s, `Market report ${i}${i % 3 === 0 ? ': bread queue' : ''}.`, {
          collectedAt: i % 5 === 0 ? `${ym}-${day}T12:00:00Z` : `${ym}-${day}`,
          compartment: i % 7 === 0 ? 'witness' : 'general',
        });
      }
    });
    after(async () => s.close());

    it('pages through every match in date order, as the date walk does', async () => {
      for (const q of ['market sort:date', 'bread sort:date'])
        for (const limit of [2, 5]) {
          const read = async (dateRead: 'walk' | 'spans') => {
            const got: string[] = [];
            let next: string | null = null;
            do {
              const page = await search(s.ctx, {
                q,
                compartments: ['general'],
                limit,
                rankWindow: 2,
                dateRead,
                ...(next ? { cursor: next } : {}),
              });
              got.push(...page.results.map((r) => `${r.date} ${r.ern}`));
              next = page.next;
            } while (next);
            return got;
          };
          const walked = await read('walk');
          assert.ok(walked.length >= 10, `${q}: ${walked.length} matches`);
          assert.deepEqual(await read('spans'), walked, `${q}, pages of ${limit}`);
        }
    });

    it('is not thrown off by a document dated December 9999 in a compartment the caller cannot read', async () => {
      // The newest date sizes the spans; a span's bound past year 9999 would have no month key
      // (review finding: the page came back empty for every caller).
      await add(s, 'Unrelated note.', { collectedAt: '9999-12-31', compartment: 'witness' });
      for (const dateRead of [undefined, 'spans'] as const) {
        const page = async (how?: 'walk' | 'spans') =>
          (
            await search(s.ctx, {
              q: 'market sort:date',
              compartments: ['general'],
              limit: 3,
              rankWindow: 2,
              ...(how ? { dateRead: how } : {}),
            })
          ).results.map((r) => r.ern);
        const walked = await page('walk');
        assert.equal(walked.length, 3);
        assert.deepEqual(await page(dateRead), walked, dateRead ?? 'the cheaper way');
      }
    });
  });

  describe(`${dialect}: search`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
      for (let i = 1; i <= 25; i++) {
        await add(s, `Convoy report ${i}: buses counted at the crossing near Foua, checkpoint number ${i}.`, {
          collectedAt: `2016-12-${String((i % 20) + 1).padStart(2, '0')}`,
          source: i % 2 ? 'field team 3' : 'news wire',
        });
      }
      await add(s, 'Witness W-17 saw the convoy stopped at the checkpoint near Foua for hours.', {
        compartment: 'witness',
        source: 'protected source',
        collectedAt: '2017-01-05',
      });
    });
    after(async () => s.close());

    describe('when more documents match than a query ranks (the ranking window)', () => {
      it('ranks and counts the newest matches, says the total is a lower bound, and pages through them', async () => {
        const capped = await search(s.ctx, {
          q: 'convoy',
          compartments: ['general'],
          limit: 3,
          rankWindow: 10,
        });
        assert.equal(capped.totalExact, false);
        assert.equal(capped.total, 10);
        assert.equal(
          capped.facets.kind.reduce((n, f) => n + f.count, 0),
          10,
          'facets count the window',
        );
        const seen = new Set<string>();
        let page = capped;
        for (let i = 0; i < 10 && page; i++) {
          for (const r of page.results) seen.add(r.ern);
          if (!page.next) break;
          page = await search(s.ctx, {
            q: 'convoy',
            compartments: ['general'],
            limit: 3,
            rankWindow: 10,
            cursor: page.next,
          });
        }
        assert.equal(seen.size, 10, 'the cursor walks the whole window once');
        const exact = await search(s.ctx, {
          q: 'convoy',
          compartments: ['general'],
          limit: 3,
          rankWindow: 25,
        });
        assert.deepEqual([exact.total, exact.totalExact], [25, true]);
      });
      it('still sorts by date exactly over every match, page after page, read either way', async () => {
        const all = await search(s.ctx, { q: 'convoy sort:date', compartments: ['general'], limit: 100 });
        const want = all.results.map((r) => r.ern);
        for (const dateRead of [undefined, 'walk', 'matches'] as const) {
          const got: string[] = [];
          let next: string | null = null;
          do {
            const page = await search(s.ctx, {
              q: 'convoy sort:date',
              compartments: ['general'],
              limit: 4,
              rankWindow: 5,
              ...(dateRead ? { dateRead } : {}),
              ...(next ? { cursor: next } : {}),
            });
            assert.equal(page.totalExact, false);
            got.push(...page.results.map((r) => r.ern));
            next = page.next;
          } while (next);
          assert.deepEqual(got, want, `read by ${dateRead ?? 'the cheaper way'}`);
        }
        const dates = all.results.map((r) => r.date);
        assert.deepEqual(dates, [...dates].sort().reverse());
      });
      it('scores a date-ordered page as the relevance order scores the same documents', async () => {
        for (const rankWindow of [1000, 5]) {
          const q = { compartments: ['general'] as string[], limit: 100, rankWindow };
          const byScore = await search(s.ctx, { ...q, q: 'convoy' });
          const byDate = await search(s.ctx, { ...q, q: 'convoy sort:date' });
          const scores = new Map(byScore.results.map((r) => [r.ern, r.score]));
          assert.ok(
            byDate.results.some((r) => r.score > 0),
            `window ${rankWindow}: scored`,
          );
          // In the window, the window's score; past it, 0 (as before: the date order reads
          // every match, the scores are the window's).
          for (const r of byDate.results)
            assert.equal(r.score, scores.get(r.ern) ?? 0, `${rankWindow} ${r.ern}`);
        }
      });
      it('keeps a hidden compartment out of the window, its counts and its date walk', async () => {
        for (const dateRead of ['walk', 'matches'] as const) {
          const r = await search(s.ctx, {
            q: 'checkpoint sort:date',
            compartments: ['general'],
            limit: 50,
            rankWindow: 3,
            dateRead,
          });
          assert.ok(!r.results.some((x) => x.source === 'protected source'), dateRead);
          assert.equal(r.results.length, 25, dateRead);
          // A filter the columns decide (no compartment term in the index's query) still holds.
          const wire = await search(s.ctx, {
            q: 'checkpoint source:"news wire" sort:date',
            compartments: ['general', 'witness'],
            limit: 50,
            rankWindow: 3,
            dateRead,
          });
          assert.equal(wire.results.length, 12, dateRead);
          assert.ok(
            wire.results.every((x) => x.source === 'news wire'),
            dateRead,
          );
        }
        const hidden = await search(s.ctx, { q: 'W-17', compartments: ['general'], rankWindow: 1 });
        assert.deepEqual([hidden.total, hidden.totalExact, hidden.results.length], [0, true, 0]);
      });
    });

    describe('when the caller may read only some compartments', () => {
      it('counts, facets and pages only what they may see (DESIGN rule 7)', async () => {
        const general = await search(s.ctx, { q: 'convoy', compartments: ['general'], limit: 100 });
        const all = await search(s.ctx, { q: 'convoy', compartments: 'all', limit: 100 });
        assert.equal(general.total, 25);
        assert.equal(all.total, 26);
        assert.equal(general.results.length, 25);
        const sources = general.facets.source.map((f) => f.value);
        assert.ok(!sources.includes('protected source'), sources.join());
        assert.ok(!general.facets.year.some((y) => y.value === '2017'));
        assert.equal(
          general.facets.kind.reduce((n, f) => n + f.count, 0),
          25,
        );
        const witnessOnly = await search(s.ctx, {
          q: '"protected source" OR W-17',
          compartments: ['general'],
        });
        assert.equal(witnessOnly.total, 0);
        assert.deepEqual(witnessOnly.facets.admin1, []);
      });
      it('answers an empty result for a caller with no compartment', async () => {
        const none = await search(s.ctx, { q: 'convoy', compartments: [] });
        assert.deepEqual([none.total, none.results.length, none.next], [0, 0, null]);
      });
    });

    describe('paging with the cursor', () => {
      it('walks every hit once, by relevance and by date', async () => {
        for (const sort of ['relevance', 'date'] as const) {
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let page = 0; page < 10; page++) {
            const res = await search(s.ctx, {
              q: 'checkpoint',
              compartments: ['general'],
              limit: 7,
              sort,
              ...(cursor ? { cursor } : {}),
            });
            seen.push(...res.results.map((r) => r.ern));
            if (!res.next) break;
            cursor = res.next;
          }
          assert.equal(seen.length, 25, sort);
          assert.equal(new Set(seen).size, 25, `${sort}: no hit twice`);
        }
      });
      it('sorts by date newest first', async () => {
        const res = await search(s.ctx, { q: 'convoy sort:date', compartments: ['general'], limit: 25 });
        const dates = res.results.map((r) => r.date);
        assert.deepEqual(dates, [...dates].sort().reverse());
      });
      it('refuses a cursor from another query or a forged one', async () => {
        const res = await search(s.ctx, { q: 'checkpoint', compartments: ['general'], limit: 5 });
        assert.ok(res.next);
        for (const cursor of [res.next, 'abc', 'eyJ4Ijox', `${res.next}x`]) {
          await assert.rejects(
            search(s.ctx, { q: 'checkpoint OR convoy', compartments: ['general'], cursor }),
            (e: unknown) => e instanceof SearchError && e.code === 'INVALID_CURSOR',
          );
        }
      });
    });

    describe('filters', () => {
      it('narrows by source, date, ERN and place (everything inside an admin area)', async () => {
        const bySource = await search(s.ctx, { q: 'convoy source:"news wire"', compartments: 'all' });
        assert.equal(bySource.total, 12);
        const byDate = await search(s.ctx, {
          q: 'convoy after:2016-12-10 before:2016-12-12',
          compartments: 'all',
        });
        assert.ok(byDate.results.every((r) => r.date >= '2016-12-10' && r.date < '2016-12-12'));
        assert.equal(byDate.total, 2);
        const byErn = await search(s.ctx, { q: 'ern:ATT-000003', compartments: 'all' });
        assert.deepEqual(
          byErn.results.map((r) => r.ern),
          ['ATT-000003'],
        );
        // Foua (C3905) lies in Idleb governorate SY07, district SY0700, sub-district SY070002.
        for (const place of ['SY07', 'SY0700', 'SY070002', 'C3905', 'Foah']) {
          const res = await search(s.ctx, { q: `convoy place:${place}`, compartments: ['general'] });
          assert.equal(res.total, 25, place);
        }
        assert.equal((await search(s.ctx, { q: 'convoy place:SY02', compartments: 'all' })).total, 0);
        assert.equal((await search(s.ctx, { q: 'convoy -place:SY07', compartments: 'all' })).total, 0);
        const facet = (await search(s.ctx, { q: 'convoy', compartments: ['general'] })).facets;
        assert.deepEqual(facet.admin1, [{ value: 'SY07', count: 25, name: 'Idleb', nameAr: 'إدلب' }]);
      });
      it('refuses a place that the gazetteer does not know', async () => {
        await assert.rejects(
          search(s.ctx, { q: 'convoy place:Atlantis', compartments: 'all' }),
          (e: unknown) => e instanceof SearchError && e.code === 'UNKNOWN_PLACE',
        );
      });
      it('finds by exclusion alone', async () => {
        const res = await search(s.ctx, { q: '-convoy', compartments: 'all' });
        assert.equal(res.total, 0);
      });
    });

    describe('when an item moves to another compartment', () => {
      it("its text, and its derived items' text, leave the old compartment at once", async () => {
        const letter = await add(s, 'Letter naming the informant qorvath', { compartment: 'general' });
        await add(s, 'OCR: the informant mellinx signed it', { parentItemId: letter.id, title: 'OCR text' });
        await indexItem(s.ctx, letter.id);
        const find = (q: string, compartments: string[]) => search(s.ctx, { q, compartments });
        assert.equal((await find('mellinx', ['general'])).total, 1);
        await amendItem(
          s.ctx,
          letter.ern,
          { compartment: 'witness' },
          { actor: 'user-3', reason: 'protect' },
        );
        // Before any re-index has run: nothing of it in the old compartment, not even a count.
        for (const q of ['qorvath', 'mellinx']) {
          const res = await find(q, ['general']);
          assert.deepEqual([res.total, res.results.length], [0, 0], q);
        }
        // In the new compartment once the re-index the amendment queued has run (the index
        // filters by compartment terms: until then the item is in neither, never in both).
        assert.equal(await indexItem(s.ctx, letter.id), 'indexed');
        assert.deepEqual(
          (await find('mellinx', ['witness'])).results.map((r) => r.ern),
          [letter.ern],
        );
        assert.equal((await find('qorvath', ['general'])).total, 0);
        assert.equal((await find('qorvath', ['witness'])).total, 1);
      });
    });

    describe('indexing', () => {
      it('finds an item by the text of an item derived from it, under the original ERN', async () => {
        const photo = await add(s, 'image placeholder bytes 7f3a', { title: 'Photo of a burned bus' });
        await add(s, 'OCR: لافتة مكتوب عليها مستشفى الرحمة في سراقب', {
          parentItemId: photo.id,
          title: 'OCR text',
        });
        const res = await search(s.ctx, { q: 'مستشفى', compartments: 'all' });
        assert.deepEqual(
          res.results.map((r) => r.ern),
          [photo.ern],
        );
        assert.match(res.results[0]!.snippet, /<mark>مستشفى<\/mark>/);
        const mentions = await itemMentions(s.ctx, photo.ern, 'all');
        assert.ok(
          mentions.mentions.some((m) => m.pcode === 'C3916' && m.text === 'سراقب'),
          JSON.stringify(mentions),
        );
      });
      it('records place mentions in the custody log once, by hash', async () => {
        const item = await add(s, 'Shelling reported in Khan Sheikhoun and Saraqib.');
        await search(s.ctx, { q: 'shelling', compartments: 'all' });
        assert.equal(await indexItem(s.ctx, item.id), 'unchanged');
        const entries = (await itemEntries(s.ctx, item.id)).filter((e) => e.kind === 'annotate');
        assert.equal(entries.length, 1);
        assert.equal(entries[0]!.data?.annotation, 'place-mentions');
        assert.match(String(entries[0]!.data?.sha256), /^[0-9a-f]{64}$/);
      });
      it('indexes metadata values and places given by P-code', async () => {
        await add(s, 'short note', { metadata: { note: 'Ramouseh crossing log', place: 'C1007' } });
        const res = await search(s.ctx, { q: 'ramouseh place:SY02', compartments: 'all' });
        assert.equal(res.total, 1);
      });
    });

    describe('hostile queries', () => {
      it('fail with a SearchError, never a database error', async () => {
        for (const q of ['"unclosed', '((((((a))))))', 'a'.repeat(600), 'title:x', 'NEAR(', '*', '']) {
          await assert.rejects(
            search(s.ctx, { q, compartments: 'all' }),
            (e: unknown) => e instanceof SearchError,
            JSON.stringify(q.slice(0, 20)),
          );
        }
      });
      it('treats engine syntax as words', async () => {
        for (const q of [
          'NEAR(convoy buses, 2)',
          'convoy AND NOT buses',
          "convoy' OR 1=1 --",
          'convoy:* | !x',
        ]) {
          const res = await search(s.ctx, { q: q.replace('convoy:*', 'convoy*'), compartments: ['general'] });
          assert.ok(res.total >= 0);
        }
      });
    });
  });
}
