import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SkippedRecord } from '../../../src/core/kb/kbReadOptions';
import { readSparqlJsonKb } from '../../../src/core/kb/sparqlJsonReader';
import { LinkerError } from '../../../src/core/errors';
import { jsonErrorOffset } from '../../../src/core/kb/jsonErrorPosition';
import { bare, collect, fixture, tempFiles } from './kbTestPaths';

void test('Wikidata-style results: rows merge per entity, QIDs from IRIs, preferred language wins the title', async () => {
  const es = await collect(readSparqlJsonKb(fixture('wikidata.sparql.json')));
  assert.deepEqual(es.map(bare), [
    { id: 'Q42', title: 'Douglas Adams', text: 'English writer and humorist', aliases: ['DNA', 'Douglas Noel Adams'], type: 'human' },
    { id: 'Q1', title: 'universe', text: 'totality of space and all contents', aliases: ['Univers'] },
    { id: 'http://dbpedia.org/resource/Berlin', title: 'Berlin', text: '', aliases: [] },
  ]);
});

void test('another preferred language changes which label is the title', async () => {
  const es = await collect(readSparqlJsonKb(fixture('wikidata.sparql.json'), { lang: 'fr' }));
  const q1 = es.find((e) => e.id === 'Q1');
  assert.equal(q1?.title, 'Univers');
  assert.deepEqual(q1?.aliases, ['universe']);
});

const doc = (vars: string[], bindings: unknown[]): string => JSON.stringify({ head: { vars }, results: { bindings } }, null, 1);

void test('the id is the first IRI-valued variable when no variable is named like one; an explicit mapping overrides names', async () => {
  const t = tempFiles({
    'r.json': doc(['s', 'name', 'abstract', 'code'], [
      { s: { type: 'uri', value: 'http://ex.org/a' }, name: { type: 'literal', value: 'A' }, abstract: { type: 'literal', value: 'about A' }, code: { type: 'literal', value: 'c-a' } },
    ]),
  });
  try {
    const [byUri] = await collect(readSparqlJsonKb(t.file('r.json')));
    assert.deepEqual(bare(byUri), { id: 'http://ex.org/a', title: 'A', text: 'about A', aliases: [] });
    const [byMap] = await collect(readSparqlJsonKb(t.file('r.json'), { columns: { id: 'code', title: 'abstract', text: 'name' } }));
    assert.deepEqual(bare(byMap), { id: 'c-a', title: 'about A', text: 'A', aliases: [] });
  } finally {
    t.cleanup();
  }
});

void test('a syntax error reports the line and column of the JSON position', async () => {
  const t = tempFiles({ 'bad.json': '{\n  "head": {"vars": ["id"]},\n  "results": {"bindings": [ {"id": } ]}\n}\n' });
  try {
    await assert.rejects(collect(readSparqlJsonKb(t.file('bad.json'))), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'kbRecord'));
      assert.equal(e.location.line, 3);
      assert.match(e.message, /line 3, column \d+/);
      return true;
    });
  } finally {
    t.cleanup();
  }
});

void test('rows without an id: strict throws naming the binding, lenient skips them', async () => {
  const t = tempFiles({ 'r.json': doc(['item', 'label'], [{ label: { type: 'literal', value: 'orphan' } }, { item: { type: 'uri', value: 'http://ex.org/b' }, label: { type: 'literal', value: 'B' } }]) });
  try {
    await assert.rejects(collect(readSparqlJsonKb(t.file('r.json'))), /results\.bindings\[0\] has no value for \?item/);
    const skipped: SkippedRecord[] = [];
    const es = await collect(readSparqlJsonKb(t.file('r.json'), { strict: false, onSkip: (s) => skipped.push(s) }));
    assert.deepEqual(es.map((e) => e.title), ['B']);
    assert.equal(skipped.length, 1);
  } finally {
    t.cleanup();
  }
});

void test('a JSON document that is not a SELECT result is an inputFormat error', async () => {
  const t = tempFiles({ 'x.json': '{"boolean": true}' });
  try {
    await assert.rejects(collect(readSparqlJsonKb(t.file('x.json'))), (e: unknown) => LinkerError.is(e, 'inputFormat'));
  } finally {
    t.cleanup();
  }
});

void test('jsonErrorOffset finds the first syntax error and accepts what JSON.parse accepts', () => {
  for (const ok of ['{}', '[1, -2.5e3, "a\\u00e9\\n", true, false, null, {"k": []}]', ' "x" ']) {
    JSON.parse(ok);
    assert.equal(jsonErrorOffset(ok), undefined, ok);
  }
  assert.equal(jsonErrorOffset('{"a": }'), 6);
  assert.equal(jsonErrorOffset('[1, 2,]'), 6);
  assert.equal(jsonErrorOffset('{"a": 1} x'), 9);
  assert.equal(jsonErrorOffset('{"a": "unterminated'), 19);
});
