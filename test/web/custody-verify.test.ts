/**
 * The browser's custody verifier (web/src/custody/verify.ts) against the same vectors as the
 * server's (test/vectors: golang.org/x/mod's tlog and note), run here on Node's WebCrypto: every
 * inclusion vector passes and every bit flipped in a proof fails; the signed-note cases give
 * x/mod's outcomes; a leaf hash is recomputed from an entry exactly as src/custody writes it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { entryPayload } from '../../src/custody/entry.js';
import { leafHash } from '../../src/lib/merkle.js';
import {
  base64ToBytes,
  ed25519Verify,
  entryLeafHash,
  hexToBytes,
  openCheckpoint,
  parseVerifierKey,
  VerifyError,
  verifyInclusion,
} from '../../web/src/custody/verify.js';

const merkle = JSON.parse(readFileSync('test/vectors/merkle.json', 'utf8'));
const cpv = JSON.parse(readFileSync('test/vectors/checkpoint.json', 'utf8'));

const flip = (hex: string, bit: number) => {
  const b = hexToBytes(hex);
  b[bit >> 3]! ^= 1 << (bit & 7);
  return Buffer.from(b).toString('hex');
};

describe('browser verifier: RFC 9162 §2.1.3.2 inclusion', () => {
  it('accepts every inclusion vector', async () => {
    for (const v of merkle.inclusion) {
      const ok = await verifyInclusion(v.leafHash, v.index, v.size, v.proof, hexToBytes(v.root));
      assert.equal(ok, true, `verifyInclusion(${v.index}, ${v.size}) = false, want true`);
    }
  });
  it('refuses every proof with one bit flipped, another leaf or index, a short or long path', async () => {
    for (const v of merkle.inclusion.filter((x: { proof: string[] }) => x.proof.length > 0).slice(0, 40)) {
      const root = hexToBytes(v.root);
      for (let k = 0; k < v.proof.length; k++) {
        const p = [...v.proof];
        p[k] = flip(p[k], (k * 37) % 256);
        assert.equal(await verifyInclusion(v.leafHash, v.index, v.size, p, root), false, `flip in ${k}`);
      }
      assert.equal(await verifyInclusion(flip(v.leafHash, 3), v.index, v.size, v.proof, root), false);
      assert.equal(await verifyInclusion(v.leafHash, v.index + 1, v.size, v.proof, root), false);
      assert.equal(await verifyInclusion(v.leafHash, v.index, v.size, v.proof.slice(1), root), false);
      assert.equal(await verifyInclusion(v.leafHash, v.index, v.size, [...v.proof, v.proof[0]], root), false);
    }
    for (const v of merkle.invalidInclusion)
      assert.equal(await verifyInclusion(v.leafHash, v.index, v.size, v.proof, hexToBytes(v.root)), false);
  });
  it('refuses malformed input without throwing', async () => {
    const v = merkle.inclusion[3];
    const root = hexToBytes(v.root);
    for (const bad of [
      () => verifyInclusion('zz', v.index, v.size, v.proof, root),
      () => verifyInclusion(v.leafHash, -1, v.size, v.proof, root),
      () => verifyInclusion(v.leafHash, v.index, Number.NaN, v.proof, root),
      () => verifyInclusion(v.leafHash, v.index, v.size, ['00'], root),
      () => verifyInclusion(v.leafHash, v.index, v.size, 'nope' as unknown as string[], root),
      () => verifyInclusion(v.leafHash, v.index, v.size, new Array(200).fill(v.leafHash), root),
      () => verifyInclusion(v.leafHash, v.index, v.size, v.proof, root.slice(1)),
    ])
      assert.equal(await bad(), false);
  });
});

describe('browser verifier: C2SP signed-note checkpoints', () => {
  it('parses the verifier key and checks its hash', async () => {
    const key = await parseVerifierKey(cpv.key.verifierKey);
    assert.equal(key.name, cpv.key.name);
    assert.equal(key.keyHash.toString(16).padStart(8, '0'), cpv.key.keyHashHex);
    assert.equal(Buffer.from(key.publicKey).toString('hex'), cpv.key.publicKeyHex);
    const wrongHash = cpv.key.verifierKey.replace('+51c9167a+', '+51c9167b+');
    await assert.rejects(parseVerifierKey(wrongHash), (e: VerifyError) => e.code === 'MALFORMED_KEY');
    for (const bad of ['', 'a+b', 'name+51c9167a+AQ==', `x y+51c9167a+${cpv.key.verifierKey.split('+')[2]}`])
      await assert.rejects(parseVerifierKey(bad), VerifyError);
  });
  it('opens the vector checkpoint: origin, size and root', async () => {
    const cp = await openCheckpoint(cpv.checkpoint.signedNote, await parseVerifierKey(cpv.key.verifierKey));
    assert.equal(cp.origin, cpv.origin);
    assert.equal(cp.size, cpv.checkpoint.size);
    assert.equal(Buffer.from(cp.root).toString('hex'), cpv.checkpoint.rootHex);
    assert.equal(cp.engine, 'webcrypto');
  });
  it("gives x/mod's outcome for every note case", async () => {
    const key = await parseVerifierKey(cpv.key.verifierKey);
    const codeFor: Record<string, string> = {
      'malformed note': 'MALFORMED_NOTE',
      'note has no verifiable signatures': 'NO_SIGNATURE_BY_KEY',
    };
    for (const c of cpv.noteCases) {
      if (c.expect === 'valid') {
        assert.equal((await openCheckpoint(c.note, key)).size, cpv.checkpoint.size, c.name);
        continue;
      }
      const want = codeFor[c.expectError] ?? 'INVALID_SIGNATURE';
      await assert.rejects(openCheckpoint(c.note, key), (e: VerifyError) => e.code === want, c.name);
    }
  });
  it('refuses a note with any byte of its signature flipped', async () => {
    const key = await parseVerifierKey(cpv.key.verifierKey);
    const line: string = cpv.checkpoint.signatureLine;
    const b64 = line.slice(line.lastIndexOf(' ') + 1);
    const raw = base64ToBytes(b64)!;
    for (let i = 4; i < raw.length; i += 7) {
      const bad = raw.slice();
      bad[i]! ^= 0x10;
      const note = cpv.checkpoint.signedNote.replace(b64, Buffer.from(bad).toString('base64'));
      await assert.rejects(openCheckpoint(note, key), (e: VerifyError) => e.code === 'INVALID_SIGNATURE');
    }
  });
  it('@noble/ed25519 gives the same answers as WebCrypto', async () => {
    const noble = await import('@noble/ed25519');
    const key = await parseVerifierKey(cpv.key.verifierKey);
    const sig = hexToBytes(cpv.checkpoint.signatureHex);
    const msg = new TextEncoder().encode(cpv.checkpoint.body);
    assert.equal(await noble.verifyAsync(sig, msg, key.publicKey), true);
    assert.deepEqual(await ed25519Verify(key.publicKey, sig, msg), { ok: true, engine: 'webcrypto' });
    msg[0]! ^= 1;
    assert.equal(await noble.verifyAsync(sig, msg, key.publicKey), false);
    assert.equal((await ed25519Verify(key.publicKey, sig, msg)).ok, false);
  });
});

describe('browser verifier: leaf hash of an entry', () => {
  const entry = {
    seq: 41,
    at: '2016-12-16T10:05:00.000Z',
    kind: 'ingest' as const,
    actor: 'user-1',
    itemId: 'item-1',
    salt: '00112233445566778899aabbccddeeff',
    data: { sha256: 'a'.repeat(64), size: 12, ern: 'ATT-000001' },
  };
  const server = (e: Parameters<typeof entryPayload>[0]) =>
    leafHash(Buffer.from(entryPayload(e))).toString('hex');
  it('recomputes the leaf hash the log wrote (version 2 and version 1)', async () => {
    assert.equal(await entryLeafHash({ ...entry, leafHash: '' }), server(entry));
    const { salt: _s, ...v1 } = entry;
    assert.equal(await entryLeafHash({ ...v1, leafHash: '' }), server(v1));
  });
  it('a changed field changes the leaf hash; a redacted entry cannot be checked', async () => {
    assert.notEqual(await entryLeafHash({ ...entry, actor: 'user-2', leafHash: '' }), server(entry));
    await assert.rejects(
      entryLeafHash({ seq: 41, leafHash: server(entry), redacted: true }),
      (e: VerifyError) => e.code === 'MALFORMED_ENTRY',
    );
  });
});
