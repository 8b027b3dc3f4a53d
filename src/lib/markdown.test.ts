import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeMarkdown } from './markdown.js';

/** unescape undoes CommonMark §2.4 backslash escapes: what a renderer shows as text. */
const shown = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

describe('escapeMarkdown', () => {
  const hostile = [
    '# Heading',
    '== setext',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '![pixel](https://evil.example/t.png)',
    '<javascript:alert(1)>',
    '**bold** _em_ ~~strike~~ `code`',
    'a | b | c',
    '&lt;b&gt; &#x3C;',
    'line one\nline two\r\n# three',
    '1. list\n- item\n> quote',
    '[ref]: https://evil.example',
    'www.evil.example/path',
    '\\',
    'قرار مجلس الأمن 2328 | *٢٠١٦*',
  ];

  it('leaves no active Markdown character unescaped', () => {
    for (const text of hostile) {
      const md = escapeMarkdown(text);
      // Every active character is preceded by a backslash that is itself not escaped.
      const bare = md.replace(/\\[!-/:-@[-`{-~]/g, '');
      assert.doesNotMatch(
        bare,
        /[\\`*_{}[\]()#+\-.!|<>&~=$]/,
        `escapeMarkdown(${JSON.stringify(text)}) = ${md}`,
      );
      assert.doesNotMatch(md, /[\r\n\u2028\u2029]/);
    }
  });

  it('renders as the same characters (line breaks as spaces)', () => {
    for (const text of hostile) {
      assert.equal(shown(escapeMarkdown(text)), text.replace(/[\r\n]+/g, ' '));
    }
  });

  it('keeps letters, digits, Arabic, commas, colons and slashes as they are', () => {
    assert.equal(escapeMarkdown('S/RES/2328, 19 Dec 2016 at 10:00'), 'S/RES/2328, 19 Dec 2016 at 10:00');
    assert.equal(escapeMarkdown('الفوعة وكفريا'), 'الفوعة وكفريا');
  });
});
