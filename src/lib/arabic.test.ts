import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeArabic, stemArabic, stripArticle, toAsciiDigits } from './arabic.js';
import { analyze } from './search-tokens.js';

describe('normalizeArabic', () => {
  it('strips tashkeel and tatweel', () => {
    assert.equal(normalizeArabic('وَصَلَتِ الحَافِلَاتُ إِلَى المَعْبَرِ'), 'وصلت الحافلات الي المعبر');
    assert.equal(normalizeArabic('شـــــهادة'), 'شهاده');
    assert.equal(normalizeArabic('مُحَمَّدٌ'), 'محمد');
  });
  it('unifies alef forms', () => {
    for (const w of ['أحمد', 'إحمد', 'آحمد', 'ٱحمد']) assert.equal(normalizeArabic(w), 'احمد', w);
  });
  it('writes ى as ي and a final ة as ه, but not a ة inside a word', () => {
    assert.equal(normalizeArabic('مستشفى الرحمة'), 'مستشفي الرحمه');
    assert.equal(normalizeArabic('قرية،'), 'قريه،');
    assert.equal(normalizeArabic('ةا'), 'ةا');
  });
  it('folds hamza on waw and yeh', () => {
    assert.equal(normalizeArabic('مسؤول'), 'مسوول');
    assert.equal(normalizeArabic('لاجئون'), 'لاجيون');
  });
  it('turns Arabic-Indic and Persian digits into ASCII', () => {
    assert.equal(toAsciiDigits('١٩ كانون الأول ٢٠١٦'), '19 كانون الأول 2016');
    assert.equal(normalizeArabic('۱۳۰۰ شخص'), '1300 شخص');
  });
  it('reads Persian kaf and yeh, presentation forms and direction marks as Arabic letters', () => {
    assert.equal(normalizeArabic('کفریا'), 'كفريا');
    assert.equal(normalizeArabic('\uFEDF\uFEE0'), 'لل'.normalize('NFKC'));
    assert.equal(normalizeArabic('حلب\u200F'), 'حلب');
  });
  it('leaves Latin text alone', () => {
    assert.equal(normalizeArabic('Khan Sheikhoun, 4 April 2017'), 'Khan Sheikhoun, 4 April 2017');
  });
  it('gives the same form for every spelling of one sentence', () => {
    const a = 'خرجت القافلةُ من الفُوعةِ إلى حلبَ يومَ ١٩ كانونَ الأوّل';
    const b = 'خرجت القافله من الفوعه الى حلب يوم 19 كانون الاول';
    assert.equal(normalizeArabic(a), normalizeArabic(b));
  });
});

describe('stemArabic (light10)', () => {
  it('removes the article with its clitic prepositions', () => {
    assert.equal(stripArticle('والمستشفيات'), 'مستشفيات');
    assert.equal(stripArticle('بالمدرسه'), 'مدرسه');
    assert.equal(stripArticle('للمدنيين'), 'مدنيين');
  });
  it('conflates singular, plural and possessive forms of one word', () => {
    const n = (w: string) => stemArabic(normalizeArabic(w));
    assert.equal(n('البيوت'), n('بيوتها'));
    assert.equal(n('المدرسة'), n('مدرسه'));
    assert.equal(n('الحافلات'), n('حافلة'));
    assert.equal(n('المعتقلين'), n('معتقلون'));
    assert.equal(n('بالفوعة'), n('الفوعة'));
  });
  it('keeps at least two letters', () => {
    assert.equal(stemArabic('به'), 'به');
    assert.equal(stemArabic('ال'), 'ال');
  });
});

describe('analyze', () => {
  it('indexes an Arabic report and its query form to the same terms', () => {
    const doc = analyze('أفاد شاهدٌ بأنّ الحافلاتِ احتُجزت عند حاجز الراموسة لساعاتٍ طويلة');
    const query = analyze('الحافلات حاجز الراموسه');
    for (const t of query) assert.ok(doc.includes(t), `query term ${t} not in ${doc.join(' ')}`);
  });
  it('drops stop words in both languages', () => {
    assert.deepEqual(analyze('the convoy of the buses'), ['convoi', 'bus']);
    assert.deepEqual(analyze('في حلب'), ['حلب']);
  });
  it('stems English and keeps digits', () => {
    assert.deepEqual(analyze('Evacuations resumed on 19 December'), ['evacu', 'resum', '19', 'decemb']);
  });
});
