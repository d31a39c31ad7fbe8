import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWsd, readWsdFiles } from '../../../src/core/formats/wsdReader';
import { formatFixture } from './formatTestPaths';

void test('WSD: each sentence is a document of space-joined tokens; instances carry sense keys, lemma and pos', async () => {
  const docs = await readWsdFiles(formatFixture('wsd', 'tiny.data.xml'));
  assert.deepEqual(docs.map((d) => [d.id, d.text]), [
    ['d000.s000', 'The bank closed .'],
    ['d000.s001', "It didn't reopen"],
    ['d001.s000', 'Cafés open'],
  ]);
  const [bank, closed] = docs[0].mentions;
  assert.deepEqual([bank.start, bank.end, bank.text, bank.lemma, bank.pos, bank.goldIds], [4, 8, 'bank', 'bank', 'NOUN', ['bank%1:14:00::']]);
  assert.deepEqual(closed.goldIds, ['close%2:41:00::', 'close%2:35:00::']);
  assert.equal(closed.source.record, 'd000.s000.t001');
  assert.equal(closed.source.line, 7);
  for (const d of docs) {
    for (const m of d.mentions) assert.equal(d.text.slice(m.start, m.end), m.text);
  }
  assert.equal(docs[2].mentions[0].text, 'Cafés', 'character references are decoded');
  assert.deepEqual(docs.map((d) => d.group), ['tiny/d000', 'tiny/d000', 'tiny/d001'], "a sentence's group is its text (splits keep a text together)");
});

void test('WSD: unit "text" joins a whole text into one document', async () => {
  const docs = await readWsdFiles(formatFixture('wsd', 'tiny.data.xml'), { unit: 'text' });
  assert.deepEqual(docs.map((d) => [d.id, d.mentions.length, d.group]), [['d000', 3, undefined], ['d001', 1, undefined]]);
  assert.equal(docs[0].text, "The bank closed . It didn't reopen");
  const reopen = docs[0].mentions[2];
  assert.equal(docs[0].text.slice(reopen.start, reopen.end), 'reopen');
});

void test('WSD: missing keys, stray keys and broken XML are errors with a line', () => {
  const xml = '<corpus>\n<text id="t">\n<sentence id="s">\n<instance id="i1" lemma="a" pos="NOUN">a</instance>\n</sentence>\n</text>\n</corpus>';
  assert.throws(() => parseWsd(xml, 'x.data.xml', '', 'x.gold.key.txt'), /x\.data\.xml:4: instance i1 has no line in x\.gold\.key\.txt/);
  assert.throws(() => parseWsd(xml, 'x.data.xml', 'i1 a%1:00:00::\ni2 b%1:00:00::\n', 'x.gold.key.txt'), /x\.gold\.key\.txt:2: instance i2 is not in x\.data\.xml/);
  assert.throws(() => parseWsd(xml, 'x.data.xml', 'i1\n', 'k.txt'), /k\.txt:1: instance i1 has no sense key/);
  assert.throws(() => parseWsd('<corpus>\n<text>\n</sentence>', 'b.data.xml', '', 'k.txt'), /b\.data\.xml:3: XML error/);
});

void test('WSD: an instance id used twice in the data file is an error at its second line there, not the first key given to both', () => {
  const xml = '<corpus>\n<text id="t">\n<sentence id="s">\n<instance id="i1" lemma="bank" pos="NOUN">bank</instance>\n<instance id="i1" lemma="river" pos="NOUN">river</instance>\n</sentence>\n</text>\n</corpus>';
  assert.throws(() => parseWsd(xml, 'x.data.xml', 'i1 bank%1:14:00::\n', 'x.gold.key.txt'), /x\.data\.xml:5: instance i1 is used again \(first at line 4\)/);
});
