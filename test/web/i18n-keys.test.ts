/**
 * Every UI string exists in English and Arabic, with the same placeholders: a key missing from
 * either language, or a `{{name}}` present in one and not the other, fails here (the browser
 * test then checks that the Arabic pages show nothing untranslated). A counted noun is a plural
 * family (`people_one`, `people_other`, …, i18next's suffixes for Intl.PluralRules categories):
 * English needs one and other, Arabic all six of zero, one, two, few, many and other; the family
 * counts as one key, and its placeholders are those of all its forms (Arabic writes "one person"
 * and "two people" as words, without the number).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ar as arMain } from '../../web/src/i18n/ar.js';
import { arAlerts } from '../../web/src/i18n/ar-alerts.js';
import { arAnalysis } from '../../web/src/i18n/ar-analysis.js';
import { arCases } from '../../web/src/i18n/ar-cases.js';
import { arConflicts } from '../../web/src/i18n/ar-conflicts.js';
import { arSearch } from '../../web/src/i18n/ar-search.js';
import { arUpload } from '../../web/src/i18n/ar-upload.js';
import { en as enMain } from '../../web/src/i18n/en.js';
import { enAlerts } from '../../web/src/i18n/en-alerts.js';
import { enAnalysis } from '../../web/src/i18n/en-analysis.js';
import { enCases } from '../../web/src/i18n/en-cases.js';
import { enConflicts } from '../../web/src/i18n/en-conflicts.js';
import { enSearch } from '../../web/src/i18n/en-search.js';
import { enUpload } from '../../web/src/i18n/en-upload.js';

// The cases, analysis, search and alert strings are loaded with their screens
// (web/src/{cases,analysis,search,ops}/strings.ts, ops/conflicts-strings.ts), not with en.ts.
const enBase = { ...enMain, ...enCases, ...enAnalysis, ...enSearch, ...enAlerts, ...enConflicts };
// The upload screen's failure sentences join its `upload` strings (web/src/vault/strings.ts).
const en = { ...enBase, upload: { ...(enBase as Record<string, object>).upload, ...enUpload.upload } };
const arBase = { ...arMain, ...arCases, ...arAnalysis, ...arSearch, ...arAlerts, ...arConflicts };
const ar = { ...arBase, upload: { ...(arBase as Record<string, object>).upload, ...arUpload.upload } };

type Tree = { readonly [key: string]: string | Tree };

/** flatten returns `a.b.c → string` for every leaf of `tree`. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

const PLURAL = /_(zero|one|two|few|many|other)$/;
const FORMS = { en: ['one', 'other'], ar: ['zero', 'one', 'two', 'few', 'many', 'other'] } as const;

/** families folds plural forms into one key: its forms and the union of their placeholders. */
function families(strings: Map<string, string>): Map<string, { forms: string[]; text: string }> {
  const out = new Map<string, { forms: string[]; text: string }>();
  for (const [k, v] of strings) {
    const m = PLURAL.exec(k);
    const base = m ? k.slice(0, m.index) : k;
    const f = out.get(base) ?? { forms: [], text: '' };
    if (m) f.forms.push(m[1]!);
    f.text += ` ${v}`;
    out.set(base, f);
  }
  return out;
}

describe('UI strings', () => {
  const english = families(flatten(en));
  const arabic = families(flatten(ar as Tree));

  it('has every English key in Arabic', () => {
    assert.deepEqual(
      [...english.keys()].filter((k) => !arabic.has(k)),
      [],
      'keys missing from ar.ts',
    );
  });

  it('has every Arabic key in English', () => {
    assert.deepEqual(
      [...arabic.keys()].filter((k) => !english.has(k)),
      [],
      'keys missing from en.ts',
    );
  });

  it('uses the same placeholders in both languages', () => {
    const differ = [...english].filter(
      ([k, v]) =>
        arabic.has(k) &&
        [...new Set(placeholders(v.text))].join() !== [...new Set(placeholders(arabic.get(k)!.text))].join(),
    );
    assert.deepEqual(
      differ.map(([k]) => k),
      [],
      'keys whose {{placeholders}} differ between en and ar',
    );
  });

  it('has no empty string and no English left in the Arabic strings', () => {
    const empty = [...flatten(en), ...flatten(ar as Tree)].filter(([, v]) => v.trim() === '').map(([k]) => k);
    assert.deepEqual(empty, [], 'empty strings');
    // Latin words of three letters or more, outside placeholders (Ed25519 is a name, not a word).
    const latin = [...flatten(ar as Tree)]
      .filter(([, v]) => /[A-Za-z]{3,}/.test(v.replace(/\{\{\w+\}\}/g, '')))
      .map(([k]) => k);
    assert.deepEqual(latin, [], 'Arabic strings containing English words');
  });

  it('gives every counted noun the plural forms its language needs', () => {
    for (const [lang, strings] of [
      ['en', english],
      ['ar', arabic],
    ] as const) {
      const wrong = [...strings]
        .filter(
          ([, f]) => f.forms.length > 0 && [...f.forms].sort().join() !== [...FORMS[lang]].sort().join(),
        )
        .map(([k, f]) => `${k}: ${f.forms.join(',')}`);
      assert.deepEqual(
        wrong,
        [],
        `${lang}: plural families without exactly the forms ${FORMS[lang].join(',')}`,
      );
    }
  });

  describe('when a key is missing from one language', () => {
    it('is reported by name', () => {
      const copy = structuredClone(ar) as { app: Record<string, string> };
      delete copy.app.home;
      const broken = families(flatten(copy as unknown as Tree));
      assert.deepEqual(
        [...english.keys()].filter((k) => !broken.has(k)),
        ['app.home'],
      );
    });
  });
});
