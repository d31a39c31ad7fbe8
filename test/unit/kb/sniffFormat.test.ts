import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSourceArg, sniffFormat } from '../../../src/core/kb/sniffFormat';
import { LinkerError } from '../../../src/core/errors';
import { fixture, tempFiles } from './kbTestPaths';

void test('sniffs every fixture format from extension and content', async () => {
  assert.equal(await sniffFormat(fixture('entities.jsonl')), 'jsonl');
  assert.equal(await sniffFormat(fixture('blink.jsonl')), 'blink');
  assert.equal(await sniffFormat(fixture('zeshel', 'documents', 'alpha_world.json')), 'zeshel');
  assert.equal(await sniffFormat(fixture('zeshel')), 'zeshel');
  assert.equal(await sniffFormat(fixture('zeshel', 'documents')), 'zeshel');
  assert.equal(await sniffFormat(fixture('brat.txt')), 'brat');
  assert.equal(await sniffFormat(fixture('wikidata.sparql.json')), 'sparql-json');
  assert.equal(await sniffFormat(fixture('header.csv')), 'csv');
  assert.equal(await sniffFormat(fixture('custom.tsv')), 'tsv');
  assert.equal(await sniffFormat('wordnet'), 'wordnet');
});

void test('brat content wins over a .tsv extension; unknown content asks for FORMAT:PATH', async () => {
  const t = tempFiles({ 'db.tsv': '1\tname:Name:One\n', 'notes.dat': 'hello\n' });
  try {
    assert.equal(await sniffFormat(t.file('db.tsv')), 'brat');
    await assert.rejects(sniffFormat(t.file('notes.dat')), (e: unknown) => LinkerError.is(e, 'inputFormat') && /FORMAT:PATH/.test(e.message));
    await assert.rejects(sniffFormat(t.file('missing.csv')), (e: unknown) => LinkerError.is(e, 'inputMissing'));
  } finally {
    t.cleanup();
  }
});

void test('FORMAT:PATH parsing', () => {
  assert.deepEqual(parseSourceArg('brat:data/Wiki.txt'), { path: 'data/Wiki.txt', format: 'brat' });
  assert.deepEqual(parseSourceArg('sparql-json:/tmp/r.json'), { path: '/tmp/r.json', format: 'sparql-json' });
  assert.deepEqual(parseSourceArg('csv:C:\\kb\\e.csv'), { path: 'C:\\kb\\e.csv', format: 'csv' });
  assert.deepEqual(parseSourceArg('C:\\kb\\e.csv'), { path: 'C:\\kb\\e.csv' });
  assert.deepEqual(parseSourceArg('data/kb.jsonl'), { path: 'data/kb.jsonl' });
  assert.deepEqual(parseSourceArg('http:x'), { path: 'http:x' });
  assert.deepEqual(parseSourceArg('wordnet'), { path: 'wordnet', format: 'wordnet' });
  assert.deepEqual(parseSourceArg('wordnet:all'), { path: 'wordnet', format: 'wordnet', pos: ['n', 'v', 'a', 'r'] });
  assert.deepEqual(parseSourceArg('wordnet:n,v'), { path: 'wordnet', format: 'wordnet', pos: ['n', 'v'] });
  assert.deepEqual(parseSourceArg('wordnet:/opt/wn/dict'), { path: '/opt/wn/dict', format: 'wordnet' });
  assert.throws(() => parseSourceArg('csv:'), (e: unknown) => LinkerError.is(e, 'usage'));
});

void test('a misspelt format prefix (json:, sparql:) says it is no format, not that the file json:kb.jsonl does not exist', async () => {
  const t = tempFiles({ 'kb.jsonl': '{"id":"Q1","title":"A"}\n', 'a:b.jsonl': '{"id":"Q1","title":"A"}\n' });
  try {
    for (const spec of [`json:${t.file('kb.jsonl')}`, `sparql:${t.file('kb.jsonl')}`]) {
      await assert.rejects(sniffFormat(parseSourceArg(spec).path), (e: unknown) => LinkerError.is(e, 'usage') && e.message.includes(`"${spec.split(':')[0]}" is not a KB format`) && /jsonl, zeshel, blink, brat, sparql-json, csv, tsv, wordnet/.test(e.message), spec);
    }
    // A file whose name holds a colon is still read, and a plain missing path is still 'does not exist'.
    assert.equal(await sniffFormat(t.file('a:b.jsonl')), 'jsonl');
    await assert.rejects(sniffFormat(t.file('missing.jsonl')), (e: unknown) => LinkerError.is(e, 'inputMissing') && /does not exist/.test(e.message));
  } finally {
    t.cleanup();
  }
});
