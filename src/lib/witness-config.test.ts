/** ATTEST_WITNESSES / ATTEST_WITNESS_QUORUM: parsed at start-up, each mistake refused by name. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cosignerFromSeed } from './cosignature.js';
import { generateSignerKey, parseSignerKey } from './note.js';
import { readWitnessSettings } from './witness-config.js';

const a = cosignerFromSeed('witness.example/a', Buffer.alloc(32, 1)).vkey;
const b = cosignerFromSeed('witness.example/b', Buffer.alloc(32, 2)).vkey;

describe('witness configuration', () => {
  it('reads "<vkey> <url>" pairs and defaults the quorum to all of them', () => {
    const s = readWitnessSettings({
      ATTEST_WITNESSES: `\n  ${a} https://w.example/a/\n${b} http://127.0.0.1:9/b\n`,
    });
    assert.deepEqual(
      s.witnesses.map((w) => [w.name, w.url]),
      [
        ['witness.example/a', 'https://w.example/a'],
        ['witness.example/b', 'http://127.0.0.1:9/b'],
      ],
    );
    assert.equal(s.quorum, 2);
    assert.equal(
      readWitnessSettings({
        ATTEST_WITNESSES: `${a} https://w/a ${b} https://w/b`,
        ATTEST_WITNESS_QUORUM: '1',
      }).quorum,
      1,
    );
    assert.deepEqual(readWitnessSettings({}), { witnesses: [], quorum: 0 });
  });

  it('refuses each mistake with the reason', () => {
    const logKey = parseSignerKey(generateSignerKey('witness.example/a')).verifierKey;
    for (const [env, why] of [
      [{ ATTEST_WITNESSES: a }, /pairs/],
      [{ ATTEST_WITNESSES: `https://w/a ${a}` }, /starts with a URL/],
      [{ ATTEST_WITNESSES: `${logKey} https://w/a` }, /entry 1: .*Ed25519 log key/],
      [{ ATTEST_WITNESSES: `${a} ftp://w/a` }, /must be http\(s\)/],
      [{ ATTEST_WITNESSES: `${a} https://user:pw@w/a` }, /credentials/],
      [{ ATTEST_WITNESSES: `${a} https://w/a?token=1` }, /without query/],
      [{ ATTEST_WITNESSES: `${a} not-a-url` }, /not an absolute URL/],
      [{ ATTEST_WITNESSES: `${a} https://w/a ${a} https://w/b` }, /listed twice/],
      [{ ATTEST_WITNESSES: `${a} https://w/a`, ATTEST_WITNESS_QUORUM: '2' }, /from 1 to 1/],
      [{ ATTEST_WITNESSES: `${a} https://w/a`, ATTEST_WITNESS_QUORUM: '0' }, /from 1 to 1/],
      [{ ATTEST_WITNESSES: `${a} https://w/a`, ATTEST_WITNESS_QUORUM: '1.5' }, /from 1 to 1/],
      [{ ATTEST_WITNESS_QUORUM: '1' }, /ATTEST_WITNESSES is empty/],
    ] as const) {
      assert.throws(
        () => readWitnessSettings(env),
        (err: Error) => why.test(err.message),
        JSON.stringify(env).slice(0, 80),
      );
    }
  });

  it('never echoes a URL credential in its error', () => {
    assert.throws(
      () => readWitnessSettings({ ATTEST_WITNESSES: `${a} https://user:s3cret@w/a` }),
      (err: Error) => !err.message.includes('s3cret'),
    );
  });
});
