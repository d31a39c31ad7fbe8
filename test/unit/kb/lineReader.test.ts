import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLineBatches, readLines } from '../../../src/core/kb/lineReader';
import { LinkerError } from '../../../src/core/errors';
import { tempFiles } from './kbTestPaths';

async function linesOf(file: string): Promise<Array<[number, string]>> {
  const out: Array<[number, string]> = [];
  for await (const { line, lineNo } of readLines(file)) out.push([lineNo, line]);
  return out;
}

void test('LF and CRLF endings, a BOM, blank lines and a last line without a newline', async () => {
  const t = tempFiles({ 'a.txt': '\uFEFFone\r\ntwo\n\nthree\r\nfour' });
  try {
    assert.deepEqual(await linesOf(t.file('a.txt')), [[1, 'one'], [2, 'two'], [3, ''], [4, 'three'], [5, 'four']]);
  } finally {
    t.cleanup();
  }
});

void test('lines longer than a read chunk and non-ASCII text across chunk ends stay whole', async () => {
  const long = 'é'.repeat(300_000);
  const t = tempFiles({ 'b.txt': `short\n${long}\n${'x'.repeat(600_000)}\nend\n` });
  try {
    const lines = await linesOf(t.file('b.txt'));
    assert.deepEqual(lines.map(([n, l]) => [n, l.length]), [[1, 5], [2, 300_000], [3, 600_000], [4, 3]]);
    assert.equal(lines[1][1], long);
    let batches = 0;
    for await (const b of readLineBatches(t.file('b.txt'))) batches += b.length > 0 ? 1 : 0;
    assert.ok(batches >= 2, 'lines arrive in several batches');
  } finally {
    t.cleanup();
  }
});

void test('a missing file is an inputMissing error naming it', async () => {
  await assert.rejects(linesOf('/nonexistent/kb.jsonl'), (e: unknown) => LinkerError.is(e, 'inputMissing') && e.message.includes('/nonexistent/kb.jsonl'));
});
