// Entity names in search (entity-terms.ts), on both backends: a name in any spelling finds the
// items linked to the entity, only for a caller who may see the link; a protected person's
// real name only with persons:reveal; names follow a rename through the search-entity job.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { type Actor, createEntity, createLink, updateEntity } from '../analysis/index.js';
import { buildApp } from '../api/server.js';
import { JobRegistry, Worker } from '../store/job-worker.js';
import { addContent } from '../vault/index.js';
import type { EntityReach } from './entity-terms.js';
import { searchEntityJob, searchIndexJob } from './job.js';
import { search } from './service.js';

const OPERATOR: Actor = { id: 'user-test', read: 'all', write: 'all', reveal: 'all' };
const GENERAL: EntityReach = { read: ['general'], reveal: [] };
const COUNSEL: EntityReach = { read: ['general'], reveal: ['general'] };
const BOTH: EntityReach = { read: ['general', 'witness'], reveal: [] };

for (const dialect of DIALECTS) {
  describe(`${dialect}: entity names in search`, () => {
    let s: TestStore;
    const ern: Record<string, string> = {};
    let brigade: string;

    const add = async (key: string, text: string, compartment: string) => {
      const { item } = await addContent(s.ctx, Readable.from([Buffer.from(text)]), {
        originalName: 'n.txt',
        title: `note ${key}`,
        provenance: { source: `team ${key}`, collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
        compartment,
        actor: 'user-test',
      });
      ern[key] = item.ern;
    };
    const runJobs = async () => {
      const worker = new Worker(s.ctx, new JobRegistry([searchIndexJob, searchEntityJob]), {
        id: 'worker:t',
      });
      while (await worker.runOnce()) {}
    };
    const find = async (
      q: string,
      entities: EntityReach | undefined,
      compartments: string[] = ['general'],
    ) => {
      const r = await search(s.ctx, {
        q,
        compartments,
        ...(entities ? { entities, actor: 'user-test' } : {}),
        limit: 50,
      });
      const facetTotal = r.facets.source.reduce((n, f) => n + f.count, 0);
      assert.equal(facetTotal, r.total, `${q}: facets count what the page shows`);
      return r.results.map((x) => x.ern).sort();
    };
    const link = (entity: string, key: string, compartment: string) =>
      createLink(s.ctx, OPERATOR, {
        from: { type: 'item', id: ern[key]! },
        relation: 'mentions',
        to: { type: 'entity', id: entity },
        compartment,
      });

    before(async () => {
      s = await openTestStore(dialect);
      await add('a', 'The checkpoint log for the morning shift.', 'general');
      await add('b', 'Statement taken at the clinic about the night of the crossing.', 'general');
      await add('c', 'Photographs of the vehicles at the depot.', 'general');
      await add('w', 'Sealed interview record.', 'witness');
      brigade = (
        await createEntity(s.ctx, OPERATOR, {
          kind: 'unit',
          name: 'Brigade 47',
          nameAr: 'اللواء السابع والأربعون',
          aliases: ['Liwa Saba Arbain'],
          compartment: 'general',
        })
      ).id;
      await link(brigade, 'a', 'general');
      const officer = await createEntity(s.ctx, OPERATOR, {
        kind: 'person',
        name: 'Mohammed Khatib',
        nameAr: 'محمد الخطيب',
        compartment: 'general',
        protection: 'pseudonymised',
        pseudonym: 'Officer Kestrel',
      });
      await link(officer.id, 'c', 'general');
      const witness = await createEntity(s.ctx, OPERATOR, {
        kind: 'person',
        name: 'Yusuf Haddad',
        nameAr: 'يوسف الحداد',
        compartment: 'general',
        protection: 'protected',
        pseudonym: 'Witness Falcon',
      });
      await link(witness.id, 'b', 'general');
      // An entity and link of the witness compartment, about an item of general.
      const informant = await createEntity(s.ctx, OPERATOR, {
        kind: 'organisation',
        name: 'Qaterji Transport',
        compartment: 'witness',
      });
      await link(informant.id, 'a', 'witness');
      // A protected person of the witness compartment, linked in general: pseudonym only there.
      const source = await createEntity(s.ctx, OPERATOR, {
        kind: 'person',
        name: 'Rami Saleh',
        compartment: 'witness',
        protection: 'protected',
        pseudonym: 'Source Heron',
      });
      await createLink(s.ctx, OPERATOR, {
        from: { type: 'entity', id: source.id },
        relation: 'witness-of',
        to: { type: 'entity', id: brigade },
        basis: ern.c,
        compartment: 'general',
      });
      await runJobs();
    });
    after(async () => s.close());

    it('finds the items linked to an entity by its name, Arabic name and other names', async () => {
      assert.deepEqual(
        await find('Brigade 47', GENERAL),
        [ern.a, ern.c].sort(),
        'a by its link, c as a basis',
      );
      assert.deepEqual(await find('"brigade 47"', GENERAL), [ern.a, ern.c].sort());
      assert.deepEqual(await find('اللواء', GENERAL), [ern.a, ern.c].sort());
      assert.deepEqual(await find('Liwa', GENERAL), [ern.a, ern.c].sort());
      assert.deepEqual(await find('Briga*', GENERAL), [ern.a, ern.c].sort());
    });

    it('meets a name in other spellings and the other script', async () => {
      for (const q of ['Muhammad', 'Mohamad Khateeb', 'محمد', 'الخطيب', 'Khatib'])
        assert.deepEqual(await find(q, GENERAL), [ern.c], q);
      assert.deepEqual(await find('Kestrel', GENERAL), [ern.c], 'the pseudonym too');
    });

    it('matches nothing for a caller without analysis:read, or outside the link', async () => {
      assert.deepEqual(await find('Brigade', undefined), []);
      assert.deepEqual(await find('Brigade', { read: [], reveal: [] }), []);
      assert.deepEqual(
        await find('Brigade', { read: ['witness'], reveal: [] }),
        [],
        'the item is not theirs',
      );
      assert.deepEqual(await find('Qaterji', GENERAL), [], 'an entity and link of another compartment');
      assert.deepEqual(await find('Qaterji', BOTH, ['general', 'witness']), [ern.a]);
    });

    it("never matches a protected person's real name without persons:reveal; the pseudonym always", async () => {
      for (const q of ['Haddad', 'Yusuf', 'يوسف', '"Yusuf Haddad"', 'Hadd*', '-Haddad statement']) {
        const hits = await find(q, GENERAL);
        assert.ok(!(q.startsWith('-') ? false : hits.includes(ern.b!)), q);
      }
      assert.deepEqual(
        await find('-Haddad statement', GENERAL),
        [ern.b],
        'an exclusion reveals nothing either',
      );
      assert.deepEqual(await find('Falcon', GENERAL), [ern.b]);
      assert.deepEqual(await find('Haddad', COUNSEL), [ern.b]);
      assert.deepEqual(await find('يوسف الحداد', COUNSEL), [ern.b]);
      // Protected in another compartment: the pseudonym where the link is, the name nowhere else.
      assert.deepEqual(await find('Heron', GENERAL), [ern.c]);
      assert.deepEqual(await find('Saleh', COUNSEL), []);
      assert.deepEqual(await find('Saleh', { read: ['general', 'witness'], reveal: ['witness'] }), [ern.c]);
    });

    it('follows a rename through the search-entity job, and a new link through search-index', async () => {
      await updateEntity(s.ctx, OPERATOR, brigade, { name: 'Brigade 93', nameAr: null, aliases: [] });
      await runJobs();
      assert.deepEqual(await find('93', GENERAL), [ern.a, ern.c].sort());
      assert.deepEqual(await find('47', GENERAL), []);
      assert.deepEqual(await find('Liwa', GENERAL), []);
      await link(brigade, 'b', 'general');
      assert.deepEqual(await find('93', GENERAL), [ern.a, ern.c].sort(), 'indexed by the job, not yet run');
      await runJobs();
      assert.deepEqual(await find('93', GENERAL), [ern.a, ern.b, ern.c].sort());
    });
  });

  describe(`${dialect}: entity names over HTTP`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let item: string;
    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx, { webDist: false });
      const added = await addContent(s.ctx, Readable.from([Buffer.from('Interview notes.')]), {
        originalName: 'n.txt',
        title: 'notes',
        provenance: { source: 'team', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
        compartment: 'general',
        actor: 'user-test',
      });
      item = added.item.ern;
      const p = await createEntity(s.ctx, OPERATOR, {
        kind: 'person',
        name: 'Yusuf Haddad',
        compartment: 'general',
        protection: 'protected',
        pseudonym: 'Witness Falcon',
      });
      await createLink(s.ctx, OPERATOR, {
        from: { type: 'item', id: item },
        relation: 'mentions',
        to: { type: 'entity', id: p.id },
        compartment: 'general',
      });
      const worker = new Worker(s.ctx, new JobRegistry([searchIndexJob, searchEntityJob]), {
        id: 'worker:h',
      });
      while (await worker.runOnce()) {}
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('matches names by the permissions of the caller', async () => {
      const total = async (role: 'investigator' | 'legal' | 'auditor', q: string) => {
        const caller = await loginAs(app, s.ctx, role, ['general']);
        const res = await app.inject({
          method: 'GET',
          url: `/api/search?q=${encodeURIComponent(q)}`,
          headers: caller.headers,
        });
        assert.equal(res.statusCode, 200, res.body);
        return (res.json() as { total: number }).total;
      };
      assert.equal(await total('investigator', 'Falcon'), 1);
      assert.equal(
        await total('investigator', 'Haddad'),
        0,
        'investigators see protected names only by pseudonym',
      );
      assert.equal(await total('legal', 'Haddad'), 1, 'counsel hold persons:reveal');
      assert.equal(await total('auditor', 'Falcon'), 0, 'no analysis:read, no names');
    });
  });
}
