import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, problemType, type TestCaller } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { addContent } from '../vault/index.js';

interface Json {
  [k: string]: unknown;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: analysis over HTTP`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    /** An investigator in general only. */
    let general: TestCaller;
    /** An investigator in witness and general. */
    let witness: TestCaller;
    /** Counsel (legal: analysis:read, persons:reveal) in witness. */
    let counsel: TestCaller;
    /** An auditor in general (log:read there, no analysis:read). */
    let auditor: TestCaller;
    const erns: Record<string, string> = {};

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2017-05-12T09:00:00.000Z');
      app = await buildApp(s.ctx, { webDist: false });
      general = await loginAs(app, s.ctx, 'investigator', ['general']);
      witness = await loginAs(app, s.ctx, 'investigator', ['witness', 'general']);
      counsel = await loginAs(app, s.ctx, 'legal', ['witness']);
      auditor = await loginAs(app, s.ctx, 'auditor', ['general']);
      const add = async (key: string, text: string, source: string, compartment = 'general') => {
        const out = await addContent(s.ctx, Readable.from([Buffer.from(text)]), {
          originalName: `${key}.txt`,
          title: key,
          provenance: { source, collectedAt: '2017-05-10', collectedBy: 'monitor-02' },
          compartment,
          actor: 'user-test',
        });
        erns[key] = out.item.ern;
      };
      await add('photo', 'photo of the destroyed ward', 'field team 1');
      await add('report', 'medical report: the hospital was struck', 'medical report');
      await add('wire', 'news wire: hospital struck', 'news wire');
      await add('statement', 'statement of witness W-17', 'protected source', 'witness');
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, who: TestCaller, body?: unknown) =>
      app.inject({
        method,
        url,
        headers: who.headers,
        ...(body !== undefined ? { payload: body as Json } : {}),
      });

    it('records an incident with claims, links and stances, and derives its corroboration from independent sources', async () => {
      const inc = await call('POST', '/api/incidents', general, {
        type: 'attack-on-medical',
        title: 'مستشفى في معرة النعمان — hospital struck',
        compartment: 'general',
        start: '2017-05-10',
        end: { earliest: '2017-05-10', latest: '2017-05-11' },
        pcode: 'C3985',
      });
      assert.equal(inc.statusCode, 201, inc.body);
      const incident = inc.json() as { id: string; placeName: string };
      assert.match(incident.placeName, /Maarat|معرة/);
      const link = await call('POST', '/api/links', general, {
        from: { type: 'item', id: erns.photo },
        relation: 'documents',
        to: { type: 'incident', id: incident.id },
        compartment: 'general',
      });
      assert.equal(link.statusCode, 201, link.body);
      const claim = await call('POST', '/api/claims', general, {
        statement: 'The hospital was struck',
        incidentId: incident.id,
        compartment: 'general',
      });
      assert.equal(claim.statusCode, 201, claim.body);
      const claimId = (claim.json() as { id: string }).id;
      for (const [ern, stance] of [
        [erns.report, 'supports'],
        [erns.wire, 'supports'],
      ] as const) {
        const r = await call('PUT', `/api/claims/${claimId}/stances/${ern}`, general, { stance });
        assert.equal(r.statusCode, 200, r.body);
      }
      const got = await call('GET', `/api/claims/${claimId}`, general);
      const c = got.json() as {
        supporting: string[];
        silent: string[];
        corroboration: { status: string; supportingSources: number; silentItems: number };
      };
      assert.deepEqual(c.supporting, [erns.report, erns.wire]);
      assert.deepEqual(c.silent, [erns.photo], 'the photo is linked to the incident and takes no stance');
      assert.equal(c.corroboration.status, 'corroborated');
      // The protected statement contradicts, seen only from the witness compartment.
      const hidden = await call('PUT', `/api/claims/${claimId}/stances/${erns.statement}`, witness, {
        stance: 'contradicts',
      });
      assert.equal(hidden.statusCode, 200, hidden.body);
      const detail = await call('GET', `/api/incidents/${incident.id}`, general);
      const d = detail.json() as Json & { corroboration: { status: string; contradictingSources: number } };
      assert.equal(d.corroboration.status, 'corroborated');
      assert.equal(d.corroboration.contradictingSources, 0);
      assert.ok(!detail.body.includes(erns.statement!), 'a hidden item appears nowhere in the detail');
      const inside = await call('GET', `/api/incidents/${incident.id}`, witness);
      assert.equal(
        (inside.json() as { corroboration: { status: string } }).corroboration.status,
        'contested',
      );
      const listed = await call('GET', '/api/incidents?place=SY07&type=attack-on-medical', general);
      assert.deepEqual(
        (listed.json() as { incidents: { id: string }[] }).incidents.map((i) => i.id),
        [incident.id],
      );
    });

    it('shows a protected witness by pseudonym in a visible link, hides them elsewhere, and reveals the name only to persons:reveal', async () => {
      const created = await call('POST', '/api/entities', witness, {
        kind: 'person',
        name: 'Layla N. (synthetic)',
        compartment: 'witness',
        protection: 'protected',
        pseudonym: 'W-31',
      });
      assert.equal(created.statusCode, 201, created.body);
      const person = created.json() as { id: string; name: string | null };
      assert.equal(person.name, null);
      assert.ok(!created.body.includes('Layla'));
      const inc = (
        await call('POST', '/api/incidents', general, {
          type: 'detention',
          title: 'Held at a checkpoint',
          compartment: 'general',
        })
      ).json() as { id: string };
      const link = await call('POST', '/api/links', witness, {
        from: { type: 'entity', id: person.id },
        relation: 'witness-of',
        to: { type: 'incident', id: inc.id },
        basis: erns.report,
        compartment: 'general',
      });
      assert.equal(link.statusCode, 201, link.body);
      const links = await call('GET', `/api/links?type=incident&id=${inc.id}`, general);
      assert.equal(links.statusCode, 200, links.body);
      const body = links.json() as { links: { from: { entity: Json } }[] };
      assert.deepEqual(body.links[0]!.from.entity, {
        view: 'pseudonym',
        id: person.id,
        kind: 'person',
        pseudonym: 'W-31',
        protection: 'protected',
      });
      assert.ok(!links.body.includes('Layla'));
      assert.equal(problemType(await call('GET', `/api/entities/${person.id}`, general)), 'not-found');
      const inside = await call('GET', `/api/entities/${person.id}?reveal=true`, witness);
      assert.equal(problemType(inside), 'forbidden', 'an investigator holds no persons:reveal');
      const revealed = await call('GET', `/api/entities/${person.id}?reveal=true`, counsel);
      assert.equal(revealed.statusCode, 200, revealed.body);
      assert.equal((revealed.json() as { name: string }).name, 'Layla N. (synthetic)');
      const plain = await call('GET', `/api/entities/${person.id}`, counsel);
      assert.equal((plain.json() as { name: string | null }).name, null, 'no reveal unless asked');
      const lower = await call('PATCH', `/api/entities/${person.id}`, witness, { protection: 'none' });
      assert.equal(problemType(lower), 'forbidden');
    });

    it('gives an investigator no oracle on a protected person’s name and refuses their changes to it, audited', async () => {
      const created = await call('POST', '/api/entities', witness, {
        kind: 'person',
        name: 'Yasmin Haddad (synthetic)',
        compartment: 'witness',
        protection: 'protected',
        pseudonym: 'W-50',
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = (created.json() as { id: string }).id;
      const right = await call('PATCH', `/api/entities/${id}`, witness, {
        pseudonym: 'yasmin haddad (synthetic)',
        nameAr: 'x\u0001',
      });
      const wrong = await call('PATCH', `/api/entities/${id}`, witness, {
        pseudonym: 'someone else',
        nameAr: 'x\u0001',
      });
      assert.equal(right.statusCode, 422);
      const strip = (b: string) => {
        const { requestId: _r, ...rest } = JSON.parse(b) as Record<string, unknown>;
        return rest;
      };
      assert.deepEqual(strip(right.body), strip(wrong.body), 'a right guess and a wrong one answer alike');
      const overwrite = await call('PATCH', `/api/entities/${id}`, witness, {
        name: 'Someone Else',
        nameAr: '',
        aliases: [],
        attributes: {},
      });
      assert.equal(overwrite.statusCode, 403, overwrite.body);
      assert.equal(problemType(overwrite), 'identity-forbidden');
      assert.ok(!overwrite.body.includes('Yasmin'));
      const audit = await s.ctx.db
        .selectFrom('access_event')
        .selectAll()
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual([audit.kind, audit.outcome, audit.method], ['denied', '403', 'PATCH']);
      const revealed = await call('GET', `/api/entities/${id}?reveal=true`, counsel);
      assert.equal(
        (revealed.json() as { name: string }).name,
        'Yasmin Haddad (synthetic)',
        'the identity is kept',
      );
    });

    it('keeps analysis entries of a compartment out of other compartments’ log readers', async () => {
      const e = await call('POST', '/api/entities', witness, {
        kind: 'unit',
        name: 'Unit 4',
        compartment: 'witness',
      });
      assert.equal(e.statusCode, 201);
      const id = (e.json() as { id: string }).id;
      const row = await s.ctx.db
        .selectFrom('custody_entry')
        .select(['seq', 'payload'])
        .where('payload', 'like', `%${id}%`)
        .executeTakeFirstOrThrow();
      assert.ok(!row.payload.includes('Unit 4'), 'the entry holds ids and a hash only');
      const seen = await call('GET', `/api/log/entries/${row.seq}`, auditor);
      assert.equal(seen.statusCode, 200, seen.body);
      assert.equal((seen.json() as { redacted?: boolean }).redacted, true);
      assert.ok(!seen.body.includes(id));
      const general2 = await call('POST', '/api/entities', general, {
        kind: 'unit',
        name: 'Unit 5',
        compartment: 'general',
      });
      const id2 = (general2.json() as { id: string }).id;
      const row2 = await s.ctx.db
        .selectFrom('custody_entry')
        .select('seq')
        .where('payload', 'like', `%${id2}%`)
        .executeTakeFirstOrThrow();
      const seen2 = await call('GET', `/api/log/entries/${row2.seq}`, auditor);
      assert.ok(seen2.body.includes(id2), 'an auditor of the compartment reads the entry');
    });

    it('answers hostile and malformed input with a problem naming what is wrong, and stores nothing', async () => {
      const before = await s.ctx.db
        .selectFrom('entity')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const cases: Array<[string, string, unknown, string]> = [
        [
          'POST',
          '/api/entities',
          { kind: 'person', name: 'x', compartment: 'general', extra: 1 },
          'invalid-request',
        ],
        [
          'POST',
          '/api/entities',
          { kind: 'person', name: 'x'.repeat(301), compartment: 'general' },
          'invalid-request',
        ],
        [
          'POST',
          '/api/entities',
          { kind: 'person', name: 'Ahmad\u202Egnp.exe', compartment: 'general' },
          'invalid-record',
        ],
        [
          'POST',
          '/api/entities',
          { kind: 'person', name: 'A', compartment: 'general', protection: 'protected' },
          'invalid-record',
        ],
        [
          'POST',
          '/api/entities',
          { kind: 'person', name: 'A', compartment: 'general', protection: 'protected', pseudonym: 'a' },
          'invalid-record',
        ],
        [
          'POST',
          '/api/entities',
          { kind: 'unit', name: 'A', compartment: 'general', attributes: { __proto__x: 1 } },
          'invalid-record',
        ],
        ['POST', '/api/entities', { kind: 'unit', name: 'A', compartment: 'witness' }, 'forbidden'],
        ['POST', '/api/entities', { kind: 'unit', name: 'A', compartment: '../etc' }, 'invalid-request'],
        [
          'POST',
          '/api/entities',
          { kind: 'vehicle', name: 'Bus', compartment: 'general', pcode: 'C3985' },
          'invalid-record',
        ],
        [
          'POST',
          '/api/incidents',
          { type: 'shelling', title: 't', compartment: 'general', start: '2017-02-30' },
          'invalid-record',
        ],
        [
          'POST',
          '/api/incidents',
          { type: 'shelling', title: 't', compartment: 'general', start: '2017-03', end: '2017-02' },
          'invalid-record',
        ],
        [
          'POST',
          '/api/incidents',
          { type: 'shelling', title: 't', compartment: 'general', pcode: "C1' OR 1=1" },
          'invalid-record',
        ],
        ['POST', '/api/incidents', { type: 'war', title: 't', compartment: 'general' }, 'invalid-request'],
        [
          'POST',
          '/api/links',
          {
            from: { type: 'item', id: 'ATT-1' },
            to: { type: 'item', id: 'ATT-2' },
            relation: 'mentions',
            compartment: 'general',
          },
          'invalid-record',
        ],
        [
          'POST',
          '/api/links',
          {
            from: { type: 'item', id: 'ATT-000001' },
            to: { type: 'item', id: 'ATT-000001' },
            relation: 'mentions',
            compartment: 'general',
          },
          'invalid-record',
        ],
        ['GET', '/api/incidents?from=yesterday', undefined, 'invalid-record'],
        ['GET', '/api/incidents?place=SY99', undefined, 'invalid-record'],
        ['GET', '/api/entities/ent-../../etc', undefined, 'invalid-request'],
        ['GET', '/api/claims/clm-00000000-0000-0000-0000-000000000000', undefined, 'not-found'],
        [
          'PUT',
          '/api/claims/clm-00000000-0000-0000-0000-000000000000/stances/ATT-000001',
          { stance: 'maybe' },
          'invalid-request',
        ],
      ];
      for (const [method, url, body, want] of cases) {
        const res = await call(method as 'GET', url, general, body);
        assert.equal(
          problemType(res),
          want,
          `${method} ${url} ${JSON.stringify(body)?.slice(0, 80)}: ${res.body}`,
        );
      }
      const big = await call('POST', '/api/incidents', general, {
        type: 'shelling',
        title: 't',
        compartment: 'general',
        description: 'x'.repeat(2_000_000),
      });
      assert.ok(['payload-too-large', 'invalid-request'].includes(problemType(big)), big.body.slice(0, 200));
      const after = await s.ctx.db
        .selectFrom('entity')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n), 'nothing stored');
    });

    it('refuses callers without the permission and hides another compartment’s records as not found', async () => {
      const monitor = await loginAs(app, s.ctx, 'monitor', ['general']);
      assert.equal(problemType(await call('GET', '/api/entities', monitor)), 'forbidden');
      const legal = await loginAs(app, s.ctx, 'legal', ['general']);
      const res = await call('POST', '/api/entities', legal, {
        kind: 'unit',
        name: 'x',
        compartment: 'general',
      });
      assert.equal(problemType(res), 'forbidden', 'legal reads analysis, it does not record it');
      const hiddenInc = (
        await call('POST', '/api/incidents', witness, {
          type: 'torture',
          title: 'Protected',
          compartment: 'witness',
        })
      ).json() as { id: string };
      const unknown = 'inc-00000000-0000-0000-0000-000000000000';
      for (const id of [hiddenInc.id, unknown]) {
        const r = await call('GET', `/api/incidents/${id}`, general);
        assert.equal(problemType(r), 'not-found');
        assert.equal((r.json() as { detail: string }).detail, `no incident ${id}`);
        const claim = await call('POST', '/api/claims', general, {
          statement: 's',
          incidentId: id,
          compartment: 'general',
        });
        assert.equal(problemType(claim), 'not-found');
      }
      const list = await call('GET', '/api/incidents', general);
      assert.ok(!list.body.includes(hiddenInc.id));
    });
  });
}
