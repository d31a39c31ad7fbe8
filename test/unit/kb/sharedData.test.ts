import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { loadKnowledgeBase } from '../../../src/core/kb/loadKnowledgeBase';
import { sniffFormat } from '../../../src/core/kb/sniffFormat';
import { loadWordNetLexicon } from '../../../src/core/kb/wordnetLexicon';
import { sharedData, sharedMissing } from './kbTestPaths';

const skip = sharedMissing();
if (skip !== false) console.log(`# SKIP kb shared-data tests: ${skip}`);

void test('wiki11k (brat normalisation DB) loads 11,078 entities', { skip }, async () => {
  const file = path.join(sharedData, 'wiki11k', 'Wiki.txt');
  assert.equal(await sniffFormat(file), 'brat');
  const { kb, report } = await loadKnowledgeBase([{ path: file }]);
  assert.equal(kb.size, 11078);
  assert.equal(report.sources[0].skipped.length, 0);
  const booth = kb.get('15919')!;
  assert.equal(booth.title, 'John Wilkes Booth');
  assert.equal(booth.type, 'Person');
  assert.match(booth.text, /^John Wilkes Booth \(May 10, 1838/);
  assert.ok(kb.get('33422')!.aliases.includes('The Great One'));
});

void test('zeshel-sample documents load, every world, world as type', { skip }, async () => {
  const dir = path.join(sharedData, 'zeshel-sample');
  const { kb } = await loadKnowledgeBase([{ path: dir }]);
  assert.equal(kb.size, 23);
  assert.deepEqual([...new Set(kb.entities.map((e) => e.type))].sort(), ['doctor_who', 'military', 'pro_wrestling', 'starwars']);
  const fifth = kb.entities.find((e) => e.title === 'Fifth Doctor');
  assert.ok(fifth !== undefined && fifth.text.startsWith('Fifth Doctor'));
});

void test('emerson entities.csv (no header) loads 3 entities', { skip }, async () => {
  const { kb } = await loadKnowledgeBase([{ path: path.join(sharedData, 'emerson', 'entities.csv') }]);
  assert.deepEqual(kb.entities.map((e) => [e.id, e.title]), [
    ['Q312545', 'Roy Stanley Emerson'],
    ['Q48226', 'Ralph Waldo Emerson'],
    ['Q215952', 'Emerson Ferreira da Rosa'],
  ]);
  assert.equal(kb.get('Q48226')!.text, 'American philosopher, essayist, and poet');
});

void test('WordNet nouns load (about 82k synsets) and the WSD gold keys resolve', { skip }, async () => {
  const { kb } = await loadKnowledgeBase([{ path: 'wordnet', format: 'wordnet' }]);
  assert.ok(kb.size > 80_000 && kb.size < 85_000, `${kb.size} noun synsets`);
  const dog = kb.get('wn:02086723-n')!;
  assert.equal(dog.title, 'dog');
  assert.deepEqual(dog.aliases, ['domestic dog', 'Canis familiaris']);
  assert.equal(dog.type, 'noun.animal');
  const lex = await loadWordNetLexicon();
  assert.equal(lex.entityIdOfSenseKey('dog%1:05:00::'), 'wn:02086723-n');
  // Every gold sense key of SemEval-2007 that names a noun resolves to a loaded noun entity (README: 99.8-100%).
  const gold = await readFile(path.join(sharedData, 'wsd', 'semeval2007', 'semeval2007.gold.key.txt'), 'utf8');
  const nounKeys = gold.split('\n').flatMap((l) => l.split(' ').slice(1)).filter((k) => /%1:/.test(k));
  assert.ok(nounKeys.length > 100);
  const resolved = nounKeys.filter((k) => kb.get(lex.entityIdOfSenseKey(k) ?? '') !== undefined).length;
  assert.ok(resolved / nounKeys.length >= 0.99, `${resolved}/${nounKeys.length} noun keys resolve`);
});
