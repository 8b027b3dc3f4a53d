/**
 * pdq-vectors.test.ts — src/lib/pdq.ts with image-decode.ts against the ThreatExchange vectors
 * (test/vectors/pdq/SOURCES.md): every hash and quality of expected.csv, the dihedral files, and
 * the distances of distance-pairs.csv.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { hammingDistanceHex, pdqChunks, pdqFromLuma, pilThumbnailSize } from '../lib/pdq.js';
import { pdqOfImage } from './image-decode.js';

const DIR = new URL('../../test/vectors/pdq/', import.meta.url);
const csv = (name: string) =>
  readFileSync(new URL(name, DIR), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

/**
 * q0003.jpg is nearly featureless (quality 3): SOURCES.md records that the reference Python
 * hasher itself, on Debian's Pillow 9.4, lands 10 bits from the published value. A hash of
 * quality < 50 is not used for matching; the source test's own tolerance (16 bits) applies.
 */
const LOW_QUALITY_EXCEPTION = 'data/reg-test-input/labelme-subset/q0003.jpg';

describe('PDQ against test/vectors/pdq/expected.csv', () => {
  for (const [file, hex, quality] of csv('expected.csv')) {
    it(`${file} hashes to ${hex!.slice(0, 12)}…${quality ? ` quality ${quality}` : ''}`, async () => {
      const got = await pdqOfImage(new URL(file!, DIR).pathname, 100_000_000);
      if (file === LOW_QUALITY_EXCEPTION) {
        assert.ok(got.quality < 50, `quality ${got.quality}`);
        assert.ok(
          hammingDistanceHex(got.hash, hex!) <= 16,
          `pdq(${file}) = ${got.hash}, want within 16 of ${hex}`,
        );
        return;
      }
      assert.equal(got.hash, hex, `pdq(${file}) = ${got.hash}, want ${hex}`);
      if (quality) assert.equal(String(got.quality), quality, `quality(${file})`);
    });
  }

  it('reproduces 21 of the 22 rows bit for bit', async () => {
    let exact = 0;
    for (const [file, hex] of csv('expected.csv')) {
      if ((await pdqOfImage(new URL(file!, DIR).pathname, 100_000_000)).hash === hex) exact++;
    }
    assert.equal(exact, 21);
  });

  it('hashes the stored pixel-transformed dihedral files to their published values', async () => {
    for (const [, transform, hex, , transformed] of csv('expected-dihedral.csv')) {
      if (!transformed || !transformed.startsWith('data/')) continue;
      const got = await pdqOfImage(new URL(transformed, DIR).pathname, 100_000_000);
      assert.equal(got.hash, hex, `${transform}: ${transformed}`);
    }
  });
});

describe('PDQ distance and chunks', () => {
  it('gives the distances of distance-pairs.csv', () => {
    for (const [a, b, d] of csv('distance-pairs.csv')) {
      assert.equal(hammingDistanceHex(a!, b!), Number(d), `d(${a}, ${b})`);
    }
  });

  it('splits a hash into 16-bit words, word 0 being the last four hex digits (DCT row 0)', () => {
    const c = pdqChunks('0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff');
    assert.equal(c[0], 0x03ff);
    assert.equal(c[15], 0x0007);
    assert.throws(() => pdqChunks('XYZ'));
  });

  it('gives an all-zero hash of quality 0 to images under 5 pixels a side', () => {
    assert.deepEqual(pdqFromLuma(new Float64Array(16), 4, 4), { hash: '0'.repeat(64), quality: 0 });
  });

  it("sizes thumbnails as Pillow's thumbnail((512, 512))", () => {
    assert.deepEqual(pilThumbnailSize(1600, 1004), { width: 512, height: 321 });
    assert.deepEqual(pilThumbnailSize(1004, 1600), { width: 321, height: 512 });
    assert.equal(pilThumbnailSize(512, 300), undefined);
  });
});
