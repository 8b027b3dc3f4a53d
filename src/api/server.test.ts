import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openTestStore } from '../../test/support/stores.js';
import { buildApp, requestLogLine } from './server.js';

describe('request logging keeps no query strings (DESIGN rule 4)', () => {
  it('requestLogLine drops the query, keeping method, path and id', () => {
    assert.deepEqual(
      requestLogLine({ method: 'GET', url: '/api/search?q=%D8%AD%D9%84%D8%A8&place=x', id: 'r1' }),
      {
        method: 'GET',
        url: '/api/search',
        id: 'r1',
      },
    );
    assert.equal(requestLogLine({ method: 'GET', url: '/api/me', id: 'r2' }).url, '/api/me');
    assert.equal(requestLogLine({ method: 'GET', url: '/?', id: 'r3' }).url, '/');
  });

  it('a search term in the URL never reaches the server log', async () => {
    const s = await openTestStore('sqlite');
    const lines: string[] = [];
    const app = await buildApp(s.ctx, {
      logger: true,
      logStream: { write: (l) => lines.push(l) },
      webDist: false,
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/search?q=SyntheticWitnessName' });
      assert.equal(res.statusCode, 401);
      const log = lines.join('');
      assert.match(log, /\/api\/search/, 'the request is logged by its path');
      assert.doesNotMatch(log, /SyntheticWitnessName/);
    } finally {
      await app.close();
      await s.close();
    }
  });
});
