import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainDecisions, isPlaceChain } from '../../../src/core/detection/chainConvention';
import { LearnedDetection } from '../../../src/core/detection/learnedDetection';
import { MentionDetector } from '../../../src/core/detection/mentionDetector';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { Gazetteer } from '../../../src/core/linker/gazetteer';

const at = (text: string, s: string, entityId: string): { start: number; end: number; entityId: string } => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length, entityId });

void test('place chains: a form "A, B" of two names', () => {
  assert.equal(isPlaceChain('Springfield, Illinois'), true);
  assert.equal(isPlaceChain('Blackpool, Lancashire, England'), true);
  assert.equal(isPlaceChain('Springfield'), false);
  assert.equal(isPlaceChain('bread, butter'), false);
});

void test('annotated documents teach the chain convention: a chain annotated whole links it, its parts annotated apart reject it', () => {
  const text = 'Born in Springfield, Illinois, she studied in Paris, France and in Rome and Milan.';
  const decisions = chainDecisions(text, [at(text, 'Springfield, Illinois', 'S'), at(text, 'Paris', 'P'), at(text, 'France', 'F'), at(text, 'Rome', 'R'), at(text, 'Milan', 'M')]);
  assert.deepEqual(decisions, [
    { action: 'add', entityId: 'S', text: 'Springfield, Illinois' },
    { action: 'reject', entityId: null, text: 'Paris, France' },
  ]);
  const memory = new AnnotatorMemory();
  for (const d of decisions) memory.observe(d);
  memory.observe({ action: 'add', entityId: 'S', text: 'Peoria, Illinois' });
  assert.equal(LearnedDetection.fromMemory(memory, () => 0).wholeCommaChains, true, 'two chains whole against one split');
  memory.observe({ action: 'reject', entityId: null, text: 'Lyon, France' });
  memory.observe({ action: 'reject', entityId: null, text: 'Nice, France' });
  assert.equal(LearnedDetection.fromMemory(memory, () => 0).wholeCommaChains, false);
});

void test('a place chain joins whole names only, not the end of a longer name nor the start of one', () => {
  const entities = [
    { id: 'L1', title: 'London', text: 'a city', aliases: [], type: 'Location' },
    { id: 'L2', title: 'Connecticut', text: 'a state', aliases: [], type: 'Location' },
    { id: 'L3', title: 'Boston', text: 'a city', aliases: [], type: 'Location' },
    { id: 'L4', title: 'Massachusetts', text: 'a state', aliases: [], type: 'Location' },
    { id: 'L5', title: 'Eugene', text: 'a city in Oregon', aliases: [], type: 'Location' },
  ];
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'L3', text: 'Boston, Massachusetts' });
  const rowOf = (id: string): number => entities.findIndex((e) => e.id === id);
  const d = new MentionDetector({ gazetteer: new Gazetteer(entities), entities, learned: LearnedDetection.fromMemory(memory, rowOf) });
  const text = 'In Boston, Massachusetts and New London, Connecticut; then Massachusetts, Eugene Smith said.';
  assert.equal(d.chainTails, false, 'off by default');
  assert.deepEqual(d.detect(text).map((m) => m.text), ['Boston, Massachusetts', 'London', 'Connecticut', 'Massachusetts', 'Eugene']);
  // With chain tails (MentionDetector.chainTails), "Connecticut" of "New London, Connecticut" is not proposed alone.
  d.chainTails = true;
  assert.deepEqual(d.detect(text).map((m) => m.text), ['Boston, Massachusetts', 'London', 'Massachusetts', 'Eugene']);
});

void test('a whole-chain annotator: the tail of a chain whose head the dictionary does not know is not proposed alone, by the type of the chains linked whole', () => {
  const entities = [
    { id: 'N', title: 'Noank', text: 'a village', aliases: [], type: 'Location' },
    { id: 'M', title: 'Missouri', text: 'a state', aliases: [], type: 'Location' },
    { id: 'R', title: 'Robert Anderson', text: 'a person', aliases: [], type: 'Person' },
  ];
  const rowOf = (id: string): number => entities.findIndex((e) => e.id === id);
  const detector = (memory: AnnotatorMemory): MentionDetector => {
    const d = new MentionDetector({ gazetteer: new Gazetteer(entities), entities, learned: LearnedDetection.fromMemory(memory, rowOf) });
    d.chainTails = true;
    return d;
  };
  // "Moberly" is no name of the KB; "Ann Smith" neither, and a person after a comma is no chain tail.
  const text = 'Born in Moberly, Missouri, she met Ann Smith, Robert Anderson.';
  const memory = new AnnotatorMemory();
  assert.deepEqual(detector(memory).detect(text).map((m) => m.text), ['Missouri', 'Robert Anderson'], 'no chain practice learned yet');
  memory.observe({ action: 'add', entityId: 'N', text: 'Noank, Missouri' });
  const learned = LearnedDetection.fromMemory(memory, rowOf);
  assert.deepEqual(learned.wholeChainRows, [rowOf('N')]);
  const d = detector(memory);
  assert.deepEqual(d.detect(text).map((m) => m.text), ['Robert Anderson']);
  d.chainTails = false;
  assert.deepEqual(d.detect(text).map((m) => m.text), ['Missouri', 'Robert Anderson']);
  // The tail's form linked alone before stays proposed ("Somerset" of "Wiveliscombe, Somerset" annotated alone).
  memory.observe({ action: 'add', entityId: 'M', text: 'Missouri' });
  assert.deepEqual(detector(memory).detect(text).map((m) => m.text), ['Missouri', 'Robert Anderson']);
  // Chains split again (rejections of whole chains outnumber the links): nothing is withdrawn.
  const split = new AnnotatorMemory();
  split.observe({ action: 'add', entityId: 'N', text: 'Noank, Missouri' });
  split.observe({ action: 'reject', entityId: null, text: 'Paris, Missouri' });
  split.observe({ action: 'reject', entityId: null, text: 'Rome, Missouri' });
  assert.deepEqual(LearnedDetection.fromMemory(split, rowOf).wholeChainRows, []);
  assert.deepEqual(detector(split).detect(text).map((m) => m.text), ['Missouri', 'Robert Anderson']);
});
