import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sha256 } from './hash.js';
import {
  decodeBase64,
  generateSignerKey,
  isValidKeyName,
  keyHash,
  MAX_NOTE_BYTES,
  NoteError,
  type NoteErrorCode,
  normaliseSavedNote,
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
interface SignedCheckpoint {
  size: number;
  body: string;
  signedNote: string;
  signatureHex: string;
  signatureLine: string;
}
interface NoteCase {
  name: string;
  note: string;
  expect: 'valid' | 'invalid';
  expectError?: string;
}
const v: {
  key: Key;
  otherKey: Key;
  checkpoint: SignedCheckpoint;
  additionalCheckpoints: SignedCheckpoint[];
  noteCases: NoteCase[];
} = JSON.parse(readFileSync(new URL('../../test/vectors/checkpoint.json', import.meta.url), 'utf8'));

const h = (s: string) => Buffer.from(s, 'hex');
const logSigner = parseSignerKey(v.key.signerKey);
const otherSigner = parseSignerKey(v.otherKey.signerKey);
const logVerifier = parseVerifierKey(v.key.verifierKey);
const otherVerifier = parseVerifierKey(v.otherKey.verifierKey);
const good = v.checkpoint.signedNote;
const body = v.checkpoint.body;
const goodLine = `${v.checkpoint.signatureLine}\n`;

/** CODE_OF maps x/mod's error text to our code. */
const CODE_OF: Record<string, NoteErrorCode> = {
  'malformed note': 'MALFORMED_NOTE',
  'note has no verifiable signatures': 'NO_VERIFIABLE_SIGNATURES',
};
const codeOf = (text: string) =>
  CODE_OF[text] ?? (text.startsWith('invalid signature') && 'INVALID_SIGNATURE');

/** fails returns an assert.throws matcher for a NoteError with `code` (and `message`, if given). */
function fails(code: NoteErrorCode, message?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof NoteError, `threw ${String(e)}, want NoteError`);
    assert.equal(e.code, code);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  };
}

/** unknownLine returns a well-formed signature line by a key nobody knows. */
const unknownLine = (n: number) => {
  const raw = Buffer.alloc(68, n % 256);
  raw.writeUInt32BE(0xdead0000 + n);
  return `\u2014 stranger ${raw.toString('base64')}\n`;
};

describe('keys against test/vectors/checkpoint.json', () => {
  for (const key of [v.key, v.otherKey]) {
    it(`reproduces the key hash and both key strings of ${key.keyHashHex}`, () => {
      const pub = h(key.publicKeyHex);
      assert.equal(keyHash(key.name, pub).toString(16).padStart(8, '0'), key.keyHashHex);
      assert.equal(verifierKeyString(key.name, pub), key.verifierKey);
      assert.equal(signerKeyString(key.name, h(key.seedHex)), key.signerKey);
      const signer = parseSignerKey(key.signerKey);
      assert.equal(signer.verifierKey, key.verifierKey, 'parseSignerKey(…).verifierKey');
      const verifier = parseVerifierKey(key.verifierKey);
      assert.deepEqual(
        [verifier.name, verifier.keyHash, verifier.publicKey.toString('hex')],
        [key.name, Number.parseInt(key.keyHashHex, 16), key.publicKeyHex],
      );
    });
  }

  it('round-trips a generated key, and each generated key is new', () => {
    const skey = generateSignerKey('attest.test/log');
    assert.notEqual(skey, generateSignerKey('attest.test/log'));
    const signer = parseSignerKey(skey);
    const note = signNote('hello\n', signer);
    assert.equal(openNote(note, [parseVerifierKey(signer.verifierKey)]).text, 'hello\n');
  });

  it('keeps the private key out of the signer object', () => {
    const seed64 = v.key.signerKey.split('+').slice(4).join('+');
    assert.ok(!JSON.stringify(logSigner).includes(seed64));
    assert.deepEqual(Object.keys(logSigner).sort(), ['keyHash', 'name', 'sign', 'verifierKey']);
    assert.ok(Object.isFrozen(logSigner));
  });
});

describe('signNote and openNote against test/vectors/checkpoint.json', () => {
  it('reproduces every signed checkpoint byte for byte (Ed25519 is deterministic)', () => {
    for (const cp of [v.checkpoint, ...v.additionalCheckpoints]) {
      assert.equal(signNote(cp.body, logSigner), cp.signedNote, `signNote(body of ${cp.size})`);
      const b64 = cp.signatureLine.split(' ').at(-1)!;
      assert.equal(decodeBase64(b64)!.subarray(4).toString('hex'), cp.signatureHex);
      assert.equal(openNote(cp.signedNote, [logVerifier]).text, cp.body);
    }
  });

  for (const c of v.noteCases) {
    it(`decides note case ${c.name} as x/mod does (${c.expectError ?? 'valid'})`, () => {
      for (const input of [c.note, Buffer.from(c.note, 'utf8')]) {
        if (c.expect === 'valid') {
          const note = openNote(input, [logVerifier]);
          assert.equal(note.sigs.length, 1);
          assert.equal(note.sigs[0]!.keyHash, logVerifier.keyHash);
        } else {
          const code = codeOf(c.expectError!);
          assert.ok(code, `no code for ${c.expectError}`);
          assert.throws(() => openNote(input, [logVerifier]), fails(code, c.expectError));
        }
      }
    });
  }

  it('keeps an unknown signature visible as unverified (extra_unknown_signature)', () => {
    const c = v.noteCases.find((x) => x.name === 'extra_unknown_signature')!;
    const note = openNote(c.note, [logVerifier]);
    assert.deepEqual(
      note.unverifiedSigs.map((s) => [s.name, s.keyHash.toString(16)]),
      [[v.otherKey.name, v.otherKey.keyHashHex]],
    );
  });

  it('carries the parsed note on NO_VERIFIABLE_SIGNATURES (wrong_key)', () => {
    const c = v.noteCases.find((x) => x.name === 'wrong_key')!;
    try {
      openNote(c.note, [logVerifier]);
      assert.fail('openNote(wrong_key) succeeded');
    } catch (e) {
      assert.ok(e instanceof NoteError && e.note);
      assert.equal(e.note.text, body);
      assert.equal(e.note.unverifiedSigs[0]?.keyHash.toString(16), v.otherKey.keyHashHex);
    }
  });
});

describe('openNote signature rules (x/mod note.Open)', () => {
  const text = body;
  const logLine = goodLine;
  const otherLine = signNote(text, otherSigner).slice(text.length + 1);
  /** tampered returns `line` with one bit of its Ed25519 signature flipped. */
  const tampered = (line: string) => {
    const [dash, name, b64] = line.trim().split(' ') as [string, string, string];
    const raw = decodeBase64(b64)!;
    raw[10]! ^= 1;
    return `${dash} ${name} ${raw.toString('base64')}\n`;
  };
  const forged = tampered(logLine);

  it('fails a known key whose signature is bad, even when another known key signed', () => {
    const bothKnown = [logVerifier, otherVerifier];
    const badOther = tampered(otherLine);
    assert.throws(() => openNote(`${text}\n${logLine}${badOther}`, bothKnown), fails('INVALID_SIGNATURE'));
    assert.throws(() => openNote(`${text}\n${badOther}${logLine}`, bothKnown), fails('INVALID_SIGNATURE'));
    assert.equal(openNote(`${text}\n${logLine}${otherLine}`, bothKnown).sigs.length, 2);
  });

  it('ignores a repeated signature by the same key, checking only the first', () => {
    assert.equal(openNote(`${text}\n${logLine}${forged}`, [logVerifier]).sigs.length, 1);
    assert.equal(openNote(`${text}\n${logLine}${logLine}`, [logVerifier]).sigs.length, 1);
    assert.throws(() => openNote(`${text}\n${forged}${logLine}`, [logVerifier]), fails('INVALID_SIGNATURE'));
  });

  it('records identical unknown signature lines once', () => {
    const note = openNote(`${text}\n${unknownLine(1)}${unknownLine(1)}${unknownLine(2)}${logLine}`, [
      logVerifier,
    ]);
    assert.equal(note.unverifiedSigs.length, 2);
  });

  it('needs a verified signature: no verifiers or only unknown signatures fail', () => {
    assert.throws(() => openNote(good, []), fails('NO_VERIFIABLE_SIGNATURES'));
    assert.throws(
      () => openNote(`${text}\n${unknownLine(1)}`, [logVerifier]),
      fails('NO_VERIFIABLE_SIGNATURES'),
    );
  });

  it('refuses a verifier list holding two keys with the same name and hash', () => {
    assert.throws(
      () => openNote(good, [logVerifier, parseVerifierKey(v.key.verifierKey)]),
      fails('AMBIGUOUS_KEY'),
    );
  });

  it('splits at the last blank line, so a blank line inside the text is fine', () => {
    const multi = 'first\n\nsecond\n';
    assert.equal(openNote(signNote(multi, logSigner), [logVerifier]).text, multi);
  });

  it('accepts exactly 100 signature lines and refuses 101', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, k) => unknownLine(k)).join('');
    assert.equal(openNote(`${text}\n${logLine}${lines(99)}`, [logVerifier]).unverifiedSigs.length, 99);
    assert.throws(() => openNote(`${text}\n${logLine}${lines(100)}`, [logVerifier]), fails('MALFORMED_NOTE'));
    assert.throws(() => openNote(`${text}\n${logLine.repeat(101)}`, [logVerifier]), fails('MALFORMED_NOTE'));
  });

  it('keeps a leading byte-order mark as text when opening bytes', () => {
    const note = signNote('\uFEFFhello\n', logSigner);
    assert.equal(openNote(Buffer.from(note, 'utf8'), [logVerifier]).text, '\uFEFFhello\n');
  });
});

describe('openNote with hostile input', () => {
  const sig64 = goodLine.trim().split(' ')[2]!;
  const nonCanonical = `${sig64.slice(0, -2)}1=`; // last digit's unused bits set
  const cases: [string, string | Uint8Array][] = [
    ['empty', ''],
    ['only a blank line', '\n\n'],
    ['no blank line', good.replace('\n\n', '\n')],
    ['ASCII dash', good.replace('\u2014', '-')],
    ['no space after the dash', good.replace('\u2014 ', '\u2014')],
    ['no final newline', good.slice(0, -1)],
    ['text after the signatures', `${good}junk`],
    ['CR in the text', good.replace('\n65\n', '\r\n65\n')],
    ['CRLF signature line', good.replace(/\n$/, '\r\n')],
    ['NUL byte', `\u0000${good}`],
    ['tab', good.replace('65', '6\t5')],
    ['escape', good.replace('65', '\u001b[2J65')],
    ['lone surrogate', good.replace('65', '6\uD8005')],
    ['bad base64', good.replace(sig64, '@@@@')],
    ['base64 of only 4 bytes', good.replace(sig64, 'AAAAAA==')],
    ['non-canonical base64', good.replace(sig64, nonCanonical)],
    ['base64 without padding', good.replace(sig64, sig64.replace(/=+$/, ''))],
    ['empty base64', good.replace(` ${sig64}`, ' ')],
    ['no signature at all', good.replace(` ${sig64}`, '')],
    ['space inside the name', good.replace(`${v.key.name} `, 'attest example ')],
    ['plus inside the name', good.replace(`${v.key.name} `, 'attest+example ')],
    ['no-break space inside the name', good.replace(`${v.key.name} `, 'attest\u00a0example ')],
    ['empty name', good.replace(`${v.key.name} `, ' ')],
    ['two spaces', good.replace(` ${sig64}`, `  ${sig64}`)],
    ['too large (string)', `${'a'.repeat(MAX_NOTE_BYTES)}\n\n${goodLine}`],
    ['too large (bytes)', Buffer.alloc(MAX_NOTE_BYTES + 1, 0x61)],
    ['invalid UTF-8 (0xff)', Buffer.concat([Buffer.from([0xff]), Buffer.from(good)])],
    ['overlong UTF-8 NUL', Buffer.concat([Buffer.from([0xc0, 0x80]), Buffer.from(good)])],
    ['UTF-8-encoded surrogate', Buffer.concat([Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(good)])],
    ['truncated UTF-8', Buffer.concat([Buffer.from(body), Buffer.from([0xe2, 0x80]), Buffer.from('\n\n')])],
    ['not text at all', 42 as unknown as string],
  ];
  for (const [what, input] of cases) {
    it(`fails with MALFORMED_NOTE "malformed note": ${what}`, () => {
      assert.throws(() => openNote(input, [logVerifier]), fails('MALFORMED_NOTE', 'malformed note'));
    });
  }

  // Speed is for benchmarks (a wall-clock bound fails on a loaded machine); the test pins that a
  // near-limit note is refused cleanly rather than accepted or crashing.
  it('refuses a near-limit note of 100,000 lines with a NoteError', () => {
    assert.throws(() => openNote(`${'x\n'.repeat(100_000)}\n${goodLine}`, [logVerifier]), NoteError);
  });
});

describe('signNote with bad input', () => {
  it('refuses text without a final newline, with control characters, or without signers', () => {
    for (const text of ['no newline', 'a\r\n', 'nul\u0000\n', 'lone \uD800\n']) {
      assert.throws(() => signNote(text, logSigner), fails('MALFORMED_NOTE'), JSON.stringify(text));
    }
    assert.throws(() => signNote('hello\n'), fails('MALFORMED_NOTE'));
  });

  it('refuses a signer with an invalid name', () => {
    assert.throws(() => signNote('hello\n', { ...logSigner, name: 'bad name' }), fails('MALFORMED_KEY'));
  });
});

describe('parseVerifierKey and parseSignerKey with hostile input', () => {
  /** vkey builds a verifier key with a correct hash over any encoded key bytes. */
  const vkey = (name: string, encoded: Buffer) =>
    `${name}+${sha256(Buffer.from(`${name}\n`), encoded)
      .subarray(0, 4)
      .toString('hex')}+${encoded.toString('base64')}`;
  const pub = h(v.key.publicKeyHex);
  const [, , , hash16, seed64] = v.key.signerKey.split('+') as string[];

  const badVerifiers: [string, string, string][] = [
    ['empty', '', 'malformed verifier id'],
    ['no key', 'a+b', 'malformed verifier id'],
    ['trailing junk', `${v.key.verifierKey}x`, 'malformed verifier id'],
    ['uppercase hash', v.key.verifierKey.replace('51c9167a', '51C9167A'), 'malformed verifier id'],
    ['short hash', v.key.verifierKey.replace('51c9167a', '51c9167'), 'malformed verifier id'],
    ['space in name', vkey('na me', Buffer.concat([Buffer.of(1), pub])), 'malformed verifier id'],
    ['empty name', vkey('', Buffer.concat([Buffer.of(1), pub])), 'malformed verifier id'],
    ['wrong hash', v.key.verifierKey.replace('51c9167a', '51c9167b'), 'invalid verifier hash'],
    ['algorithm 2', vkey('n', Buffer.concat([Buffer.of(2), pub])), 'unknown verifier algorithm'],
    ['31-byte key', vkey('n', Buffer.concat([Buffer.of(1), pub.subarray(1)])), 'malformed verifier id'],
    ['33-byte key', vkey('n', Buffer.concat([Buffer.of(1), pub, Buffer.of(0)])), 'malformed verifier id'],
    ['huge', `n+00000000+${'A'.repeat(10_000)}`, 'malformed verifier id'],
  ];
  for (const [what, key, message] of badVerifiers) {
    it(`parseVerifierKey fails with MALFORMED_KEY "${message}": ${what}`, () => {
      assert.throws(() => parseVerifierKey(key), fails('MALFORMED_KEY', message));
    });
  }

  it('parseSignerKey fails with MALFORMED_KEY and never quotes the key', () => {
    const bad = [
      v.key.signerKey.replace('PRIVATE', 'PUBLIC'),
      v.key.signerKey.replace(hash16!, '51c9167b'),
      v.key.signerKey.replace(seed64!, Buffer.concat([Buffer.of(1), Buffer.alloc(31)]).toString('base64')),
      v.key.signerKey.replace(seed64!, Buffer.concat([Buffer.of(2), Buffer.alloc(32)]).toString('base64')),
      v.key.signerKey.replace(seed64!, `${seed64!.slice(0, -1)}g`),
      'PRIVATE+KEY',
      v.key.verifierKey,
      'x'.repeat(100_000),
    ];
    for (const key of bad) {
      assert.throws(
        () => parseSignerKey(key),
        (e: unknown) => fails('MALFORMED_KEY')(e) && !(e as Error).message.includes(seed64!.slice(0, 8)),
        key.slice(0, 40),
      );
    }
  });

  it('decodeBase64 accepts only canonical padded base64', () => {
    assert.deepEqual(decodeBase64('AQID'), Buffer.from([1, 2, 3]));
    assert.deepEqual(decodeBase64(''), Buffer.alloc(0));
    for (const s of ['AQI', 'AQI=x', 'AQJ=', 'A QID', 'AQ-_', 'AQID\n', '====', 'AQ==='])
      assert.equal(decodeBase64(s), undefined, s);
  });

  it('isValidKeyName follows x/mod: non-empty, no Unicode space, no plus', () => {
    for (const ok of ['attest.example/custody-log', 'PeterNeumann', 'ünïcode', '\uFFFD'])
      assert.ok(isValidKeyName(ok), ok);
    for (const bad of ['', 'a b', 'a+b', 'a\u2028b', 'a\u3000b', 'a\u0085b', '\uD800']) {
      assert.equal(isValidKeyName(bad), false, JSON.stringify(bad));
    }
  });
});

describe('normaliseSavedNote (issue 18.6: notes saved from browsers and editors)', () => {
  const key = generateSignerKey('example.com/log');
  const signer = parseSignerKey(key);
  const verifier = parseVerifierKey(signer.verifierKey);
  const note = signNote('example.com/log\n7\nAAAA\n', signer);

  for (const [name, saved] of [
    ['CRLF line ends', note.replace(/\n/g, '\r\n')],
    ['one extra trailing newline', `${note}\n`],
    ['CRLF and an extra trailing CRLF', `${note.replace(/\n/g, '\r\n')}\r\n`],
    ['no final newline', note.slice(0, -1)],
    ['a byte-order mark', `\uFEFF${note}`],
  ] as const) {
    it(`opens a note with ${name}`, () => {
      assert.throws(() => openNote(saved, [verifier]));
      assert.equal(openNote(normaliseSavedNote(saved), [verifier]).text, 'example.com/log\n7\nAAAA\n');
    });
  }

  it('still refuses a note whose text was changed', () => {
    const changed = note.replace('\n7\n', '\r\n8\r\n');
    assert.throws(() => openNote(normaliseSavedNote(changed), [verifier]), /invalid signature|malformed/);
  });
});
