import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Logger } from '../../../src/core/log';
import { DEFAULT_MAX_TEXT_CHARS, loadKnowledgeBase, mergeEntities } from '../../../src/core/kb/loadKnowledgeBase';
import { loadKnowledgeBaseFromConfig, parseKbConfig, readKbConfig } from '../../../src/core/kb/kbConfig';
import { kbContentHash } from '../../../src/core/kb/kbContentHash';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { LinkerError } from '../../../src/core/errors';
import { bare, fixture, tempFiles } from './kbTestPaths';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
}

void test('sources merge by id: first non-empty title, longest text, aliases unioned; merged ids counted', async () => {
  const stages = new Set<string>();
  const { kb, report } = await loadKnowledgeBase([{ path: fixture('entities.jsonl') }, { path: fixture('wikidata.sparql.json') }], { onProgress: (p) => void stages.add(`${p.stage} ${p.done === p.total ? 'done' : ''}`) });
  assert.deepEqual([...stages].filter((s) => s.endsWith('done')), [`read ${fixture('entities.jsonl')} done`, `read ${fixture('wikidata.sparql.json')} done`]);
  assert.deepEqual(kb.entities.map((e) => e.id), ['Q42', '7', 'Q1', 'http://dbpedia.org/resource/Berlin']);
  assert.deepEqual(bare(kb.get('Q1')!), { id: 'Q1', title: 'Universe', text: 'totality of space and all contents', aliases: ['universe', 'Univers'] });
  assert.deepEqual(bare(kb.get('Q42')!), { id: 'Q42', title: 'Douglas Adams', text: 'English writer and humorist.', aliases: ['Douglas Noel Adams', 'DNA'], type: 'person' });
  assert.equal(kb.get('Q1')!.source, `${fixture('entities.jsonl')}:4`);
  assert.equal(report.mergedIds, 2);
  assert.equal(report.entities, 4);
  assert.deepEqual(report.sources.map((s) => [s.format, s.records]), [['jsonl', 3], ['sparql-json', 3]]);
  assert.equal(kb.rowOf('Q1'), 2);
});

void test('mergeEntities fills an empty title from the later record and keeps the first type', () => {
  const merged = mergeEntities({ id: 'x', title: '', text: 'short', aliases: ['a'], type: 'T1' }, { id: 'x', title: 'Ex', text: 'much longer', aliases: ['a', 'b'], type: 'T2' });
  assert.deepEqual(merged, { id: 'x', title: 'Ex', text: 'much longer', aliases: ['a', 'b'], type: 'T1' });
});

void test('within one source: duplicates, empty titles and oversized texts are reported and logged, never silent', async () => {
  const long = 'y'.repeat(50);
  const t = tempFiles({
    'kb.jsonl': [
      JSON.stringify({ id: 'a', title: 'A', text: 'first' }),
      JSON.stringify({ id: 'a', title: 'A2', text: 'second, longer' }),
      JSON.stringify({ id: 'b', title: '', text: 'untitled' }),
      JSON.stringify({ id: 'c', title: 'C', text: long }),
    ].join('\n'),
  });
  try {
    const logger = recordingLogger();
    const { kb, report } = await loadKnowledgeBase([{ path: t.file('kb.jsonl') }], { logger, maxTextChars: 20 });
    const sr = report.sources[0];
    assert.deepEqual([sr.records, sr.duplicateIds, sr.emptyTitles, sr.truncatedTexts], [4, 1, 1, 1]);
    assert.equal(report.mergedIds, 0);
    assert.deepEqual(bare(kb.get('a')!), { id: 'a', title: 'A', text: 'second, longer', aliases: ['A2'] });
    assert.equal(kb.get('b')!.title, 'b', 'an empty title falls back to the id');
    assert.equal(kb.get('c')!.text, long.slice(0, 20));
    assert.deepEqual(sr.issues.map((i) => i.kind).sort(), ['duplicateId', 'emptyTitle', 'truncatedText']);
    assert.ok(sr.issues.find((i) => i.kind === 'duplicateId')!.detail.includes(`${t.file('kb.jsonl')}:1`));
    assert.equal(logger.warnings.length, 3);
    assert.ok(logger.warnings.some((w) => w.startsWith(`${t.file('kb.jsonl')}:2: `)));
  } finally {
    t.cleanup();
  }
  assert.ok(DEFAULT_MAX_TEXT_CHARS >= 10_000);
});

void test('strict load stops at the first bad record; lenient load lists every skipped line in the report', async () => {
  const t = tempFiles({ 'kb.csv': 'id,title\n1,One\n"2,Two\n' , 'ok.jsonl': '{"id":"x","title":"X"}\nnot json\n{"id":"y","title":"Y"}\nstill not\n' });
  try {
    await assert.rejects(loadKnowledgeBase([{ path: t.file('ok.jsonl') }]), (e: unknown) => LinkerError.is(e, 'kbRecord') && e.location.line === 2 && e.message.includes('ok.jsonl:2'));
    const logger = recordingLogger();
    const { kb, report } = await loadKnowledgeBase([{ path: t.file('ok.jsonl') }, { path: t.file('kb.csv') }], { strict: false, logger });
    assert.deepEqual(kb.entities.map((e) => e.id), ['x', 'y', '1']);
    assert.deepEqual(report.sources[0].skipped.map((s) => s.line), [2, 4]);
    assert.deepEqual(report.sources[1].skipped.map((s) => s.line), [3]);
    assert.equal(report.skipped, 3);
    assert.equal(logger.warnings.filter((w) => w.includes('skipped')).length, 3);
  } finally {
    t.cleanup();
  }
});

void test('config file: paths relative to the config, explicit format and columns, name from the config', async () => {
  const config = await readKbConfig(fixture('kb.config.json'));
  assert.equal(config.name, 'tiny');
  assert.deepEqual(config.sources[0], { path: fixture('entities.jsonl') });
  assert.deepEqual(config.sources[2], { path: fixture('custom.tsv'), format: 'tsv', columns: { id: 'code', text: 'about', type: 3 } });
  const { kb, report } = await loadKnowledgeBaseFromConfig(fixture('kb.config.json'));
  assert.equal(kb.name, 'tiny');
  assert.equal(kb.size, 6);
  assert.equal(kb.get('X2')!.text, 'Second letter');
  assert.equal(report.mergedIds, 2);
});

void test('config validation names the file and the bad entry', () => {
  const file = '/cfg/kb.json';
  const bad = (v: unknown, re: RegExp): void => assert.throws(() => parseKbConfig(v, file, '/cfg'), (e: unknown) => LinkerError.is(e, 'inputFormat') && re.test(e.message) && e.message.startsWith(`${file}: `));
  bad([], /not a JSON object/);
  bad({ sources: [] }, /non-empty list/);
  bad({ sources: [{ path: 'a', format: 'xml' }] }, /sources\[0\]\.format "xml"/);
  bad({ sources: [{ path: 'a', columns: { name: 1 } }] }, /columns\.name is not one of/);
  bad({ sources: [{ path: 'a', columns: { id: -1 } }] }, /0-based position/);
  bad({ sources: [{ path: 'a', pos: ['x'] }] }, /pos must be/);
  const ok = parseKbConfig({ sources: [{ path: 'wordnet', pos: ['n', 'v'] }, { path: 'sub/kb.csv' }] }, file, '/cfg');
  assert.deepEqual(ok.sources, [{ path: 'wordnet', format: 'wordnet', pos: ['n', 'v'] }, { path: path.resolve('/cfg', 'sub/kb.csv') }]);
});

void test('kbContentHash: stable, order-sensitive, and sensitive to field boundaries', () => {
  const a = { id: 'a', title: 'T', text: 'xy', aliases: ['p'] };
  const b = { id: 'b', title: 'U', text: '', aliases: [] };
  const h = kbContentHash(new KnowledgeBase('k', [a, b]));
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(kbContentHash(new KnowledgeBase('other name', [{ ...a, source: 'elsewhere:1' }, b])), h);
  assert.notEqual(kbContentHash(new KnowledgeBase('k', [b, a])), h);
  assert.notEqual(kbContentHash(new KnowledgeBase('k', [{ ...a, title: 'Tx', text: 'y' }, b])), h);
  assert.notEqual(kbContentHash(new KnowledgeBase('k', [{ ...a, aliases: ['p', ''] }, b])), h);
});

void test('a cancelled load stops with a cancelled error', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(loadKnowledgeBase([{ path: fixture('entities.jsonl') }], { signal: ac.signal }), (e: unknown) => LinkerError.is(e, 'cancelled'));
});
