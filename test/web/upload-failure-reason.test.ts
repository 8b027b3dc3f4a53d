/**
 * Each way an upload can stop for good has its own sentence in both languages (issue 17): the
 * reason is read from the problem's `type` first, the HTTP status second, and a response that
 * never came is the connection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arUpload } from '../../web/src/i18n/ar-upload.js';
import { enUpload } from '../../web/src/i18n/en-upload.js';
import { failureReason } from '../../web/src/vault/failure-reason.js';

const P = (status: number | null, code: string | null = null) => ({ status, code, detail: null });

describe('why an upload failed (issue 17)', () => {
  it('reads the problem type, then the status', () => {
    assert.equal(failureReason(P(null)), 'connection');
    assert.equal(failureReason(P(413, 'payload-too-large')), 'tooLarge');
    assert.equal(failureReason(P(413)), 'tooLarge', 'a proxy’s 413 without a problem document');
    assert.equal(failureReason(P(429, 'upload-quota')), 'quota');
    assert.equal(failureReason(P(415, 'unsupported-media-type')), 'type');
    assert.equal(failureReason(P(422, 'invalid-provenance')), 'provenance');
    assert.equal(failureReason(P(401, 'unauthenticated')), 'signedOut');
    assert.equal(failureReason(P(403, 'forbidden')), 'forbidden');
    assert.equal(failureReason(P(502)), 'server');
    assert.equal(failureReason(P(400, 'invalid-request')), 'refused');
  });

  it('every reason has a sentence in English and Arabic', () => {
    for (const reason of [
      'connection',
      'tooLarge',
      'quota',
      'type',
      'provenance',
      'signedOut',
      'forbidden',
      'server',
      'refused',
    ])
      assert.ok(
        (enUpload.upload.failure as Record<string, string>)[reason] &&
          (arUpload.upload.failure as Record<string, string>)[reason],
        reason,
      );
  });
});
