import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AttestError } from '../lib/errors.js';
import { StoreError } from '../store/errors.js';
import { VaultError } from '../vault/index.js';
import { FROM_DOMAIN, HttpProblem, PROBLEM_BASE, PROBLEMS, problemFor } from './problems.js';

/** The rows of the table in docs/errors.md: code and status, in order. */
function documentedRows(): { code: string; status: number }[] {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  return [...text.matchAll(/^\| `([a-z-]+)` \| (\d{3}) \|/gm)].map((m) => ({
    code: m[1]!,
    status: Number(m[2]),
  }));
}

describe('PROBLEMS and docs/errors.md', () => {
  it('list the same codes, in the same order, with the same status', () => {
    const documented = documentedRows();
    const mapped = Object.entries(PROBLEMS).map(([code, spec]) => ({ code, status: spec.status }));
    assert.deepEqual(documented, mapped);
  });

  it('give every domain code a problem that exists', () => {
    for (const [domainCode, problem] of Object.entries(FROM_DOMAIN)) {
      assert.ok(problem in PROBLEMS, `FROM_DOMAIN.${domainCode} = ${problem}, not in PROBLEMS`);
    }
  });
});

describe('problemFor', () => {
  it('maps a domain error through FROM_DOMAIN, with its message as detail', () => {
    const body = problemFor(new VaultError('INVALID_ERN', 'not an ERN'), 'r1');
    assert.equal(body.type, `${PROBLEM_BASE}invalid-ern`);
    assert.equal(body.status, 400);
    assert.equal(body.detail, 'not an ERN');
    assert.equal(body.requestId, 'r1');
  });

  it('maps BlobTooLargeError (a StoreError) to payload-too-large (issue 11.3)', () => {
    const body = problemFor(new StoreError('BLOB_TOO_LARGE', 'content exceeds the limit of 10 bytes'), 'r2');
    assert.equal(body.type, `${PROBLEM_BASE}payload-too-large`);
    assert.equal(body.status, 413);
  });

  it('sends a server fault as internal with no detail, whatever the message says', () => {
    const body = problemFor(
      new VaultError('INTEGRITY', 'ATT-000001: stored bytes differ from /data/x'),
      'r3',
    );
    assert.equal(body.type, `${PROBLEM_BASE}internal`);
    assert.equal(body.status, 500);
    assert.equal(body.detail, undefined);
  });

  it('treats a code no table knows as internal, not as the caller’s fault', () => {
    const body = problemFor(new AttestError('SOMETHING_NEW', 'secret path /etc/x'), 'r4');
    assert.equal(body.status, 500);
    assert.equal(body.detail, undefined);
  });

  it('keeps an HTTP-layer problem as it is', () => {
    const body = problemFor(new HttpProblem('unauthenticated'), 'r5');
    assert.equal(body.type, `${PROBLEM_BASE}unauthenticated`);
    assert.equal(body.status, 401);
  });

  it('turns anything else into a bare 500', () => {
    const body = problemFor(new Error('SELECT * FROM user WHERE password = …'), 'r6');
    assert.deepEqual(Object.keys(body).sort(), ['requestId', 'status', 'title', 'type']);
    assert.equal(body.status, 500);
  });
});

describe('the problem codes are a closed union (checked by tsc, not at run time)', () => {
  it('refuses a typo in a problem code', () => {
    // @ts-expect-error 'not-fonud' is not a ProblemCode: PROBLEMS is keyed by a union, not string.
    const typo = () => new HttpProblem('not-fonud');
    assert.equal(typeof typo, 'function');
  });
});
