/**
 * Every screen the browser tests photograph is photographed in both languages (issue 17: "screenshots
 * of every screen in both languages"). The set is read from the browser tests' own source: each
 * name ending in `-en` or `-ar` (then an optional width, `-360`), written as a literal, and each
 * name built by a template from `${lang}` (both languages) and `${screen.name}` (every `name: '…'`
 * of that file, as field-layout's list of screens). A screen shot in one language only fails
 * here, naming it, so a new English-only screenshot cannot slip in.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const DIR = 'test/web';
/** The placeholders a screenshot name's template may hold, as written in the test source. */
const LANG = ['$', '{lang}'].join('');
const SCREEN = ['$', '{screen.name}'].join('');
/** A screenshot's name: words, the language, then an optional window width. */
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*-(en|ar)(-\d+)?$/;

/** screenshotNames returns every literal screenshot name in the browser tests, with its file. */
export function screenshotNames(dir = DIR): Map<string, string> {
  const names = new Map<string, string>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const m of source.matchAll(/'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`$\\\n]*)`/g)) {
      const literal = m[1] ?? m[2] ?? m[3] ?? '';
      if (NAME.test(literal)) names.set(literal, file);
    }
    // Templates: `field-${screen.name}-${lang}-360`, `setup-${lang}`.
    const screenNames = [...source.matchAll(/\bname: '([a-z0-9-]+)'/g)].map((m) => m[1]!);
    for (const m of source.matchAll(/`([a-z0-9-]*(?:\$\{[a-z.]+\}[a-z0-9-]*)+)`/g)) {
      const template = m[1]!;
      if (!template.includes(LANG)) continue;
      const parts = template.includes(SCREEN) ? screenNames : [''];
      if (/\$\{(?!lang\}|screen\.name\})/.test(template)) continue;
      for (const part of parts)
        for (const lang of ['en', 'ar']) {
          const name = template.replaceAll(SCREEN, part).replaceAll(LANG, lang);
          if (NAME.test(name)) names.set(name, file);
        }
    }
  }
  return names;
}

/** counterpart is the same screen's name in the other language. */
function counterpart(name: string): string {
  return name.replace(NAME, (whole, lang: string, width: string | undefined) => {
    const stem = whole.slice(0, whole.length - lang.length - (width?.length ?? 0));
    return `${stem}${lang === 'en' ? 'ar' : 'en'}${width ?? ''}`;
  });
}

describe('screenshots in both languages (issue 17)', () => {
  it('finds the browser tests’ screenshots (the scan itself works)', () => {
    const names = screenshotNames();
    for (const known of [
      'item-pdf-en',
      'item-pdf-ar',
      'dashboard-alerts-ar',
      'redaction-en',
      'setup-ar',
      'field-admin-users-ar-1280',
      'exercise-monitor-en-360',
    ])
      assert.ok(names.has(known), `${known} in the scanned set of ${names.size}`);
    assert.equal(counterpart('field-monitor-queue-en-360'), 'field-monitor-queue-ar-360');
    assert.equal(counterpart('case-ar'), 'case-en');
  });

  it('every screen shot in English is shot in Arabic too, and the other way round', () => {
    const names = screenshotNames();
    const lonely = [...names]
      .filter(([name]) => !names.has(counterpart(name)))
      .map(([name, file]) => `${name} (${file}) has no ${counterpart(name)}`);
    assert.deepEqual(lonely, [], `screens in one language only, of ${names.size} screenshots`);
  });
});
