import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SkippedRecord } from '../../../src/core/kb/kbReadOptions';
import type { Progress } from '../../../src/core/log';
import { readBlinkKb, readJsonlKb, readZeshelKb, readZeshelWorld } from '../../../src/core/kb/jsonLineReaders';
import { readBratKb } from '../../../src/core/kb/bratReader';
import { readDelimitedKb } from '../../../src/core/kb/delimitedReader';
import { LinkerError } from '../../../src/core/errors';
import { bare, collect, fixture, tempFiles } from './kbTestPaths';

void test('jsonl: ids as strings, optional aliases and type, blank lines ignored, file:line sources', async () => {
  const file = fixture('entities.jsonl');
  const es = await collect(readJsonlKb(file));
  assert.deepEqual(es.map(bare), [
    { id: 'Q42', title: 'Douglas Adams', text: 'English writer and humorist.', aliases: ['Douglas Noel Adams', 'DNA'], type: 'person' },
    { id: '7', title: 'Seven', text: 'The natural number following six.', aliases: [] },
    { id: 'Q1', title: 'Universe', text: 'Everything that exists.', aliases: [] },
  ]);
  assert.deepEqual(es.map((e) => e.source), [`${file}:1`, `${file}:2`, `${file}:4`]);
});

void test('jsonl strict: the first bad record throws kbRecord naming file:line, the reason and a remedy', async () => {
  const t = tempFiles({ 'kb.jsonl': '{"id":"a","title":"A"}\n{"id":"b", "title":\n{"title":"no id"}\n' });
  try {
    await assert.rejects(collect(readJsonlKb(t.file('kb.jsonl'))), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'kbRecord'));
      assert.equal(e.location.line, 2);
      assert.ok(e.message.startsWith(`${t.file('kb.jsonl')}:2: `), e.message);
      assert.match(e.message, /not valid JSON/);
      assert.match(e.message, /leniently/);
      return true;
    });
  } finally {
    t.cleanup();
  }
});

void test('jsonl lenient: every bad line is skipped and reported with its reason', async () => {
  const t = tempFiles({ 'kb.jsonl': '{"id":"a","title":"A"}\n{"id":"b", "title":\n{"title":"no id"}\n[1,2]\n{"id":"c","aliases":[3]}\n{"id":"d","title":"D"}\n' });
  try {
    const skipped: SkippedRecord[] = [];
    const es = await collect(readJsonlKb(t.file('kb.jsonl'), { strict: false, onSkip: (s) => skipped.push(s) }));
    assert.deepEqual(es.map((e) => e.id), ['a', 'd']);
    assert.deepEqual(skipped.map((s) => s.line), [2, 3, 4, 5]);
    assert.match(skipped[1].reason, /missing "id"/);
    assert.match(skipped[2].reason, /not an object/);
    assert.match(skipped[3].reason, /non-string/);
  } finally {
    t.cleanup();
  }
});

void test('zeshel: a documents folder gives every world, the world as type; a single world file works too', async () => {
  const all = await collect(readZeshelKb(fixture('zeshel')));
  assert.deepEqual(all.map((e) => [e.id, e.type]), [['A1', 'alpha_world'], ['A2', 'alpha_world'], ['B1', 'beta_world']]);
  assert.equal(all[0].title, 'Gallifrey');
  assert.ok(all[0].text.startsWith('Gallifrey Gallifrey is'));
  const one = await collect(readZeshelWorld(fixture('zeshel', 'documents', 'beta_world.json')));
  assert.deepEqual(one.map((e) => e.id), ['B1']);
  const viaDocs = await collect(readZeshelKb(fixture('zeshel', 'documents')));
  assert.equal(viaDocs.length, 3);
});

void test('blink: id from idx, else entity, else title', async () => {
  const es = await collect(readBlinkKb(fixture('blink.jsonl')));
  assert.deepEqual(es.map((e) => e.id), ['https://en.wikipedia.org/wiki?curid=974', 'Alan_Turing', 'Grace Hopper']);
  assert.equal(es[1].text, 'English computer scientist.');
});

void test('brat: first name is the title, other names aliases, attr:Type the type, info:Info the text, images dropped', async () => {
  const es = await collect(readBratKb(fixture('brat.txt')));
  assert.deepEqual(es.map(bare), [
    { id: '378838', title: 'Browning Automatic Rifle', text: 'A family of automatic rifles.', aliases: ['M1918 Browning Automatic Rifle'], type: 'Weapon' },
    { id: '15919', title: 'John Wilkes Booth', text: 'American stage actor.', aliases: [], type: 'Person' },
    { id: '33422', title: 'Wayne Gretzky', text: 'Canadian ice hockey player.', aliases: ['The Great One', 'Gretzky'], type: 'Person' },
  ]);
  assert.equal(es[2].source, `${fixture('brat.txt')}:3`);
});

void test('brat: a line without a name or with a malformed field is a bad record at its line', async () => {
  const t = tempFiles({ 'db.txt': '1\tname:Name:One\n2\tattr:Type:T\n3\tbroken field\n4\tname:Name:Four\n' });
  try {
    const skipped: SkippedRecord[] = [];
    const es = await collect(readBratKb(t.file('db.txt'), { strict: false, onSkip: (s) => skipped.push(s) }));
    assert.deepEqual(es.map((e) => e.id), ['1', '4']);
    assert.deepEqual(skipped.map((s) => [s.line, s.reason.slice(0, 20)]), [[2, 'entity 2 has no name'], [3, 'field 2 "broken fiel']]);
    await assert.rejects(collect(readBratKb(t.file('db.txt'))), /db\.txt:2: Bad KB record: entity 2 has no name/);
  } finally {
    t.cleanup();
  }
});

void test('csv with a header: columns by name, quoting, aliases split on ; and |, multi-line fields keep their start line', async () => {
  const file = fixture('header.csv');
  const es = await collect(readDelimitedKb(file, ','));
  assert.deepEqual(es.map(bare), [
    { id: 'Q1', title: 'Universe, the', text: 'Everything "that" exists', aliases: ['cosmos', 'world', 'all'] },
    { id: 'Q2', title: 'Earth', text: 'Third planet\r\nfrom the Sun', aliases: [] },
    { id: 'Q3', title: 'Moon', text: '', aliases: [] },
  ]);
  assert.deepEqual(es.map((e) => e.source), [`${file}:2`, `${file}:3`, `${file}:6`]);
});

void test('csv without a header: id, title, text by position', async () => {
  const es = await collect(readDelimitedKb(fixture('noheader.csv'), ','));
  assert.deepEqual(es.map((e) => [e.id, e.title, e.text]), [
    ['Q312545', 'Roy Stanley Emerson', 'Australian tennis player'],
    ['Q48226', 'Ralph Waldo Emerson', 'American philosopher, essayist, and poet'],
  ]);
});

void test('tsv with an explicit mapping by header name and by position', async () => {
  const es = await collect(readDelimitedKb(fixture('custom.tsv'), '\t', { columns: { id: 'code', text: 'about', type: 3 } }));
  assert.deepEqual(es.map(bare), [
    { id: 'X1', title: 'Alpha', text: 'First letter', aliases: [], type: 'letter' },
    { id: 'X2', title: 'Beta', text: 'Second letter', aliases: [], type: 'letter' },
  ]);
});

void test('a mapping by column name implies a header even when no header cell is a known name', async () => {
  const t = tempFiles({ 'kb.tsv': 'code\tnm\tsyn\nK1\tKay One\tK-1|kay\n' });
  try {
    const es = await collect(readDelimitedKb(t.file('kb.tsv'), '\t', { columns: { id: 'code', title: 'nm', aliases: 'syn' } }));
    assert.deepEqual(es.map(bare), [{ id: 'K1', title: 'Kay One', text: '', aliases: ['K-1', 'kay'] }]);
  } finally {
    t.cleanup();
  }
});

void test('csv: a mapping to a missing column and a header without an id column are usage errors naming the file', async () => {
  await assert.rejects(collect(readDelimitedKb(fixture('custom.tsv'), '\t', { columns: { id: 'nope' } })), (e: unknown) => LinkerError.is(e, 'inputFormat') && /id=nope/.test(e.message) && /custom\.tsv:1/.test(e.message));
  await assert.rejects(collect(readDelimitedKb(fixture('custom.tsv'), '\t')), /No id column/);
  const es = await collect(readDelimitedKb(fixture('noheader.csv'), ',', { header: false, columns: { id: 0, title: 2 } }));
  assert.equal(es[0].title, 'Australian tennis player');
});

void test('csv strict vs lenient: a quoting error or an empty id names its line', async () => {
  const t = tempFiles({ 'kb.csv': 'id,title\nA,"ok"\nB,"bad"x\n,empty id\nC,fine\n' });
  try {
    await assert.rejects(collect(readDelimitedKb(t.file('kb.csv'), ',')), (e: unknown) => LinkerError.is(e, 'kbRecord') && e.location.line === 3);
    const skipped: SkippedRecord[] = [];
    const es = await collect(readDelimitedKb(t.file('kb.csv'), ',', { strict: false, onSkip: (s) => skipped.push(s) }));
    assert.deepEqual(es.map((e) => e.id), ['A', 'C']);
    assert.deepEqual(skipped.map((s) => s.line), [3, 4]);
    assert.match(skipped[1].reason, /id column is empty/);
  } finally {
    t.cleanup();
  }
});

void test('progress reports bytes read of the file size, ending at the total', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: `e${i}`, title: `Entity ${i}`, text: 'x'.repeat(100) })).join('\n');
  const t = tempFiles({ 'big.jsonl': lines });
  try {
    const seen: Progress[] = [];
    const es = await collect(readJsonlKb(t.file('big.jsonl'), { onProgress: (p) => seen.push(p) }));
    assert.equal(es.length, 5000);
    const total = Buffer.byteLength(lines);
    assert.ok(seen.length >= 2);
    assert.ok(seen.every((p) => p.total === total));
    assert.equal(seen[seen.length - 1].done, total);
    assert.ok(seen.every((p, i) => i === 0 || p.done >= seen[i - 1].done));
  } finally {
    t.cleanup();
  }
});

void test('a fired signal cancels the read', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(collect(readJsonlKb(fixture('entities.jsonl'), { signal: ac.signal })), (e: unknown) => LinkerError.is(e, 'cancelled'));
});
