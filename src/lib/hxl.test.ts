import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HxlColumn, HxlError, type HxlErrorCode, parseHxl, writeHxl } from './hxl.js';

const columns: HxlColumn[] = [
  { header: 'Date', tag: '#date', type: 'text' },
  { header: 'Place', tag: '#loc +name', type: 'text' },
  { header: 'People', tag: '#affected+displaced+ind', type: 'number' },
];

function refused(text: string, code: HxlErrorCode, limits?: Parameters<typeof parseHxl>[1]) {
  assert.throws(
    () => parseHxl(text, limits),
    (e) => e instanceof HxlError && e.code === code,
    `parseHxl(${JSON.stringify(text.slice(0, 40))}) should fail with ${code}`,
  );
}

describe('writeHxl', () => {
  it('writes a header row, a canonical hashtag row and CRLF line ends', () => {
    const text = writeHxl(columns, [['2016-12-15', 'Ramouseh', 8000]]);
    assert.equal(
      text,
      'Date,Place,People\r\n#date,#loc+name,#affected+displaced+ind\r\n2016-12-15,Ramouseh,8000\r\n',
    );
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const text = writeHxl(columns, [['2016-12-15', 'Khan al-Asal, "west"\nrural', null]]);
    assert.ok(text.includes('"Khan al-Asal, ""west""\nrural",\r\n'), text);
  });

  it('defuses formula-like text cells but keeps negative numbers', () => {
    const text = writeHxl(columns, [
      ['=HYPERLINK("x")', '@SUM(1)', -3],
      ['+1', '-2', 0],
      ['\tx', 'ok', 1],
    ]);
    const parsed = parseHxl(text);
    assert.deepEqual(parsed.rows, [
      ['\'=HYPERLINK("x")', "'@SUM(1)", '-3'],
      ["'+1", "'-2", '0'],
      ["'\tx", 'ok', '1'],
    ]);
  });

  it('refuses a bad hashtag, a non-number in a number column and a short row', () => {
    assert.throws(() => writeHxl([{ header: 'x', tag: 'date', type: 'text' }], []), HxlError);
    assert.throws(() => writeHxl(columns, [['d', 'p', Number.NaN]]), HxlError);
    assert.throws(() => writeHxl(columns, [['d', 'p']]), HxlError);
  });
});

describe('parseHxl', () => {
  it('reads back what writeHxl wrote, Arabic included', () => {
    const rows = [
      ['2016-12-15', 'الراموسة', 8000],
      ['2016-12-16', 'a "quoted", name\r\nacross lines', 0],
    ];
    const parsed = parseHxl(writeHxl(columns, rows));
    assert.deepEqual(parsed.headers, ['Date', 'Place', 'People']);
    assert.deepEqual(parsed.tags, ['#date', '#loc+name', '#affected+displaced+ind']);
    assert.deepEqual(
      parsed.rows,
      rows.map((r) => r.map(String)),
    );
  });

  it('skips one leading BOM and accepts LF line ends', () => {
    const parsed = parseHxl('\uFEFFDate,People\n#date,#affected\n2016-12-15,5\n');
    assert.deepEqual(parsed.headers, ['Date', 'People']);
    assert.deepEqual(parsed.rows, [['2016-12-15', '5']]);
  });

  describe('when the input is hostile', () => {
    const head = 'A,B\r\n#a,#b\r\n';
    it('refuses an unterminated quote', () => refused(`${head}"open,1\r\n`, 'HXL_MALFORMED'));
    it('refuses a NUL character', () => refused(`${head}x\0,1\r\n`, 'HXL_MALFORMED'));
    it('refuses a NUL inside quotes', () => refused(`${head}"x\0",1\r\n`, 'HXL_MALFORMED'));
    it('refuses a bare CR', () => refused(`${head}x,1\ry,2\r\n`, 'HXL_MALFORMED'));
    it('refuses a stray quote in an unquoted field', () => refused(`${head}ab"c,1\r\n`, 'HXL_MALFORMED'));
    it('refuses text after a closing quote', () => refused(`${head}"ab"c,1\r\n`, 'HXL_MALFORMED'));
    it('refuses rows of different widths', () => refused(`${head}1,2,3\r\n`, 'HXL_MALFORMED'));
    it('refuses a second BOM', () => refused(`\uFEFF\uFEFF${head}`, 'HXL_MALFORMED'));
    it('refuses a missing hashtag row', () => refused('A,B\r\n1,2\r\n', 'HXL_BAD_TAG'));
    it('refuses a header row alone', () => refused('A,B\r\n', 'HXL_MALFORMED'));
    it('refuses text over the size limit before parsing', () =>
      refused(head + 'x,1\r\n'.repeat(100), 'HXL_TOO_LARGE', {
        maxBytes: 100,
        maxRows: 10,
        maxColumns: 5,
        maxFieldLength: 10,
      }));
    it('refuses too many rows', () =>
      refused(head + 'x,1\r\n'.repeat(11), 'HXL_MALFORMED', {
        maxBytes: 1e6,
        maxRows: 10,
        maxColumns: 5,
        maxFieldLength: 10,
      }));
    it('refuses too many columns', () =>
      refused(`${'a,'.repeat(10)}a\r\n`, 'HXL_MALFORMED', {
        maxBytes: 1e6,
        maxRows: 10,
        maxColumns: 5,
        maxFieldLength: 10,
      }));
    it('refuses a huge field, quoted or not', () => {
      const limits = { maxBytes: 1e7, maxRows: 10, maxColumns: 5, maxFieldLength: 1000 };
      refused(`${head}${'x'.repeat(5000)},1\r\n`, 'HXL_MALFORMED', limits);
      refused(`${head}"${'x'.repeat(5000)}",1\r\n`, 'HXL_MALFORMED', limits);
    });
    // Speed is measured by benchmarks, not asserted here: a wall-clock bound fails on a loaded
    // machine. Parsing a large file whole is what this test pins.
    it('parses a large well-formed file', () => {
      const big = head + 'x,1\r\n'.repeat(150_000);
      assert.equal(parseHxl(big).rows.length, 150_000);
    });
  });
});
