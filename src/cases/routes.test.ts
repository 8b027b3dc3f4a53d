import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, makeUser, type TestCaller } from '../../test/support/access.js';
import { addItem, runVerifyMjs } from '../../test/support/cases.js';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { JobRegistry, Worker } from '../store/job-worker.js';
import { CASES_JOB_KINDS } from './index.js';
import { extractArchive } from './package/archive.js';
import { verifyPackage } from './package/verify.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: cases API`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let investigator: TestCaller;
    let legal: TestCaller;
    let dir: string;
    let erns: string[];
    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
      dir = scratchDir('attest-cases-api-');
      investigator = await loginAs(app, s.ctx, 'investigator', ['general']);
      legal = await loginAs(app, s.ctx, 'legal', ['general']);
      erns = [
        await addItem(s.ctx, 'statement one', 'one.txt'),
        await addItem(s.ctx, 'statement two', 'two.txt'),
      ];
    });
    after(async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
      await s.close();
    });

    /** work runs the queued export jobs, as `attest serve`'s worker would. */
    const work = async () => {
      const worker = new Worker(s.ctx, new JobRegistry(CASES_JOB_KINDS), { id: 'test-worker' });
      while (await worker.runOnce());
    };

    /** exportOver starts an export over HTTP, runs the job, and returns its final status. */
    const exportOver = async (who: TestCaller, target: string) => {
      const started = await call(who, 'POST', '/api/exports', { target });
      assert.equal(started.statusCode, 202, started.body);
      assert.equal(started.json().status, 'queued');
      assert.equal(started.headers.location, `/api/exports/${started.json().id}`);
      await work();
      return (await call(who, 'GET', `/api/exports/${started.json().id}`)).json();
    };

    /** downloadBag fetches a finished export over HTTP and unpacks it. */
    const downloadBag = async (who: TestCaller, id: string, name: string) => {
      const download = await call(who, 'GET', `/api/exports/${id}/download`);
      assert.equal(download.statusCode, 200, download.body);
      assert.equal(download.headers['content-type'], 'application/zip');
      const zip = join(dir, `${name}.zip`);
      writeFileSync(zip, download.rawPayload);
      return extractArchive(zip, join(dir, name), 'zip');
    };

    /** bagText is every file of a bag as text, for searching what it holds. */
    const bagText = (bag: string) =>
      readdirSync(bag, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
        .join('\n');

    const call = (who: TestCaller, method: string, url: string, payload?: unknown) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: who.headers,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });

    it('names the team and note authors, adds members by username, and gives consent blocks as data', async () => {
      const ref = (await call(investigator, 'POST', '/api/cases', { title: 'Team case' })).json()
        .ref as string;
      // By username (as the web form sends it) or by id; answered 204 either way.
      const byName = await call(investigator, 'PUT', `/api/cases/${ref}/team/${legal.username}`, {
        role: 'reviewer',
      });
      assert.equal(byName.statusCode, 204, byName.body);
      // Someone who may not read the case, and no one at all, get the same answer.
      const elsewhere = await makeUser(s.ctx, 'legal', ['witness-protection']);
      const coordinator = await makeUser(s.ctx, 'coordinator', ['general']);
      const refusals = await Promise.all(
        [elsewhere.username, coordinator.userId, 'no-such-user'].map((u) =>
          call(investigator, 'PUT', `/api/cases/${ref}/team/${u}`, { role: 'member' }),
        ),
      );
      assert.deepEqual(
        refusals.map((r) => [r.statusCode, r.json().type, r.json().detail]),
        refusals.map(() => [404, refusals[0]!.json().type, 'no such user']),
      );
      await call(investigator, 'POST', `/api/cases/${ref}/notes`, { body: 'ملاحظة أولى' });
      const c = (await call(investigator, 'GET', `/api/cases/${ref}`)).json();
      assert.deepEqual(
        c.team.map((m: { username: string; role: string }) => [m.username, m.role]),
        [
          [investigator.username, 'lead'],
          [legal.username, 'reviewer'],
        ],
      );
      assert.equal(c.notes[0].authorName, investigator.username);

      // Items of its own: conditions recorded here must not reach the other tests' items.
      const own = [
        await addItem(s.ctx, 'team statement one', 't1.txt'),
        await addItem(s.ctx, 'team statement two', 't2.txt'),
      ];
      await call(investigator, 'POST', `/api/cases/${ref}/items`, { erns: own });
      await call(legal, 'PUT', '/api/jurisdictions/XE', { name: 'State E', deathPenalty: true });
      const rfa = (
        await call(investigator, 'POST', '/api/rfas', {
          caseRef: ref,
          authority: 'Prosecutor E',
          jurisdiction: 'XE',
          purpose: 'prosecution',
          scope: 'all',
          receivedOn: '2017-03-01',
        })
      ).json();
      await call(investigator, 'POST', '/api/consent-conditions', {
        subjectKind: 'item',
        subject: own[1],
        purposes: ['investigation', 'research'],
        noDeathPenalty: true,
      });
      const detail = (await call(investigator, 'GET', `/api/rfas/${rfa.ref}`)).json();
      const blocked = detail.decisions.find((d: { ern: string }) => d.ern === own[1]);
      assert.deepEqual(blocked.blocks, [
        { subject: 'item', rule: 'purposes', values: ['investigation', 'research'] },
        { subject: 'item', rule: 'death-penalty', values: [] },
      ]);
      assert.equal(blocked.reasons.length, 2, 'each block also in words');
    });

    it("lists an item's redactions to those who may read it, and to no one else", async () => {
      const ern = await addItem(s.ctx, 'statement to redact', 'redact-me.txt');
      const made = await call(investigator, 'POST', `/api/items/${ern}/redactions`, {
        spans: [{ start: 0, end: 9 }],
      });
      assert.equal(made.statusCode, 201, made.body);
      const list = await call(legal, 'GET', `/api/items/${ern}/redactions`);
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        list
          .json()
          .redactions.map((r: { ern: string; method: string; parts: number }) => [r.ern, r.method, r.parts]),
        [[made.json().ern, 'text', 1]],
      );
      assert.deepEqual((await call(legal, 'GET', `/api/items/${erns[1]}/redactions`)).json().redactions, []);
      const outsider = await loginAs(app, s.ctx, 'legal', ['witness-protection']);
      const hidden = await call(outsider, 'GET', `/api/items/${ern}/redactions`);
      const absent = await call(outsider, 'GET', '/api/items/ATT-999999/redactions');
      assert.deepEqual([hidden.statusCode, hidden.json().type], [absent.statusCode, absent.json().type]);
      assert.equal(hidden.statusCode, 404);
      for (const bad of ["ATT-1' OR 1=1 --", 'ATT-%00', 'x'.repeat(30)])
        assert.equal(
          (await call(legal, 'GET', `/api/items/${encodeURIComponent(bad)}/redactions`)).statusCode,
          400,
          bad,
        );
    });

    it('refuses hostile team member names with the answer for an unknown user', async () => {
      const ref = (await call(investigator, 'POST', '/api/cases', { title: 'Hostile names' })).json().ref;
      for (const name of ["' OR '1'='1", '%', '_', 'LEGAL-%', 'ليلى', ' '.repeat(3), 'a'.repeat(128)]) {
        const r = await call(investigator, 'PUT', `/api/cases/${ref}/team/${encodeURIComponent(name)}`, {
          role: 'member',
        });
        assert.equal(r.statusCode, 404, `${name}: ${r.body}`);
      }
      const long = await call(investigator, 'PUT', `/api/cases/${ref}/team/${'a'.repeat(129)}`, {
        role: 'member',
      });
      assert.equal(long.statusCode, 400);
      const team = (await call(investigator, 'GET', `/api/cases/${ref}`)).json().team;
      assert.equal(team.length, 1, 'nobody was added');
    });

    it('runs a case from creation to a verified package downloaded from an export job', async () => {
      const created = await call(investigator, 'POST', '/api/cases', { title: 'API case' });
      assert.equal(created.statusCode, 201, created.body);
      const ref = created.json().ref as string;
      assert.equal(
        (await call(investigator, 'POST', `/api/cases/${ref}/items`, { erns })).json().added.length,
        2,
      );
      assert.equal(
        (await call(investigator, 'POST', `/api/cases/${ref}/crimes`, { crime: 'rs-eoc/8-2-e-viii' }))
          .statusCode,
        204,
      );
      const cov = (await call(investigator, 'GET', `/api/cases/${ref}/coverage`)).json();
      assert.equal(cov.covered, 0);
      assert.ok(cov.gaps.includes('rs-eoc/8-2-e-viii/1'));

      // Jurisdictions are set by the legal role only.
      assert.equal(
        (await call(investigator, 'PUT', '/api/jurisdictions/XD', { name: 'State D', deathPenalty: true }))
          .statusCode,
        403,
      );
      assert.equal(
        (await call(legal, 'PUT', '/api/jurisdictions/XD', { name: 'State D', deathPenalty: true }))
          .statusCode,
        200,
      );
      const rfa = await call(investigator, 'POST', '/api/rfas', {
        caseRef: ref,
        authority: 'Prosecutor D',
        jurisdiction: 'XD',
        purpose: 'prosecution',
        scope: 'all',
        receivedOn: '2017-03-01',
      });
      assert.equal(rfa.statusCode, 201, rfa.body);
      const rfaRef = rfa.json().ref as string;
      await call(investigator, 'POST', '/api/consent-conditions', {
        subjectKind: 'item',
        subject: erns[0],
        noDeathPenalty: true,
      });
      const detail = (await call(investigator, 'GET', `/api/rfas/${rfaRef}`)).json();
      assert.deepEqual(
        detail.decisions.map((d: { allowed: boolean }) => d.allowed),
        [false, true],
      );
      const denied = await call(investigator, 'POST', `/api/rfas/${rfaRef}/overrides`, {
        ern: erns[0],
        reason: 'court order 17/2017 compels release',
      });
      assert.equal(denied.statusCode, 403);

      const status = await exportOver(investigator, rfaRef);
      assert.equal(status.status, 'done', JSON.stringify(status));
      assert.equal(status.items, 1);
      assert.equal(status.attempts, 1);
      assert.equal(status.progress, 100);
      assert.match(status.sha256, /^[0-9a-f]{64}$/);
      assert.deepEqual(
        status.excluded.map((e: { ern: string }) => e.ern),
        [erns[0]],
      );
      const bag = await downloadBag(investigator, status.id, 'rfa');
      const report = await verifyPackage(bag, { key: s.ctx.logKey.verifierKey });
      assert.deepEqual(report.failures, []);
      // The item whose consent forbids a death-penalty jurisdiction is nowhere in the package.
      assert.ok(!bagText(bag).includes(erns[0]!), 'the blocked item is not in the package');
      assert.ok(bagText(bag).includes(erns[1]!));
    });

    it('exports over HTTP only what the requester may see: items of other compartments are not mentioned', async () => {
      // A case in "general" that an all-compartment investigator filled with a protected witness item too.
      const lead = await loginAs(app, s.ctx, 'investigator', ['*']);
      const secret = await addItem(s.ctx, 'protected witness statement W-042', 'w042.txt', {
        compartment: 'witness',
      });
      const ref = (
        await call(lead, 'POST', '/api/cases', { title: 'Mixed case', compartment: 'general' })
      ).json().ref as string;
      const added = await call(lead, 'POST', `/api/cases/${ref}/items`, { erns: [erns[1], secret] });
      assert.equal(added.statusCode, 200, added.body);

      const status = await exportOver(investigator, ref);
      assert.equal(status.status, 'done', JSON.stringify(status));
      assert.equal(status.items, 1);
      assert.deepEqual(status.excluded, [], 'the hidden item is not even listed as excluded');
      const bag = await downloadBag(investigator, status.id, 'mixed');
      assert.deepEqual((await verifyPackage(bag, { key: s.ctx.logKey.verifierKey })).failures, []);
      assert.equal(runVerifyMjs(bag, ['--key', s.ctx.logKey.verifierKey]).ok, true);
      const text = bagText(bag);
      assert.ok(!text.includes(secret), 'no trace of the witness-compartment item');
      assert.ok(!text.includes('W-042'));

      // The lead, who holds every compartment, gets both.
      const full = await exportOver(lead, ref);
      assert.equal(full.items, 2);

      // Their package holds the witness item: a writer of the case who cannot read it neither
      // lists, reads the status of (its count and bytes) nor downloads that package.
      const listed = (await call(investigator, 'GET', '/api/exports')).json().exports as { id: string }[];
      assert.ok(!listed.some((e) => e.id === full.id), 'not in the list');
      assert.ok(
        listed.some((e) => e.id === status.id),
        'their own package is',
      );
      for (const url of [`/api/exports/${full.id}`, `/api/exports/${full.id}/download`]) {
        const probe = await call(investigator, 'GET', url);
        assert.equal(probe.statusCode, 404, `${url}: ${probe.body}`);
        assert.equal(probe.json().type, 'https://attest.example/problems/not-found');
      }
      assert.equal((await call(lead, 'GET', `/api/exports/${full.id}/download`)).statusCode, 200);
    });

    it('runs the export with the access the requester has when the job runs', async () => {
      const ref = (await call(investigator, 'POST', '/api/cases', { title: 'Revoked' })).json().ref as string;
      await call(investigator, 'POST', `/api/cases/${ref}/items`, { erns: [erns[1]] });
      const leaving = await loginAs(app, s.ctx, 'investigator', ['general']);
      const started = await call(leaving, 'POST', '/api/exports', { target: ref });
      assert.equal(started.statusCode, 202);
      const admin = await loginAs(app, s.ctx, 'admin', ['*']);
      const disabled = await call(admin, 'POST', `/api/admin/users/${leaving.userId}/disable`);
      assert.equal(disabled.statusCode, 204, disabled.body);
      await work();
      // The requester is gone: a viewer who may export in every compartment reads what happened.
      const lead = await loginAs(app, s.ctx, 'investigator', ['*']);
      const status = (await call(lead, 'GET', `/api/exports/${started.json().id}`)).json();
      assert.equal(status.status, 'failed');
      assert.equal(status.attempts, 1, 'a refusal is final, not retried');
      assert.match(status.error, /disabled or gone/);
      const download = await call(lead, 'GET', `/api/exports/${started.json().id}/download`);
      assert.equal(download.statusCode, 409);
      assert.equal(download.json().type, 'https://attest.example/problems/package-not-ready');
    });

    it('answers problem+json with stable types for bad input, unknown elements and foreign cases', async () => {
      const bad = await call(investigator, 'POST', '/api/cases', { title: 'x', extra: true });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
      const ref = (await call(investigator, 'POST', '/api/cases', { title: 'Second' })).json().ref;
      const unknown = await call(investigator, 'POST', `/api/cases/${ref}/crimes`, { crime: 'rs-eoc/9-9-9' });
      assert.equal(unknown.json().type, 'https://attest.example/problems/unknown-element');
      const witnessOnly = await loginAs(app, s.ctx, 'investigator', ['witness']);
      const hidden = (
        await call(witnessOnly, 'POST', '/api/cases', { title: 'Hidden', compartment: 'witness' })
      ).json().ref;
      const probe = await call(investigator, 'GET', `/api/cases/${hidden}`);
      assert.equal(probe.statusCode, 404);
      assert.equal(probe.json().type, 'https://attest.example/problems/not-found');
      const notReady = await call(investigator, 'GET', '/api/exports/00000000-0000-4000-8000-000000000000');
      assert.equal(notReady.statusCode, 404);
    });
  });
}
