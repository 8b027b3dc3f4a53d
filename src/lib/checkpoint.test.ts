import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CheckpointError,
  type CheckpointErrorCode,
  formatCheckpoint,
  MAX_CHECKPOINT_BYTES,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.js';
import { verifyConsistency, verifyInclusion } from './merkle.js';
import { NoteError, parseSignerKey, signNote } from './note.js';

interface SignedCheckpoint {
  size: number;
  rootHex: string;
  rootBase64: string;
  body: string;
  signedNote: string;
}
const v: {
  origin: string;
  key: { verifierKey: string; signerKey: string };
  otherKey: { signerKey: string };
  checkpoint: SignedCheckpoint;
  additionalCheckpoints: SignedCheckpoint[];
  noteCases: { name: string; note: string; expect: 'valid' | 'invalid'; expectError?: string }[];
} = JSON.parse(readFileSync(new URL('../../test/vectors/checkpoint.json', import.meta.url), 'utf8'));
const merkle: {
  inclusion: { index: number; size: number; leafHash: string; proof: string[] }[];
  consistency: { old: number; new: number; proof: string[] }[];
} = JSON.parse(readFileSync(new URL('../../test/vectors/merkle.json', import.meta.url), 'utf8'));

const h = (s: string) => Buffer.from(s, 'hex');
const signer = parseSignerKey(v.key.signerKey);
const all = [v.checkpoint, ...v.additionalCheckpoints];
const root64 = v.checkpoint.rootBase64;

/** fails returns an assert.throws matcher for a CheckpointError with `code`. */
const fails = (code: CheckpointErrorCode) => (e: unknown) => e instanceof CheckpointError && e.code === code;

describe('checkpoints against test/vectors/checkpoint.json', () => {
  for (const cp of all) {
    it(`formats, signs, opens and parses the checkpoint of size ${cp.size} byte for byte`, () => {
      const fields = { origin: v.origin, size: cp.size, root: h(cp.rootHex) };
      assert.equal(formatCheckpoint(fields), cp.body, `formatCheckpoint(size ${cp.size})`);
      assert.equal(signCheckpoint(fields, signer), cp.signedNote, `signCheckpoint(size ${cp.size})`);
      const parsed = parseCheckpoint(cp.body);
      assert.deepEqual(
        [parsed.origin, parsed.size, parsed.root.toString('base64')],
        [v.origin, cp.size, cp.rootBase64],
      );
      assert.deepEqual(parsed.extensions, []);
      const opened = openCheckpoint(cp.signedNote, v.key.verifierKey);
      assert.deepEqual(
        [opened.origin, opened.size, opened.root.toString('hex')],
        [v.origin, cp.size, cp.rootHex],
      );
      assert.equal(opened.note.text, cp.body);
    });
  }

  it('links the signed roots with merkle.json: 33 → 65 consistency and the size-1 inclusion', () => {
    const [one, thirtyThree] = v.additionalCheckpoints.map((c) =>
      openCheckpoint(c.signedNote, v.key.verifierKey),
    );
    const sixtyFive = openCheckpoint(v.checkpoint.signedNote, v.key.verifierKey);
    const c = merkle.consistency.find((x) => x.old === 33 && x.new === 65)!;
    assert.ok(verifyConsistency(33, 65, thirtyThree!.root, sixtyFive.root, c.proof.map(h)));
    const i = merkle.inclusion.find((x) => x.size === 1)!;
    assert.ok(verifyInclusion(h(i.leafHash), 0, 1, [], one!.root));
  });

  for (const c of v.noteCases) {
    it(`decides note case ${c.name} through openCheckpoint (${c.expectError ?? 'valid'})`, () => {
      if (c.expect === 'valid') {
        assert.equal(openCheckpoint(c.note, v.key.verifierKey).size, 65);
      } else {
        assert.throws(
          () => openCheckpoint(c.note, v.key.verifierKey),
          (e: unknown) => e instanceof NoteError && e.message === c.expectError,
        );
      }
    });
  }
});

describe('openCheckpoint', () => {
  it('refuses a checkpoint of another origin signed by the log key', () => {
    const note = signCheckpoint({ origin: 'other.example/log', size: 1, root: Buffer.alloc(32) }, signer);
    assert.throws(() => openCheckpoint(note, v.key.verifierKey), fails('UNEXPECTED_ORIGIN'));
    assert.equal(openCheckpoint(note, v.key.verifierKey, 'other.example/log').origin, 'other.example/log');
  });

  it('refuses a signed body that is not a canonical checkpoint', () => {
    const note = signNote(`${v.origin}\n065\n${root64}\n`, signer);
    assert.throws(() => openCheckpoint(note, v.key.verifierKey), fails('MALFORMED_CHECKPOINT'));
  });

  it('refuses a malformed verifier key with MALFORMED_KEY', () => {
    assert.throws(
      () => openCheckpoint(v.checkpoint.signedNote, 'not a key'),
      (e: unknown) => e instanceof NoteError && e.code === 'MALFORMED_KEY',
    );
  });

  it('refuses a checkpoint signed only by another key', () => {
    const note = signCheckpoint(
      { origin: v.origin, size: 1, root: Buffer.alloc(32) },
      parseSignerKey(v.otherKey.signerKey),
    );
    assert.throws(
      () => openCheckpoint(note, v.key.verifierKey),
      (e: unknown) => e instanceof NoteError && e.code === 'NO_VERIFIABLE_SIGNATURES',
    );
  });
});

describe('parseCheckpoint accepts exactly one encoding', () => {
  const o = 'o';
  const bad: [string, string][] = [
    ['leading zero', `${o}\n065\n${root64}\n`],
    ['zero with a leading zero', `${o}\n00\n${root64}\n`],
    ['plus sign', `${o}\n+65\n${root64}\n`],
    ['minus sign', `${o}\n-1\n${root64}\n`],
    ['space before the size', `${o}\n 65\n${root64}\n`],
    ['space after the size', `${o}\n65 \n${root64}\n`],
    ['exponent', `${o}\n6.5e1\n${root64}\n`],
    ['hex size', `${o}\n0x41\n${root64}\n`],
    ['non-ASCII digits', `${o}\n\u0666\u0665\n${root64}\n`],
    ['2^53, past Number.MAX_SAFE_INTEGER', `${o}\n9007199254740992\n${root64}\n`],
    ['17 digits', `${o}\n10000000000000000\n${root64}\n`],
    ['400 digits', `${o}\n${'9'.repeat(400)}\n${root64}\n`],
    ['empty size', `${o}\n\n${root64}\n`],
    ['no final newline', `${o}\n65\n${root64}`],
    ['trailing blank line', `${o}\n65\n${root64}\n\n`],
    ['blank line between extensions', `${o}\n65\n${root64}\na\n\nb\n`],
    ['empty origin', `\n65\n${root64}\n`],
    ['CR in the origin', `${o}\r\n65\n${root64}\n`],
    ['NUL in the origin', `${o}\u0000\n65\n${root64}\n`],
    ['tab in an extension', `${o}\n65\n${root64}\na\tb\n`],
    ['31-byte root', `${o}\n65\n${Buffer.alloc(31).toString('base64')}\n`],
    ['33-byte root', `${o}\n65\n${Buffer.alloc(33).toString('base64')}\n`],
    ['non-canonical root base64', `${o}\n65\n${root64.slice(0, -2)}9=\n`],
    ['root without padding', `${o}\n65\n${root64.slice(0, -1)}\n`],
    ['URL-safe root', `${o}\n65\n${Buffer.alloc(32, 0xfb).toString('base64url')}=\n`],
    ['root in hex', `${o}\n65\n${v.checkpoint.rootHex}\n`],
    ['missing root', `${o}\n65\n`],
    ['empty', ''],
    ['too large', `${o}\n65\n${root64}\n${'x'.repeat(MAX_CHECKPOINT_BYTES)}\n`],
    ['not a string', 65 as unknown as string],
  ];
  for (const [what, body] of bad) {
    it(`fails with MALFORMED_CHECKPOINT: ${what}`, () => {
      assert.throws(() => parseCheckpoint(body), fails('MALFORMED_CHECKPOINT'));
    });
  }

  it('accepts the largest safe size, size 0, and extension lines', () => {
    assert.equal(parseCheckpoint(`${o}\n9007199254740991\n${root64}\n`).size, Number.MAX_SAFE_INTEGER);
    assert.equal(parseCheckpoint(`${o}\n0\n${root64}\n`).size, 0);
    assert.deepEqual(parseCheckpoint(`${o}\n65\n${root64}\next 1\n— ext 2\n`).extensions, [
      'ext 1',
      '— ext 2',
    ]);
  });
});

describe('formatCheckpoint refuses what it could not parse back', () => {
  const root = Buffer.alloc(32);
  const bad: [string, Parameters<typeof formatCheckpoint>[0]][] = [
    ['empty origin', { origin: '', size: 1, root }],
    ['origin with a newline', { origin: 'a\nb', size: 1, root }],
    ['origin with a CR', { origin: 'a\r', size: 1, root }],
    ['negative size', { origin: 'o', size: -1, root }],
    ['fractional size', { origin: 'o', size: 1.5, root }],
    ['unsafe size', { origin: 'o', size: 2 ** 53, root }],
    ['NaN size', { origin: 'o', size: Number.NaN, root }],
    ['31-byte root', { origin: 'o', size: 1, root: root.subarray(1) }],
    ['empty extension', { origin: 'o', size: 1, root, extensions: [''] }],
    ['extension with a newline', { origin: 'o', size: 1, root, extensions: ['a\nb'] }],
  ];
  for (const [what, cp] of bad) {
    it(`fails with MALFORMED_CHECKPOINT: ${what}`, () => {
      assert.throws(() => formatCheckpoint(cp), fails('MALFORMED_CHECKPOINT'));
    });
  }

  it('round-trips extensions', () => {
    const body = formatCheckpoint({ origin: 'o', size: 7, root, extensions: ['x', 'y z'] });
    assert.equal(body, `o\n7\n${root.toString('base64')}\nx\ny z\n`);
    assert.deepEqual(parseCheckpoint(body).extensions, ['x', 'y z']);
  });
});
