import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ancestors, loadGazetteer, parsePlaces } from './places.js';
import { resolvePlace } from './resolve.js';
import { tagPlaces } from './tagger.js';

describe('loadGazetteer', () => {
  it('reads every row of the shipped gazetteer and the variants', () => {
    const g = loadGazetteer();
    assert.equal(g.places.size, 5596);
    assert.equal(g.variants.length, 60);
    const foah = g.places.get('C3905')!;
    assert.equal(foah.nameAr, 'الفوعة');
    assert.deepEqual(ancestors(foah), ['SY07', 'SY0700', 'SY070002', 'C3905']);
  });
  it('refuses a file with another header or a malformed row', () => {
    assert.throws(() => parsePlaces('pcode,name\nX,Y\n'), /unexpected header/);
    assert.throws(
      () =>
        parsePlaces('pcode,name_en,name_ar,level,admin1_pcode,admin2_pcode,admin3_pcode,lat,lon\nC1,a,b\n'),
      /malformed row/,
    );
  });
});

describe('resolvePlace', () => {
  it("resolves every spelling of al-Fu'ah, in both scripts, to C3905 first", () => {
    for (const name of ['Foah', 'Foua', 'Fouaa', "al-Fu'ah", 'Al-Fuah', 'الفوعة', 'الفوعه', 'الفُوعة']) {
      assert.equal(resolvePlace(name)[0]?.place.pcode, 'C3905', name);
    }
  });
  it('returns every candidate of an ambiguous name, ranked by admin context', () => {
    const alone = resolvePlace('Kafraya').map((c) => c.place.pcode);
    assert.ok(alone.includes('C3952') && alone.includes('C4045'), alone.join());
    // Beside Ma'arrat An Nu'man (SY0702) the other Kafraya, C4045 in Sanjar, comes first.
    const nearMaarra = resolvePlace('Kafraya', ['SY0702']).map((c) => c.place.pcode);
    assert.equal(nearMaarra[0], 'C4045');
    assert.equal(resolvePlace('Kafraya', ['C3905'])[0]?.place.pcode, 'C3952');
  });
  it('finds names by consonant skeleton when nothing else matches', () => {
    const c = resolvePlace('Bnnesh');
    assert.ok(c.some((x) => x.place.pcode === 'C3904' && x.match === 'skeleton'));
  });
  it('takes a P-code as itself and refuses empty or huge input', () => {
    assert.equal(resolvePlace('sy07')[0]?.place.nameEn, 'Idleb');
    assert.deepEqual(resolvePlace(''), []);
    assert.deepEqual(resolvePlace('x'.repeat(10_000)), []);
  });
});

describe('tagPlaces', () => {
  it('marks places in an English and Arabic report with their offsets', () => {
    const text =
      'Buses left Foua and Kafraya on 19 December. وصلت الحافلات من الفوعة وكفريا إلى حلب بعد قصف على معرة النعمان.';
    const tags = tagPlaces(text);
    const got = tags.map((t) => [t.text, t.pcode]);
    assert.deepEqual(got, [
      ['Foua', 'C3905'],
      ['Kafraya', 'C3952'],
      ['الفوعة', 'C3905'],
      ['وكفريا', 'C3952'],
      ['حلب', 'C1007'],
      ['معرة النعمان', 'C3985'],
    ]);
    for (const t of tags) assert.equal(text.slice(t.start, t.end), t.text);
  });
  it('does not read prepositions, lower-case words or common words as places', () => {
    assert.deepEqual(tagPlaces('قصف على المدينة في الصباح'), []);
    assert.deepEqual(tagPlaces('the bus waited near the school'), []);
  });
  it('tags a long hostile text word by word, up to its limit', () => {
    // One mention per word: the window is bounded (maxWords), so the work is linear in the text.
    assert.equal(tagPlaces('Aleppo '.repeat(20_000)).length, 20_000);
    assert.equal(tagPlaces('حلب '.repeat(60_000)).length, 50_000);
  });
});
