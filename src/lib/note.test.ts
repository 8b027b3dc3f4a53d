import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import {
  generateSignerKey,
  keyHash,
  NoteError,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signerKeyString,
  signNote,
  verifierKeyString,
} from './note.js';

interface Key {
  seedHex: string;
  publicKeyHex: string;
  name: string;
  keyHashHex: string;
  verifierKey: string;
  signerKey: string;
}
interface Cp {
  size: number;
  rootHex: string;
  rootBase64: string;
  body: string;
  signedNote: string;
}
const v: {
  origin: string;
  key: Key;
  otherKey: Key;
  checkpoint: Cp;
  additionalCheckpoints: Cp[];
  noteCases: { name: string; note: string; expect: 'valid' | 'invalid'; expectError?: string }[];
} = JSON.parse(readFileSync(new URL('../../../shared/vectors/checkpoint.json', import.meta.url), 'utf8'));

describe('signed note (C2SP signed-note) against shared/vectors/checkpoint.json', () => {
  const signer = parseSignerKey(v.key.signerKey);
  const verifier = parseVerifierKey(v.key.verifierKey);

  it('reproduces the key hash, verifier key and signer key from the seed', () => {
    const seed = Buffer.from(v.key.seedHex, 'hex');
    assert.equal(
      keyHash(v.key.name, Buffer.from(v.key.publicKeyHex, 'hex')).toString(16).padStart(8, '0'),
      v.key.keyHashHex,
    );
    assert.equal(verifierKeyString(v.key.name, Buffer.from(v.key.publicKeyHex, 'hex')), v.key.verifierKey);
    assert.equal(signerKeyString(v.key.name, seed), v.key.signerKey);
    assert.equal(signer.verifierKey, v.key.verifierKey);
    assert.equal(parseSignerKey(v.otherKey.signerKey).verifierKey, v.otherKey.verifierKey);
  });

  it('reproduces every checkpoint body and signed note byte for byte', () => {
    for (const cp of [v.checkpoint, ...v.additionalCheckpoints]) {
      const body = formatCheckpoint({
        origin: v.origin,
        size: cp.size,
        root: Buffer.from(cp.rootHex, 'hex'),
      });
      assert.equal(body, cp.body);
      assert.equal(signNote(body, signer), cp.signedNote, `signed note of size ${cp.size}`);
      const opened = openNote(cp.signedNote, [verifier]);
      const parsed = parseCheckpoint(opened.text);
      assert.equal(parsed.size, cp.size);
      assert.equal(Buffer.from(parsed.root).toString('base64'), cp.rootBase64);
    }
  });

  it('decides every note case as x/mod does, with its error text', () => {
    for (const c of v.noteCases) {
      if (c.expect === 'valid') {
        assert.doesNotThrow(() => openNote(c.note, [verifier]), c.name);
      } else {
        assert.throws(
          () => openNote(c.note, [verifier]),
          (e: unknown) =>
            e instanceof NoteError && (c.expectError === undefined || e.message === c.expectError),
          `${c.name}: want ${c.expectError}`,
        );
      }
    }
  });

  it('ignores unknown signatures but keeps them visible', () => {
    const other = parseSignerKey(v.otherKey.signerKey);
    const note = signNote(v.checkpoint.body, other, signer);
    const opened = openNote(note, [verifier]);
    assert.equal(opened.sigs.length, 1);
    assert.equal(opened.unverifiedSigs.length, 1);
  });

  it('round-trips a generated key', () => {
    const s = parseSignerKey(generateSignerKey('attest.test/log'));
    const note = signNote('hello\n', s);
    assert.equal(openNote(note, [parseVerifierKey(s.verifierKey)]).text, 'hello\n');
  });

  it('rejects hostile notes with one malformed-note error, never a crash', () => {
    const good = v.checkpoint.signedNote;
    const sigLine = good.slice(good.lastIndexOf('\n\n') + 2);
    const bad = [
      '',
      '\n\n',
      good.replace('\n\n', '\n'),
      good.replace('\u2014', '-'),
      good.replace('attest.example/custody-log\n65', 'attest.example/custody-log\r\n65'),
      `${good.slice(0, -1)}`,
      good.replace(/ [A-Za-z0-9+/=]+\n$/, ' @@@@\n'),
      good.replace(/ [A-Za-z0-9+/=]+\n$/, ' AAAA\n'),
      `\u0000${good}`,
      good.replace(sigLine, `\u2014 bad name ${sigLine.split(' ')[2]}`),
      'a'.repeat(2 << 20),
    ];
    for (const b of bad) {
      assert.throws(
        () => openNote(b, [verifier]),
        (e: unknown) => e instanceof NoteError && e.code === 'MALFORMED_NOTE',
        JSON.stringify(b.slice(0, 60)),
      );
    }
    const many = good + sigLine.repeat(101);
    assert.throws(
      () => openNote(many, [verifier]),
      (e: unknown) => e instanceof NoteError,
    );
  });

  it('rejects malformed keys', () => {
    for (const k of [
      '',
      'a+b',
      `${v.key.verifierKey}x`,
      v.key.verifierKey.replace('51c9167a', '51c9167b'),
      'na me+51c9167a+AQOh',
    ]) {
      assert.throws(() => parseVerifierKey(k), NoteError, k);
    }
    assert.throws(() => parseSignerKey(v.key.signerKey.replace('PRIVATE', 'PUBLIC')), NoteError);
  });
});

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  it('accepts exactly one encoding', () => {
    const root = Buffer.alloc(32, 7).toString('base64');
    for (const bad of [
      `o\n065\n${root}\n`,
      `o\n+65\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n99999999999999999\n${root}\n`,
      `o\n65\n${root}`,
      `\n65\n${root}\n`,
      `o\n65\n${Buffer.alloc(31).toString('base64')}\n`,
      `o\n65\n${root}\n\n`,
      `o\n 65\n${root}\n`,
    ]) {
      assert.throws(() => parseCheckpoint(bad), /malformed checkpoint/, JSON.stringify(bad));
    }
    assert.deepEqual(parseCheckpoint(`o\n65\n${root}\next 1\n`).extensions, ['ext 1']);
  });
});
