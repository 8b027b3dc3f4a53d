// Entity names select documents and never weigh in a score (attack finding F1), and a document
// found by a protected person's real name is a reveal logged in the custody log (finding F5).
// Before the fix, name terms were in the scored row: both engines normalise by document length,
// so a link the caller could not see lowered the linked document's score on every query.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { type Actor, createEntity, createLink } from '../analysis/index.js';
import { JobRegistry, Worker } from '../store/job-worker.js';
import { addContent } from '../vault/index.js';
import type { EntityReach } from './entity-terms.js';
import { searchEntityJob, searchIndexJob } from './job.js';
import { search } from './service.js';

const OPERATOR: Actor = { id: 'user-test', read: 'all', write: 'all', reveal: 'all' };
const GENERAL: EntityReach = { read: ['general'], reveal: [] };
const COUNSEL: EntityReach = { read: ['general'], reveal: ['general'] };
const BOTH: EntityReach = { read: ['general', 'witness'], reveal: [] };

const TEXT = 'The convoy of buses waited at the orchard checkpoint until the evening.';

for (const dialect of DIALECTS) {
  describe(`${dialect}: entity names never weigh in a score`, () => {
    let s: TestStore;
    const ern: Record<string, string> = {};
    const id: Record<string, string> = {};
    let person: string;

    const add = async (key: string, n: number) => {
      // Identical documents: same words, title, source, date and compartment (trailing spaces
      // only make the bytes differ, so the vault keeps four items).
      const { item } = await addContent(s.ctx, Readable.from([Buffer.from(TEXT + ' '.repeat(n))]), {
        originalName: 'n.txt',
        title: 'checkpoint report',
        provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
        compartment: 'general',
        actor: 'user-test',
      });
      ern[key] = item.ern;
      id[key] = item.id;
    };
    const runJobs = async () => {
      const worker = new Worker(s.ctx, new JobRegistry([searchIndexJob, searchEntityJob]), {
        id: 'worker:n',
      });
      while (await worker.runOnce()) {}
    };
    const scores = async (q: string, entities: EntityReach, compartments = ['general'], actor?: string) => {
      const r = await search(s.ctx, { q, compartments, entities, limit: 50, ...(actor ? { actor } : {}) });
      return r.results.map((x) => [x.ern, x.score] as const);
    };
    const scoreOf = (rows: ReadonlyArray<readonly [string, number]>, key: string) =>
      rows.find(([e]) => e === ern[key])?.[1];

    before(async () => {
      s = await openTestStore(dialect);
      for (const [n, k] of ['plain1', 'hidden', 'plain2', 'named'].entries()) await add(k, n);
      // Other documents of the compartment, so that the words above weigh something in bm25.
      for (let i = 0; i < 8; i++)
        await addContent(
          s.ctx,
          Readable.from([Buffer.from(`Minutes of meeting ${i} about water supply and shelter.`)]),
          {
            originalName: 'm.txt',
            title: `minutes ${i}`,
            provenance: { source: 'field team 3', collectedAt: '2016-12-19', collectedBy: 'monitor-07' },
            compartment: 'general',
            actor: 'user-test',
          },
        );
      // `hidden`: linked in the witness compartment to an entity of witness (the general
      // reader cannot see the link). `named`: linked in general to a protected person with a long
      // real name (the general reader sees the pseudonym only).
      const informant = await createEntity(s.ctx, OPERATOR, {
        kind: 'organisation',
        name: 'Qaterji Transport and Logistics Company of the Northern Countryside',
        compartment: 'witness',
      });
      await createLink(s.ctx, OPERATOR, {
        from: { type: 'item', id: ern.hidden! },
        relation: 'mentions',
        to: { type: 'entity', id: informant.id },
        compartment: 'witness',
      });
      person = (
        await createEntity(s.ctx, OPERATOR, {
          kind: 'person',
          name: 'Abdulrahman Mustafa Haddad al-Halabi',
          nameAr: 'عبد الرحمن مصطفى الحداد الحلبي',
          aliases: ['Abu Mustafa the Baker of Bustan al-Qasr'],
          compartment: 'general',
          protection: 'protected',
          pseudonym: 'Witness Falcon',
        })
      ).id;
      await createLink(s.ctx, OPERATOR, {
        from: { type: 'item', id: ern.named! },
        relation: 'mentions',
        to: { type: 'entity', id: person },
        compartment: 'general',
      });
      await runJobs();
    });
    after(async () => s.close());

    it('scores a document with a link the caller cannot see like its twin without one', async () => {
      for (const q of ['convoy', 'orchard checkpoint', '"convoy of buses"', 'evening OR buses', 'check*']) {
        const rows = await scores(q, GENERAL);
        assert.equal(rows.length, 4, q);
        const plain = scoreOf(rows, 'plain1');
        assert.ok(plain !== undefined && plain > 0, q);
        for (const k of ['plain2', 'hidden', 'named']) assert.equal(scoreOf(rows, k), plain, `${q}: ${k}`);
        // Equal scores: the order is by ERN, the same every time.
        assert.deepEqual(
          rows.map(([e]) => e),
          [ern.plain1, ern.hidden, ern.plain2, ern.named],
          q,
        );
      }
    });

    it('keeps every score the same for a caller who can see the links (names select, never score)', async () => {
      const rows = await scores(
        'convoy',
        { read: ['general', 'witness'], reveal: ['general'] },
        ['general', 'witness'],
        'user-c',
      );
      assert.equal(new Set(rows.map(([, v]) => v)).size, 1);
    });

    it('still finds the document by the name for a caller who may see the link', async () => {
      assert.deepEqual(
        (await scores('Qaterji', BOTH, ['general', 'witness'])).map(([e]) => e),
        [ern.hidden],
      );
      assert.deepEqual(
        (await scores('Qaterji', GENERAL)).map(([e]) => e),
        [],
      );
      // A name and a word of the text: the text scores, the name selects.
      const both = await scores('Qaterji convoy', BOTH, ['general', 'witness']);
      assert.deepEqual(
        both.map(([e]) => e),
        [ern.hidden],
      );
      assert.equal(both[0]![1], scoreOf(await scores('convoy', GENERAL), 'hidden'));
      // A name excluded: every document but the linked one.
      assert.deepEqual(
        (await scores('convoy -Qaterji', BOTH, ['general', 'witness'])).map(([e]) => e),
        [ern.plain1, ern.plain2, ern.named],
      );
      assert.deepEqual(
        (await scores('Falcon', GENERAL)).map(([e]) => e),
        [ern.named],
      );
      assert.deepEqual(
        (await scores('Haddad', GENERAL, ['general'], 'user-g')).map(([e]) => e),
        [],
      );
      assert.deepEqual(
        (await scores('Haddad', COUNSEL, ['general'], 'user-c')).map(([e]) => e),
        [ern.named],
      );
      assert.deepEqual(
        (await scores('Qaterji OR Falcon', BOTH, ['general', 'witness'])).map(([e]) => e).sort(),
        [ern.hidden, ern.named].sort(),
      );
    });

    it('logs a reveal when a protected real name finds a document, with ids only (F5)', async () => {
      const views = async () =>
        (
          await s.ctx.db
            .selectFrom('custody_entry')
            .select(['seq', 'item_id', 'actor_id', 'payload'])
            .where('kind', '=', 'view')
            .orderBy('seq')
            .execute()
        ).map((r) => ({ ...r, seq: Number(r.seq) }));
      const before = (await views()).length;
      // The pseudonym, a real name without persons:reveal, or no actor: no reveal, no entry.
      await scores('Falcon', COUNSEL, ['general'], 'user-c');
      await scores('Haddad', GENERAL, ['general'], 'user-g');
      assert.deepEqual(
        (await search(s.ctx, { q: 'Haddad', compartments: ['general'], entities: COUNSEL })).results,
        [],
        'no actor to log under: the real name does not match',
      );
      assert.equal((await views()).length, before);
      // The real name found by a holder of persons:reveal: one view of the identity.
      for (const [i, q] of ['Haddad', 'الحداد', 'Abdulrah*', 'convoy Mustafa'].entries()) {
        // Each in an hour of its own: within one hour a reveal is logged once (the next test).
        s.setTime(`2016-12-20T${10 + i}:05:00Z`);
        const n = (await views()).length;
        assert.deepEqual(
          (await scores(q, COUNSEL, ['general'], 'user-c')).map(([e]) => e),
          [ern.named],
          q,
        );
        const added = (await views()).slice(n);
        assert.equal(added.length, 1, q);
        const entry = added[0]!;
        assert.equal(entry.actor_id, 'user-c');
        assert.equal(entry.item_id, id.named);
        const payload = JSON.parse(entry.payload) as Record<string, unknown>;
        assert.equal(payload.record, person);
        assert.equal(payload.part, 'identity');
        assert.equal(payload.via, 'search');
        for (const secret of ['Haddad', 'haddad', 'الحداد', 'Abdulrah', 'Mustafa', 'mustafa'])
          assert.ok(!entry.payload.includes(secret), `${q}: the entry never holds the name`);
      }
      // A link kept in a third compartment: the entry is the person's alone (no item, no ERN),
      // so a log reader of the item's and the person's compartments learns of no hidden link.
      const other = await createEntity(s.ctx, OPERATOR, {
        kind: 'person',
        name: 'Rami Saleh',
        compartment: 'general',
        protection: 'protected',
        pseudonym: 'Source Heron',
      });
      await createLink(s.ctx, OPERATOR, {
        from: { type: 'item', id: ern.plain1! },
        relation: 'mentions',
        to: { type: 'entity', id: other.id },
        compartment: 'witness',
      });
      await runJobs();
      s.setTime('2016-12-20T15:05:00Z');
      const m = (await views()).length;
      const reach: EntityReach = { read: ['general', 'witness'], reveal: ['general'] };
      assert.deepEqual(
        (await scores('Saleh', reach, ['general', 'witness'], 'user-c')).map(([e]) => e),
        [ern.plain1],
      );
      const third = (await views()).slice(m);
      assert.equal(third.length, 1);
      assert.equal(third[0]!.item_id, null);
      const p3 = JSON.parse(third[0]!.payload) as Record<string, unknown>;
      assert.equal(p3.record, other.id);
      assert.equal(p3.ern, undefined);
      assert.equal(p3.compartment, 'general');
      // Excluding the name reveals nothing the page shows: no entry.
      const n = (await views()).length;
      await scores('convoy -Haddad', COUNSEL, ['general'], 'user-c');
      assert.equal((await views()).length, n);
    });

    it('logs a reveal once per hour, user, item and person, like a read of the item (issue 15)', async () => {
      const revealsOf = async (actor: string) =>
        (
          await s.ctx.db
            .selectFrom('custody_entry')
            .select(['seq', 'payload'])
            .where('kind', '=', 'view')
            .where('actor_id', '=', actor)
            .orderBy('seq')
            .execute()
        ).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
      s.setTime('2016-12-21T09:00:00Z');
      // The first page that shows the reveal logs it, before the page is returned.
      assert.deepEqual(
        (await scores('Haddad', COUNSEL, ['general'], 'user-w')).map(([e]) => e),
        [ern.named],
      );
      const first = await revealsOf('user-w');
      assert.equal(first.length, 1, 'the first reveal is logged');
      assert.deepEqual(
        [first[0]!.record, first[0]!.part, first[0]!.via, first[0]!.window],
        [person, 'identity', 'search', '2016-12-21T09:00:00Z'],
      );
      // The same search again, another page of it, other words for the name: the same hour.
      s.setTime('2016-12-21T09:30:00Z');
      await scores('Haddad', COUNSEL, ['general'], 'user-w');
      await search(s.ctx, {
        q: 'الحداد',
        compartments: ['general'],
        entities: COUNSEL,
        limit: 1,
        actor: 'user-w',
      });
      await scores('convoy Mustafa', COUNSEL, ['general'], 'user-w');
      s.setTime('2016-12-21T09:59:59Z');
      await scores('Abdulrah*', COUNSEL, ['general'], 'user-w');
      assert.equal((await revealsOf('user-w')).length, 1, 'one entry for the hour');
      const window = await s.ctx.db
        .selectFrom('custody_view_window')
        .select(['reads', 'seq'])
        .where('actor_id', '=', 'user-w')
        .where('hour', '=', '2016-12-21T09:00:00Z')
        .executeTakeFirstOrThrow();
      assert.equal(Number(window.reads), 5, 'every reveal counted in the window');
      // Another user in the same hour, and the same user in the next hour: logged.
      await scores('Haddad', COUNSEL, ['general'], 'user-x');
      assert.equal((await revealsOf('user-x')).length, 1, 'another user');
      s.setTime('2016-12-21T10:00:00Z');
      await scores('Haddad', COUNSEL, ['general'], 'user-w');
      const after = await revealsOf('user-w');
      assert.equal(after.length, 2, 'the next hour');
      assert.equal(after[1]!.window, '2016-12-21T10:00:00Z');
    });
  });
}
