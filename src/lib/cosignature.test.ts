/**
 * C2SP tlog-cosignature v1 (Ed25519): the spec's example decoded, the key id and signed message
 * byte for byte, an independently written witness's lines accepted, and every tamper refused.
 */
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  checkCosignatures,
  cosignedMessage,
  cosignerFromSeed,
  cosignerKeyId,
  parseCosignerKey,
} from './cosignature.js';
import { generateSignerKey, parseSignerKey, signNote } from './note.js';

const BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SEED = Buffer.alloc(32, 7);

describe('tlog-cosignature v1', () => {
  it("reads the spec's example line: key id, then timestamp 1679315147 big-endian (§Format)", () => {
    const raw = Buffer.from(
      'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
      'base64',
    );
    assert.equal(raw.length, 4 + 8 + 64);
    assert.equal(raw.readBigUInt64BE(4), 1679315147n);
  });

  it('signs "cosignature/v1\\ntime <t>\\n" || body with key id SHA-256(name\\n 0x04 pub)[:4]', () => {
    assert.equal(
      cosignedMessage(BODY, 1679315147).toString('utf8'),
      `cosignature/v1\ntime 1679315147\n${BODY}`,
      "the spec's example message",
    );
    const c = cosignerFromSeed('witness.example/w1', SEED);
    const priv = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]),
      format: 'der',
      type: 'pkcs8',
    });
    const pub = createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(12);
    const id = createHash('sha256').update('witness.example/w1\n').update(Buffer.of(4)).update(pub).digest();
    assert.equal(cosignerKeyId('witness.example/w1', pub), id.readUInt32BE(0));
    assert.equal(
      c.vkey,
      `witness.example/w1+${id.subarray(0, 4).toString('hex')}+${Buffer.concat([Buffer.of(4), pub]).toString('base64')}`,
    );
    // Ed25519 is deterministic: the line is exactly key id || u64 t || sig over the message.
    const sig = sign(null, Buffer.from(`cosignature/v1\ntime 1679315147\n${BODY}`), priv);
    const t = Buffer.alloc(8);
    t.writeBigUInt64BE(1679315147n);
    assert.equal(
      c.cosign(BODY, 1679315147),
      `\u2014 witness.example/w1 ${Buffer.concat([id.subarray(0, 4), t, sig]).toString('base64')}\n`,
    );
  });

  it('checks a cosigned checkpoint: ignores the log line and unknown witnesses, names a forged line', () => {
    const log = parseSignerKey(generateSignerKey('example.com/behind-the-sofa'));
    const note = signNote(BODY, log);
    const a = cosignerFromSeed('witness.example/a', Buffer.alloc(32, 1));
    const b = cosignerFromSeed('witness.example/b', Buffer.alloc(32, 2));
    const stranger = cosignerFromSeed('witness.example/c', Buffer.alloc(32, 3));
    const cosigned = note + a.cosign(BODY, 100) + stranger.cosign(BODY, 100) + b.cosign(BODY, 200);
    const ok = checkCosignatures(cosigned, [parseCosignerKey(a.vkey), parseCosignerKey(b.vkey)]);
    assert.deepEqual(
      ok.cosigned.map((c) => [c.name, c.timestamp]),
      [
        ['witness.example/a', 100],
        ['witness.example/b', 200],
      ],
    );
    assert.deepEqual(ok.invalid, []);

    // A line under a's name and key id, signed over another body: invalid; b still counts.
    const forged = a.cosign(BODY.replace('20852163', '20852164'), 100);
    const mixed = checkCosignatures(note + forged + b.cosign(BODY, 200), [
      parseCosignerKey(a.vkey),
      parseCosignerKey(b.vkey),
    ]);
    assert.deepEqual(mixed.invalid, ['witness.example/a']);
    assert.deepEqual(
      mixed.cosigned.map((c) => c.name),
      ['witness.example/b'],
    );

    // The timestamp is signed: changing it breaks the signature.
    const line = a.cosign(BODY, 100);
    const raw = Buffer.from(line.split(' ')[2]!.trim(), 'base64');
    raw.writeBigUInt64BE(101n, 4);
    const retimed = `\u2014 witness.example/a ${raw.toString('base64')}\n`;
    assert.deepEqual(checkCosignatures(note + retimed, [parseCosignerKey(a.vkey)]).invalid, [
      'witness.example/a',
    ]);
    // No cosignature at all: nothing cosigned, nothing invalid.
    assert.deepEqual(checkCosignatures(note, [parseCosignerKey(a.vkey)]), { cosigned: [], invalid: [] });
  });

  it('refuses malformed witness keys, and a log key given as a witness key by name', () => {
    const good = cosignerFromSeed('w.example/x', SEED).vkey;
    const [name, id, key] = [good.split('+')[0], good.split('+')[1], good.split('+').slice(2).join('+')];
    const logKey = parseSignerKey(generateSignerKey('w.example/x')).verifierKey;
    for (const [bad, why] of [
      ['', /expected name\+keyid\+base64/],
      [`${name}+${id}`, /expected/],
      [`${name}+${id!.toUpperCase()}+${key}`, /8 lowercase hex/],
      [`${name}+00000000+${key}`, /does not match/],
      [`other+${id}+${key}`, /does not match/],
      [`${name}+${id}+${key!.slice(0, -4)}`, /33 bytes/],
      [logKey, /Ed25519 log key/],
      ['x'.repeat(5000), /too long/],
      [`a b+${id}+${key}`, /invalid name/],
    ] as const) {
      assert.throws(
        () => parseCosignerKey(bad),
        (err: Error) => why.test(err.message),
        bad.slice(0, 40),
      );
    }
    assert.equal(parseCosignerKey(good).name, 'w.example/x');
  });
});
