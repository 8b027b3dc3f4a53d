/**
 * Every UI string exists in English and Arabic, with the same placeholders: a key missing from
 * either language, or a `{{name}}` present in one and not the other, fails here (the browser
 * test then checks that the Arabic pages show nothing untranslated).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ar } from '../../web/src/i18n/ar.js';
import { en } from '../../web/src/i18n/en.js';

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

describe('UI strings', () => {
  const english = flatten(en);
  const arabic = flatten(ar as Tree);

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
      ([k, v]) => arabic.has(k) && placeholders(v).join() !== placeholders(arabic.get(k)!).join(),
    );
    assert.deepEqual(
      differ.map(([k]) => k),
      [],
      'keys whose {{placeholders}} differ between en and ar',
    );
  });

  it('has no empty string and no English left in the Arabic strings', () => {
    const empty = [...english, ...arabic].filter(([, v]) => v.trim() === '').map(([k]) => k);
    assert.deepEqual(empty, [], 'empty strings');
    // Latin words of three letters or more, outside placeholders (Ed25519 is a name, not a word).
    const latin = [...arabic]
      .filter(([, v]) => /[A-Za-z]{3,}/.test(v.replace(/\{\{\w+\}\}/g, '')))
      .map(([k]) => k);
    assert.deepEqual(latin, [], 'Arabic strings containing English words');
  });

  describe('when a key is missing from one language', () => {
    it('is reported by name', () => {
      const copy = structuredClone(ar) as { app: Record<string, string> };
      delete copy.app.home;
      const broken = flatten(copy as unknown as Tree);
      assert.deepEqual(
        [...english.keys()].filter((k) => !broken.has(k)),
        ['app.home'],
      );
    });
  });
});
