import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, problemType, type TestCaller } from '../../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../../test/support/stores.js';
import { buildApp } from '../../api/server.js';
import { addContent, amendItem } from '../../vault/index.js';
import { verifyAnalysis } from '../verify.js';

interface Annotations {
  ern: string;
  tags: { tag: string; createdBy: string }[];
  notes: { id: string; text: string; createdAt: string; createdBy: string }[];
  canWrite: boolean;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: tags and notes on items`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    /** An investigator in general only. */
    let general: TestCaller;
    /** An investigator in witness and general. */
    let witness: TestCaller;
    /** Counsel in general (analysis:read, no analysis:write). */
    let counsel: TestCaller;
    const erns: Record<string, string> = {};

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2017-05-12T09:00:00.000Z');
      app = await buildApp(s.ctx, { webDist: false });
      general = await loginAs(app, s.ctx, 'investigator', ['general']);
      witness = await loginAs(app, s.ctx, 'investigator', ['witness', 'general']);
      counsel = await loginAs(app, s.ctx, 'legal', ['general']);
      for (const [key, compartment] of [
        ['photo', 'general'],
        ['statement', 'witness'],
      ] as const) {
        const out = await addContent(s.ctx, Readable.from([Buffer.from(`${key} text`)]), {
          originalName: `${key}.txt`,
          title: key,
          provenance: { source: 'field team 1', collectedAt: '2017-05-10', collectedBy: 'monitor-02' },
          compartment,
          actor: 'user-test',
        });
        erns[key] = out.item.ern;
      }
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, who: TestCaller, body?: unknown) =>
      app.inject({
        method,
        url,
        headers: who.headers,
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    const annotateEntries = async () =>
      (
        await s.ctx.db
          .selectFrom('custody_entry')
          .select(['seq', 'payload', 'item_id'])
          .where('kind', '=', 'annotate')
          .orderBy('seq')
          .execute()
      ).map((r) => ({ ...r, data: JSON.parse(r.payload) as Record<string, string> }));

    it('adds and removes tags in one spelling (Arabic too), each change one custody entry with no tag text', async () => {
      const added = await call('PATCH', `/api/items/${erns.photo}/tags`, general, {
        add: ['  Hospital   STRIKE ', 'مستشفى', 'hospital strike'],
      });
      assert.equal(added.statusCode, 200, added.body);
      const a = added.json() as Annotations;
      assert.deepEqual(
        a.tags.map((t) => t.tag),
        ['hospital strike', 'مستشفى'],
      );
      assert.equal(a.canWrite, true);
      const again = await call('PATCH', `/api/items/${erns.photo}/tags`, general, {
        add: ['Hospital Strike'],
      });
      assert.equal(again.statusCode, 200);
      const removed = await call('PATCH', `/api/items/${erns.photo}/tags`, general, {
        remove: ['مستشفى'],
        add: ['verified:geolocated'],
      });
      assert.deepEqual(
        (removed.json() as Annotations).tags.map((t) => t.tag),
        ['hospital strike', 'verified:geolocated'],
      );
      const entries = (await annotateEntries()).filter((e) => e.data.annotation === 'item-tags');
      assert.equal(entries.length, 2, 'a change that changes nothing appends nothing');
      assert.deepEqual([entries[1]?.data.added, entries[1]?.data.removed], ['1', '1']);
      // The item decides who reads the entry (it follows a compartment move); the entry names none.
      assert.equal(entries[1]?.data.compartment, undefined);
      assert.ok(entries.every((e) => e.item_id !== null && e.data.record === e.item_id));
      for (const e of entries) {
        assert.ok(!/hospital|مستشفى|geolocated/i.test(e.payload), e.payload);
        assert.match(e.data.sha256 ?? '', /^[0-9a-f]{64}$/);
      }
    });

    it('appends notes (line breaks kept, oldest first) and logs each by id and salted hash only', async () => {
      const first = await call('POST', `/api/items/${erns.photo}/notes`, general, {
        text: 'The minaret in the background places this at the east gate.\r\nCheck against imagery.',
      });
      assert.equal(first.statusCode, 201, first.body);
      s.setTime('2017-05-12T09:01:00.000Z');
      const second = await call('POST', `/api/items/${erns.photo}/notes`, general, {
        text: 'المئذنة في الخلفية تحدد المكان عند البوابة الشرقية',
      });
      assert.equal(second.statusCode, 201);
      const got = (await call('GET', `/api/items/${erns.photo}/annotations`, counsel)).json() as Annotations;
      assert.deepEqual(
        got.notes.map((n) => n.text),
        [
          'The minaret in the background places this at the east gate.\nCheck against imagery.',
          'المئذنة في الخلفية تحدد المكان عند البوابة الشرقية',
        ],
      );
      assert.equal(got.notes[0]?.createdBy, general.userId);
      assert.equal(got.canWrite, false, 'counsel read the analysis but do not record it');
      const entries = (await annotateEntries()).filter((e) => e.data.annotation === 'note-create');
      assert.deepEqual(
        entries.map((e) => e.data.record),
        got.notes.map((n) => n.id),
      );
      for (const e of entries) assert.ok(!/minaret|المئذنة/.test(e.payload));
      assert.deepEqual(await verifyAnalysis(s.ctx), []);
    });

    it('attest verify names a note or tag set changed behind the log’s back', async () => {
      const note = await s.ctx.db
        .selectFrom('item_note')
        .select(['id', 'text'])
        .orderBy('created_at')
        .executeTakeFirstOrThrow();
      const tag = await s.ctx.db.selectFrom('item_tag').select(['item_id', 'tag']).executeTakeFirstOrThrow();
      await s.ctx.db.updateTable('item_note').set({ text: 'rewritten' }).where('id', '=', note.id).execute();
      await s.ctx.db
        .updateTable('item_tag')
        .set({ tag: 'forged' })
        .where('item_id', '=', tag.item_id)
        .where('tag', '=', tag.tag)
        .execute();
      const problems = await verifyAnalysis(s.ctx);
      assert.deepEqual(
        problems.map((p) => [p.code, p.subject]).sort(),
        [
          ['analysis-changed', note.id],
          ['analysis-changed', tag.item_id],
        ].sort(),
      );
      await s.ctx.db.updateTable('item_note').set({ text: note.text }).where('id', '=', note.id).execute();
      await s.ctx.db
        .updateTable('item_tag')
        .set({ tag: tag.tag })
        .where('item_id', '=', tag.item_id)
        .where('tag', '=', 'forged')
        .execute();
      assert.deepEqual(await verifyAnalysis(s.ctx), []);
    });

    it('lets counsel read but not write, and hides another compartment’s item exactly like an unknown one', async () => {
      const write = await call('PATCH', `/api/items/${erns.photo}/tags`, counsel, { add: ['x'] });
      assert.equal(problemType(write), 'forbidden');
      await call('PATCH', `/api/items/${erns.statement}/tags`, witness, { add: ['protected'] });
      await call('POST', `/api/items/${erns.statement}/notes`, witness, {
        text: 'Witness W-17 met at the clinic',
      });
      const unknown = 'ATT-999999';
      const answers: string[] = [];
      for (const ern of [erns.statement, unknown]) {
        for (const [method, url, body] of [
          ['GET', `/api/items/${ern}/annotations`, undefined],
          ['PATCH', `/api/items/${ern}/tags`, { add: ['x'] }],
          ['POST', `/api/items/${ern}/notes`, { text: 'x' }],
        ] as const) {
          const res = await call(method, url, general, body);
          assert.equal(problemType(res), 'not-found', `${method} ${url}`);
          const detail = (res.json() as { detail: string }).detail;
          assert.equal(detail, `no item ${ern}`);
          answers.push(`${method} ${detail.replace(String(ern), 'ERN')}`);
        }
      }
      assert.deepEqual(answers.slice(0, 3), answers.slice(3), 'hidden and unknown answer alike');
      const own = (
        await call('GET', `/api/items/${erns.statement}/annotations`, witness)
      ).json() as Annotations;
      assert.deepEqual(
        own.tags.map((t) => t.tag),
        ['protected'],
      );
      const monitor = await loginAs(app, s.ctx, 'monitor', ['general']);
      assert.equal(
        problemType(await call('GET', `/api/items/${erns.photo}/annotations`, monitor)),
        'forbidden',
      );
    });

    it('moves with its item: after a compartment move only the new compartment reads the tags, notes and their log entries', async () => {
      const out = await addContent(s.ctx, Readable.from([Buffer.from('moved text')]), {
        originalName: 'moved.txt',
        title: 'moved',
        provenance: { source: 'field team 1', collectedAt: '2017-05-10', collectedBy: 'monitor-02' },
        compartment: 'general',
        actor: 'user-test',
      });
      const ern = out.item.ern;
      assert.equal(
        (await call('PATCH', `/api/items/${ern}/tags`, general, { add: ['east gate'] })).statusCode,
        200,
      );
      const note = await call('POST', `/api/items/${ern}/notes`, general, { text: 'seen by W-3' });
      assert.equal(note.statusCode, 201);
      const mine = (await annotateEntries())
        .filter((e) => e.item_id === out.item.id)
        .map((e) => Number(e.seq));
      assert.equal(mine.length, 2);
      const logEntry = async (who: TestCaller, seq: number) =>
        (await call('GET', `/api/log/entries/${seq}`, who)).json() as { redacted?: boolean; kind?: string };
      for (const seq of mine) assert.equal((await logEntry(general, seq)).kind, 'annotate');

      await amendItem(
        s.ctx,
        ern,
        { compartment: 'witness' },
        { actor: 'user-test', reason: 'names a witness' },
      );

      for (const [method, url, body] of [
        ['GET', `/api/items/${ern}/annotations`, undefined],
        ['PATCH', `/api/items/${ern}/tags`, { add: ['x'] }],
        ['POST', `/api/items/${ern}/notes`, { text: 'x' }],
      ] as const) {
        const res = await call(method, url, general, body);
        assert.equal(problemType(res), 'not-found', `${method} ${url}`);
        assert.equal((res.json() as { detail: string }).detail, `no item ${ern}`);
      }
      const witnessOnly = await loginAs(app, s.ctx, 'investigator', ['witness']);
      for (const seq of mine) {
        const seen = await logEntry(general, seq);
        assert.deepEqual(
          [seen.redacted, seen.kind],
          [true, undefined],
          'the old compartment no longer reads it',
        );
        assert.equal((await logEntry(witnessOnly, seq)).kind, 'annotate', 'the new compartment alone does');
      }
      const there = (await call('GET', `/api/items/${ern}/annotations`, witness)).json() as Annotations;
      assert.deepEqual(
        [there.tags.map((t) => t.tag), there.notes.map((n) => n.text), there.canWrite],
        [['east gate'], ['seen by W-3'], true],
      );
      const more = await call('PATCH', `/api/items/${ern}/tags`, witness, { add: ['protected'] });
      assert.equal(more.statusCode, 200, more.body);
      assert.deepEqual(await verifyAnalysis(s.ctx), []);
    });

    it('refuses hostile input with a clear problem and stores nothing', async () => {
      const count = async () =>
        Number(
          (
            await s.ctx.db
              .selectFrom('custody_entry')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const url = `/api/items/${erns.photo}`;
      const cases: [string, string, unknown, string][] = [
        ['PATCH', `${url}/tags`, { add: ['<script>'] }, 'invalid-record'],
        ['PATCH', `${url}/tags`, { add: ['a\u202Eb'] }, 'invalid-record'],
        ['PATCH', `${url}/tags`, { add: ['   '] }, 'invalid-record'],
        ['PATCH', `${url}/tags`, { add: ['x'.repeat(65)] }, 'invalid-request'],
        ['PATCH', `${url}/tags`, { add: ['a'], remove: ['A'] }, 'invalid-record'],
        ['PATCH', `${url}/tags`, { add: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'invalid-request'],
        [
          'PATCH',
          `${url}/tags`,
          {
            add: Array.from({ length: 15 }, (_, i) => `t${i}`),
            remove: Array.from({ length: 6 }, (_, i) => `u${i}`),
          },
          'invalid-record',
        ],
        ['PATCH', `${url}/tags`, { add: 'one' }, 'invalid-request'],
        ['PATCH', `${url}/tags`, { add: ['a'], owner: 'x' }, 'invalid-request'],
        ['POST', `${url}/notes`, { text: '' }, 'invalid-request'],
        ['POST', `${url}/notes`, { text: '   \n ' }, 'invalid-record'],
        ['POST', `${url}/notes`, { text: 'bell\u0007' }, 'invalid-record'],
        ['POST', `${url}/notes`, { text: 'x'.repeat(10_001) }, 'invalid-record'],
        ['POST', `${url}/notes`, { text: 'x'.repeat(20_000) }, 'invalid-request'],
        ['POST', `${url}/notes`, { text: 'ok', item: 'ATT-000001' }, 'invalid-request'],
        ['POST', '/api/items/ATT-1/notes', { text: 'ok' }, 'invalid-request'],
        ['GET', '/api/items/..%2F..%2Fetc/annotations', undefined, 'invalid-request'],
      ];
      for (const [method, u, body, want] of cases) {
        const res = await call(method as 'GET', u, general, body);
        assert.equal(
          problemType(res),
          want,
          `${method} ${u} ${JSON.stringify(body)?.slice(0, 60)}: ${res.body}`,
        );
      }
      // Past the per-item limit: 50 tags.
      for (let i = 0; i < 2; i++)
        await call('PATCH', `${url}/tags`, general, {
          add: Array.from({ length: 20 }, (_, j) => `bulk-${i}-${j}`),
        });
      const past = await call('PATCH', `${url}/tags`, general, {
        add: Array.from({ length: 12 }, (_, j) => `more-${j}`),
      });
      assert.equal(problemType(past), 'invalid-record');
      assert.equal(await count(), before + 2, 'only the two accepted changes were logged');
      assert.deepEqual(await verifyAnalysis(s.ctx), []);
    });
  });
}
