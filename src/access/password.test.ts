import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constantTimeEqual } from '../lib/hash.js';
import { AccessError } from './errors.js';
import {
  checkNewPassword,
  hashPassword,
  isCommonPassword,
  SCRYPT_PARAMS,
  verifyPassword,
} from './password.js';
import { csrfTokenFor, csrfTokenMatches, newSecret } from './secrets.js';

const GOOD = 'Ramouseh-checkpoint-1216';

describe('hashPassword', () => {
  it('writes scrypt N=2^15, r=8, p=1 with a 16-byte salt and a 64-byte key', async () => {
    const stored = await hashPassword(GOOD);
    const [alg, log2N, r, p, salt, key] = stored.split('$');
    assert.deepEqual([alg, log2N, r, p], ['scrypt', '15', '8', '1']);
    assert.equal(Buffer.from(salt!, 'base64url').length, 16);
    assert.equal(Buffer.from(key!, 'base64url').length, 64);
    assert.deepEqual(SCRYPT_PARAMS, { log2N: 15, r: 8, p: 1, keyLength: 64, saltLength: 16 });
  });

  it('salts every hash: the same password hashes differently', async () => {
    assert.notEqual(await hashPassword(GOOD), await hashPassword(GOOD));
  });
});

describe('verifyPassword', () => {
  it('accepts the password and refuses any other', async () => {
    const stored = await hashPassword(GOOD);
    assert.equal(await verifyPassword(GOOD, stored), true);
    assert.equal(await verifyPassword(`${GOOD} `, stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('treats NFC and NFD spellings of a password as the same', async () => {
    const stored = await hashPassword('Café-au-lait-evening');
    assert.equal(await verifyPassword('Cafe\u0301-au-lait-evening', stored), true);
  });

  describe('when the stored string is malformed or asks for too much', () => {
    it('never matches (and does not throw)', async () => {
      const stored = await hashPassword(GOOD);
      const parts = stored.split('$');
      const key = Buffer.from(parts[5]!, 'base64url');
      key[0]! ^= 1;
      for (const bad of [
        '',
        'plaintext',
        `${parts.slice(0, 5).join('$')}$${key.toString('base64url')}`,
        stored.replace('scrypt$15$', 'scrypt$30$'),
        stored.replace('scrypt$15$', 'scrypt$5$'),
        stored.replace('$8$1$', '$99$1$'),
        `${stored}$extra`,
      ]) {
        assert.equal(
          await verifyPassword(GOOD, bad),
          false,
          `verifyPassword(GOOD, ${JSON.stringify(bad.slice(0, 24))}…)`,
        );
      }
    });
  });
});

describe('checkNewPassword', () => {
  const weak = (p: string, user?: string) =>
    assert.throws(
      () => checkNewPassword(p, user),
      (e: unknown) => e instanceof AccessError && e.code === 'WEAK_PASSWORD',
      `checkNewPassword(${JSON.stringify(p)}) should refuse`,
    );

  it('needs at least 12 characters', () => {
    weak('Short-pass1');
    checkNewPassword('twelve-chars');
  });

  it('refuses common passwords, also with digits and symbols tacked on or case changed', () => {
    for (const p of [
      'passwordpassword',
      'Password2024!',
      'QWERTYUIOP123',
      'iloveyou123456',
      'letmein!!!!!!',
      'correct horse battery staple',
    ])
      weak(p);
  });

  it('refuses one character or a short pattern repeated, and all-digit passwords', () => {
    for (const p of ['aaaaaaaaaaaa', 'abcabcabcabc', '121212121212', '123456789012']) weak(p);
  });

  it('refuses a password containing the username', () => weak('amal-is-my-login', 'amal'));

  it('refuses the product name, also doubled or in leet (issue 12.16)', () => {
    for (const p of ['attestattest', 'Attest-convoy-2016', '@tt3st-checkpoint-99', 'my-ATTEST-password'])
      weak(p);
  });

  it('refuses what an attacker tries first: repeats, glued common words, leet, runs (issue 12.16)', () => {
    for (const p of [
      'qwertyqwerty',
      'correcthorse',
      'Correct-Horse!',
      'P@ssw0rd2024!',
      'monkeydragon1',
      'abcdefghijkl',
      'zyxwvutsrqpo',
      'welcome2025!!',
      'iloveyou-iloveyou',
    ])
      weak(p);
  });

  it('accepts an unusual passphrase', () => checkNewPassword('convoy leaves at dawn from Ramouseh'));
});

describe('isCommonPassword', () => {
  it('knows the breach lists’ common passwords (tens of thousands), not unusual ones', () => {
    // Ranked deep in the zxcvbn-ts list, far beyond any hand-made list.
    for (const p of ['123456', 'trustno1', 'sunflower', 'butterfly1', 'liverpool', 'zaq12wsx', 'sifre']) {
      assert.equal(isCommonPassword(p), true, p);
    }
    for (const p of ['Ramouseh-checkpoint-1216', 'convoy leaves at dawn from Ramouseh', 'Tr0ub4dor&3xx']) {
      assert.equal(isCommonPassword(p), false, p);
    }
  });
});

describe('constant-time comparisons', () => {
  it('constantTimeEqual compares equal and unequal secrets of any length', () => {
    const a = newSecret();
    assert.equal(constantTimeEqual(a, a), true);
    assert.equal(
      constantTimeEqual(a, `${a.slice(0, -1)}A` === a ? `${a.slice(0, -1)}B` : `${a.slice(0, -1)}A`),
      false,
    );
    assert.equal(constantTimeEqual(a, a.slice(1)), false, 'a different length is simply unequal');
    assert.equal(constantTimeEqual('', ''), true);
  });

  it("csrfTokenMatches accepts only the session's own token", () => {
    const sid = newSecret();
    assert.equal(csrfTokenMatches(sid, csrfTokenFor(sid)), true);
    assert.equal(csrfTokenMatches(sid, csrfTokenFor(newSecret())), false);
    assert.equal(csrfTokenMatches(sid, ''), false);
    assert.equal(csrfTokenMatches(sid, `${csrfTokenFor(sid)}x`), false);
  });
});
