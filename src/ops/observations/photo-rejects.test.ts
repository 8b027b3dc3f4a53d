/**
 * photo-rejects.test.ts — a refused monitor photo leaves nothing on disk (issue 12.7): before, 24
 * accepted items left 28 blobs, and any monitor could fill the disk 32 MiB at a time while
 * `attest verify` said all was well.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { PNG_1PX, sighting } from '../../../test/support/ops.js';
import { opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';
import { findUnreferencedBlobs, verifyVault } from '../../vault/index.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of DIALECTS) {
  describe(`${dialect}: refused photos leave no blob (issue 12.7)`, () => {
    const t = opsApp(dialect);

    it('a photo whose bytes miss the signed hash, or are not an image, stores nothing; verify stays clean', async () => {
      const { s, app, monitor, device, post } = t;
      const text = Buffer.from('plain text, not an image');
      const wire = sighting('veh-amb-03', 'pt-origin', 'departure', 2, 14, {
        photoSha256: [sha(PNG_1PX), sha(text)],
      });
      assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      const put = (hash: string, body: Buffer) =>
        app.inject({
          method: 'PUT',
          url: `/api/ops/observations/${wire.clientId}/photos/${hash}`,
          headers: { ...monitor.headers, 'content-type': 'image/png' },
          payload: body,
        });
      const stored = async () => {
        const out: string[] = [];
        for await (const h of s.ctx.blobs.list()) out.push(h);
        return out.sort();
      };
      const before = await stored();

      for (let i = 0; i < 4; i++) {
        const swapped = await put(sha(PNG_1PX), Buffer.concat([PNG_1PX, Buffer.from(`swap ${i}`)]));
        assert.equal(swapped.statusCode, 422, swapped.body);
        assert.equal(swapped.json().type, 'https://attest.example/problems/photo-hash-mismatch');
      }
      const notImage = await put(sha(text), text);
      assert.equal(notImage.json().type, 'https://attest.example/problems/unsupported-media-type');
      assert.deepEqual(await stored(), before, 'no refused bytes stay in the blob store');
      assert.deepEqual(await findUnreferencedBlobs(s.ctx), []);
      assert.deepEqual(await verifyVault(s.ctx), []);
      assert.equal(await s.ctx.db.selectFrom('blob_hold').select('id').executeTakeFirst(), undefined);

      // The genuine photo is still taken, once.
      const ok = await put(sha(PNG_1PX), PNG_1PX);
      assert.equal(ok.statusCode, 201, ok.body);
      assert.deepEqual(await stored(), [...before, sha(PNG_1PX)].sort());
    });
  });
}
