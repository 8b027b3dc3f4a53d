import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stemEnglish } from './english-stem.js';

describe('stemEnglish (Porter 1980)', () => {
  // Pairs from Porter's paper and his published sample vocabulary (tartarus.org/martin/PorterStemmer).
  const vectors: Array<[string, string]> = [
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['ties', 'ti'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['motoring', 'motor'],
    ['sing', 'sing'],
    ['conflated', 'conflat'],
    ['troubled', 'troubl'],
    ['sized', 'size'],
    ['hopping', 'hop'],
    ['falling', 'fall'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['rational', 'ration'],
    ['digitizer', 'digit'],
    ['operator', 'oper'],
    ['hopefulness', 'hope'],
    ['formality', 'formal'],
    ['sensibility', 'sensibl'],
    ['triplicate', 'triplic'],
    ['electrical', 'electr'],
    ['revival', 'reviv'],
    ['allowance', 'allow'],
    ['adjustment', 'adjust'],
    ['adoption', 'adopt'],
    ['controll', 'control'],
    ['generalizations', 'gener'],
  ];
  for (const [word, stem] of vectors) {
    it(`stemEnglish(${word}) = ${stem}`, () => assert.equal(stemEnglish(word), stem));
  }
  it('keeps one stem for singular and plural of words ending in -us and -s (Porter2 rule)', () => {
    assert.equal(stemEnglish('bus'), stemEnglish('buses'));
    assert.equal(stemEnglish('checkpoint'), stemEnglish('checkpoints'));
    assert.equal(stemEnglish('evacuation'), stemEnglish('evacuations'));
  });
  it('leaves short and non a–z words alone', () => {
    for (const w of ['un', 'x', 'att123', 'café']) assert.equal(stemEnglish(w), w);
  });
});
