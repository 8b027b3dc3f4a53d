import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, type TestCaller } from '../../test/support/access.js';
import { addItem } from '../../test/support/cases.js';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { extractArchive } from './package/archive.js';
import { settleExports } from './package/jobs.js';
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
      await settleExports();
      await app.close();
      await rm(dir, { recursive: true, force: true });
      await s.close();
    });

    const call = (who: TestCaller, method: string, url: string, payload?: unknown) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: who.headers,
        ...(payload !== undefined ? { payload: payload as object } : {}),
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

      const started = await call(investigator, 'POST', '/api/exports', { target: rfaRef });
      assert.equal(started.statusCode, 202, started.body);
      const id = started.json().id as string;
      let status = started.json();
      for (let i = 0; i < 2000 && status.status !== 'done' && status.status !== 'failed'; i++) {
        await new Promise((r) => setImmediate(r));
        status = (await call(investigator, 'GET', `/api/exports/${id}`)).json();
      }
      assert.equal(status.status, 'done', JSON.stringify(status));
      assert.equal(status.items, 1);
      assert.deepEqual(
        status.excluded.map((e: { ern: string }) => e.ern),
        [erns[0]],
      );
      const download = await call(investigator, 'GET', `/api/exports/${id}/download`);
      assert.equal(download.statusCode, 200);
      assert.equal(download.headers['content-type'], 'application/zip');
      const zip = join(dir, 'download.zip');
      writeFileSync(zip, download.rawPayload);
      const bag = await extractArchive(zip, join(dir, 'x'), 'zip');
      const report = await verifyPackage(bag, { key: s.ctx.logKey.verifierKey });
      assert.deepEqual(report.failures, []);
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
