/**
 * provenance-record.test.ts — the fast provenanceSha256 writes exactly the canonical JSON its
 * definition (provenanceText, through canonicalJson) writes, for any values a row can hold.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { type ProvenanceRow, provenanceSha256, provenanceText } from './provenance-record.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Strings that stress JSON escaping: Arabic, RTL marks, controls, quotes, lone surrogates, emoji. */
const NASTY = [
  '',
  'شاهد ٣ — field team',
  '\u202Einvoice\u202C.exe',
  'tab\there "quoted" back\\slash',
  '\u0000\u0001\u001f\u007f',
  '\ud800 lone high',
  'lone low \udfff',
  '👩🏽‍⚕️ medic',
  'line\nbreak\r\n',
  '\u2028\u2029',
];

function row(i: number): ProvenanceRow {
  const pick = (k: number) => NASTY[(i + k) % NASTY.length]!;
  return {
    title: pick(0),
    original_name: pick(1),
    original_name_hex: i % 3 === 0 ? null : randomBytes(5).toString('hex'),
    source: pick(2),
    collected_at: i % 4 === 0 ? 'unknown' : '2016-12-15T08:30:00Z',
    collected_by: pick(3),
    compartment: 'witness',
    parent_item_id: i % 2 === 0 ? null : `item-${i}`,
    metadata: JSON.stringify({ note: pick(4), n: i }),
    created_at: '2016-12-15T09:00:00Z',
    created_by: pick(5),
    media_type: 'image/jpeg',
    kind: 'image',
  };
}

describe('provenanceSha256', () => {
  it('equals SHA-256 of the canonical provenance text for hostile values (issue 18.1)', () => {
    for (let i = 0; i < 200; i++) {
      const salt = randomBytes(16).toString('hex');
      const r = row(i);
      assert.equal(provenanceSha256(r, salt), sha(provenanceText(r, salt)), `row ${i}`);
    }
  });

  it('changes when any field changes', () => {
    const salt = '00'.repeat(16);
    const base = row(1);
    const before = provenanceSha256(base, salt);
    for (const k of Object.keys(base) as (keyof ProvenanceRow)[]) {
      const changed = { ...base, [k]: base[k] === null ? 'x' : `${base[k]}x` };
      assert.notEqual(provenanceSha256(changed, salt), before, k);
    }
    assert.notEqual(provenanceSha256(base, 'ff'.repeat(16)), before, 'salt');
  });
});
