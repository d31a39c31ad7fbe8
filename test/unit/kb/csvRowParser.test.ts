import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CsvRow } from '../../../src/core/kb/csvRowParser';
import { CsvRowParser } from '../../../src/core/kb/csvRowParser';

function parse(text: string, delimiter = ',', chunkSize = text.length || 1): CsvRow[] {
  const p = new CsvRowParser(delimiter);
  const rows: CsvRow[] = [];
  for (let i = 0; i < text.length; i += chunkSize) p.push(text.slice(i, i + chunkSize), (r) => rows.push(r));
  p.end((r) => rows.push(r));
  return rows;
}

const tricky = '\uFEFFid,name,note\r\n1,"a, b","say ""hi"""\r\n2,"two\nlines",\n\n3,,"x"\n"4",plain,"ends without newline"';

void test('quoted delimiters, doubled quotes, line breaks in quotes, CRLF, blank lines, BOM', () => {
  const rows = parse(tricky);
  assert.deepEqual(
    rows.map((r) => r.fields),
    [
      ['id', 'name', 'note'],
      ['1', 'a, b', 'say "hi"'],
      ['2', 'two\nlines', ''],
      ['3', '', 'x'],
      ['4', 'plain', 'ends without newline'],
    ],
  );
  assert.deepEqual(rows.map((r) => r.lineNo), [1, 2, 3, 6, 7]);
  assert.ok(rows.every((r) => r.error === undefined));
});

void test('the same rows whatever the chunk boundaries', () => {
  const whole = parse(tricky);
  for (const size of [1, 2, 3, 5, 7]) assert.deepEqual(parse(tricky, ',', size), whole, `chunk size ${size}`);
});

void test('a trailing delimiter gives a last empty field', () => {
  assert.deepEqual(parse('a,b,\n').map((r) => r.fields), [['a', 'b', '']]);
});

void test('text after a closing quote is flagged on its row, and the next row is unaffected', () => {
  const rows = parse('1,"ab"c,d\n2,e,f\n');
  assert.match(rows[0].error ?? '', /after the closing quote of field 2/);
  assert.equal(rows[1].error, undefined);
  assert.deepEqual(rows[1].fields, ['2', 'e', 'f']);
});

void test('an unclosed quote is an error on the row that opened it', () => {
  const rows = parse('1,a\n2,"never closed\n3,b\n');
  assert.equal(rows.length, 2);
  assert.equal(rows[1].lineNo, 2);
  assert.match(rows[1].error ?? '', /never closed/);
});

void test('tab delimiter keeps commas and takes quotes', () => {
  assert.deepEqual(parse('a,b\t"c\td"\n', '\t').map((r) => r.fields), [['a,b', 'c\td']]);
});
