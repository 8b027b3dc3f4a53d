import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constantTimeEqual, isSha256Hex, sha256Hex } from './hash.js';

describe('sha256Hex', () => {
  it('hashes the empty string to the well-known digest', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('isSha256Hex', () => {
  it('accepts lowercase hex only', () => {
    assert.equal(isSha256Hex('a'.repeat(64)), true);
    assert.equal(isSha256Hex('A'.repeat(64)), false);
    assert.equal(isSha256Hex('a'.repeat(63)), false);
    assert.equal(isSha256Hex(`${'a'.repeat(64)}\n`), false);
  });
});

describe('constantTimeEqual', () => {
  it('compares equal and unequal secrets, including different lengths', () => {
    assert.equal(constantTimeEqual('secret', 'secret'), true);
    assert.equal(constantTimeEqual('secret', 'secreT'), false);
    assert.equal(constantTimeEqual('secret', 'secret-longer'), false);
  });
});
