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
  assert.deepEqual(d.detect(text).map((m) => m.text), ['Boston, Massachusetts', 'London', 'Connecticut', 'Massachusetts', 'Eugene']);
});
