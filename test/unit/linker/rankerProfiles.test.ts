import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { LinkerError } from '../../../src/core/errors';
import { refitRanker } from '../../../src/core/learning/onlineLearner';
import { averageRankers } from '../../../src/core/learning/rankerEnsemble';
import { exampleFromDecision } from '../../../src/core/learning/rankerTrainer';
import type { RankingExample } from '../../../src/core/learning/rankerTrainer';
import { Linker } from '../../../src/core/linker/linker';
import { FEATURE_NAMES, parseRankerWeights, serializeRankerWeights } from '../../../src/core/linker/ranker';
import type { KbKind, RankerWeights } from '../../../src/core/linker/ranker';
import { kbKindOfCandidates, kbKindOfIds, rankerForKind, withKindRanker } from '../../../src/core/linker/rankerProfiles';
import type { KindCandidate } from '../../../src/core/linker/rankerProfiles';
import { entityText } from '../../../src/core/linker/textTemplates';
import { packExamples, unpackExamples } from '../../../src/core/worker/learningRequests';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

/** Two WordNet senses of "bank" next to the tiny entity KB: one KB, two kinds of candidates. */
const SENSES = [
  { id: 'wn:09213565-n', title: 'bank', text: 'sloping land beside a body of water', aliases: [] },
  { id: 'wn:08420278-n', title: 'bank', text: 'a financial institution that accepts deposits', aliases: ['depository financial institution'] },
];

/** The top level ignores the given order; the senses profile follows it (givenPrior) and nothing else. */
const PROFILED: RankerWeights = { version: 4, weights: TEST_WEIGHTS.weights, profiles: { senses: { weights: { givenPrior: 100 } } }, source: 'test' };

function linker(weights: RankerWeights): Linker {
  const kb = new KnowledgeBase('mixed', [...TINY_ENTITIES, ...SENSES]);
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: weights });
}

const top = async (l: Linker, text: string, end: number, candidateIds: string[]): Promise<string> => (await l.linkSpans(text, [{ start: 0, end, candidateIds }]))[0].candidates[0].id;

void test('a mention is scored with the profile of its candidates\' KB kind: senses follow their profile, entities the top level', async () => {
  const bank = 'Bank of the river, sloping land by the water.';
  const senses = [SENSES[1].id, SENSES[0].id];
  const flat = linker({ ...PROFILED, version: 2, profiles: undefined });
  const profiled = linker(PROFILED);
  // Without profiles the context decides (the river sense) whatever the order; with them the given order does.
  assert.equal(await top(flat, bank, 4, senses), SENSES[0].id);
  assert.equal(await top(flat, bank, 4, [...senses].reverse()), SENSES[0].id);
  assert.equal(await top(profiled, bank, 4, senses), SENSES[1].id);
  assert.equal(await top(profiled, bank, 4, [...senses].reverse()), SENSES[0].id);
  // Entity candidates keep the top-level weights: the exact title wins although given second.
  assert.equal(await top(profiled, 'Dublin grew fast.', 6, ['Q2', 'Q1']), 'Q1');
  const entitiesToo = linker({ ...PROFILED, profiles: { ...PROFILED.profiles, entities: { weights: { givenPrior: 100 } } } });
  assert.equal(await top(entitiesToo, 'Dublin grew fast.', 6, ['Q2', 'Q1']), 'Q2');
});

void test('the KB kind of a candidate set: senses only when every id is a WordNet synset id', () => {
  assert.equal(kbKindOfIds(['wn:09213565-n', 'wn:01930512-v']), 'senses');
  assert.equal(kbKindOfIds(['wn:09213565-n', 'Q1']), 'entities');
  assert.equal(kbKindOfIds(['Q1']), 'entities');
  assert.equal(kbKindOfIds([]), 'entities');
  assert.equal(kbKindOfIds(['wn:bank']), 'entities');
});

void test('ranker.json version 4: profiles round-trip; a bad profile names the file and the field; profiles need version 4', () => {
  const json = { version: 4, weights: { dense: 2 }, profiles: { senses: { weights: { formPrior: 3 } }, entities: { weights: { lexical: 5 }, hidden: [{ bias: 0, weights: { dense: 1 }, out: 2 }] } } };
  const w = parseRankerWeights(JSON.stringify(json), 'm/ranker.json');
  assert.equal(w.profiles?.senses?.weights.formPrior, 3);
  assert.equal(w.profiles?.entities?.hidden?.[0]?.out, 2);
  const written = serializeRankerWeights(w);
  assert.equal(written.version, 4);
  assert.deepEqual(parseRankerWeights(JSON.stringify(written)).profiles, {
    senses: { weights: Object.fromEntries(FEATURE_NAMES.map((n) => [n, n === 'formPrior' ? 3 : 0])) },
    entities: { weights: Object.fromEntries(FEATURE_NAMES.map((n) => [n, n === 'lexical' ? 5 : 0])), hidden: [{ bias: 0, weights: Object.fromEntries(FEATURE_NAMES.map((n) => [n, n === 'dense' ? 1 : 0])), out: 2 }] },
  });
  const bad = (j: unknown, what: RegExp): void =>
    assert.throws(() => parseRankerWeights(JSON.stringify(j), 'm/ranker.json'), (e: unknown) => LinkerError.is(e, 'inputFormat') && what.test((e as Error).message) && e.location.file === 'm/ranker.json');
  bad({ version: 4, weights: {}, profiles: { senses: { weights: { dense: 'x' } } } }, /"dense" in profiles\.senses\.weights/);
  bad({ version: 4, weights: {}, profiles: { senses: { weights: { popularity: 1 } } } }, /profiles\.senses\.weights: "popularity"/);
  bad({ version: 4, weights: {}, profiles: { words: { weights: {} } } }, /"profiles\.words" is not a KB kind/);
  bad({ version: 4, weights: {}, profiles: { entities: {} } }, /"profiles\.entities\.weights" is missing/);
  bad({ version: 4, weights: {}, profiles: { entities: { weights: {}, hidden: [{ bias: 0, weights: {}, out: 'x' }] } } }, /profiles\.entities\.hidden\[0\]\.out/);
  bad({ version: 4, weights: {}, profiles: [] }, /"profiles" is not an object/);
  bad({ version: 3, weights: {}, profiles: {} }, /version 4/);
});

/** Examples where the gold has feature `name` = 1 and the other candidate 0: training raises that weight. */
function examples(name: (typeof FEATURE_NAMES)[number], profile?: KbKind): RankingExample[] {
  const row = (v: number): number[] => FEATURE_NAMES.map((n) => (n === name ? v : 0));
  return Array.from({ length: 8 }, () => ({ features: [row(0), row(1)], gold: 1, ...(profile === undefined ? {} : { profile }) }));
}

void test('a refit trains the profile each example was scored with and leaves the others (and a flat ranker stays flat)', () => {
  const base: RankerWeights = { version: 4, weights: { dense: 1 }, profiles: { senses: { weights: { dense: 1 } }, entities: { weights: { dense: 1 } } }, source: 'base' };
  const senses = refitRanker(examples('givenPrior', 'senses'), base, { seed: 1 }).weights;
  assert.ok((senses.profiles?.senses?.weights.givenPrior ?? 0) > 0.5, JSON.stringify(senses.profiles?.senses));
  assert.equal(senses.profiles?.entities?.weights.givenPrior ?? 0, 0);
  assert.equal(senses.weights.givenPrior ?? 0, 0);
  const mixed = refitRanker([...examples('givenPrior', 'senses'), ...examples('lexical', 'entities')], base, { seed: 1 }).weights;
  assert.ok((mixed.profiles?.entities?.weights.lexical ?? 0) > 0.5);
  assert.equal(mixed.profiles?.entities?.weights.givenPrior ?? 0, 0);
  assert.equal(mixed.profiles?.senses?.weights.lexical ?? 0, 0);
  // An example of a kind without a profile (or of no kind) trains the top-level weights.
  const onlySenses: RankerWeights = { ...base, profiles: { senses: base.profiles!.senses! } };
  const entity = refitRanker(examples('lexical', 'entities'), onlySenses, { seed: 1 }).weights;
  assert.ok((entity.weights.lexical ?? 0) > 0.5);
  assert.equal(entity.profiles?.senses?.weights.lexical ?? 0, 0);
  const flat = refitRanker(examples('lexical', 'senses'), { version: 2, weights: { dense: 1 } }, { seed: 1 }).weights;
  assert.equal(flat.profiles, undefined);
  assert.ok((flat.weights.lexical ?? 0) > 0.5);
});

void test('profile helpers: a kind without a profile reads the top level; replacing one profile keeps the rest', () => {
  assert.equal(rankerForKind(PROFILED, 'entities').weights, TEST_WEIGHTS.weights);
  assert.deepEqual(rankerForKind(PROFILED, 'senses').weights, { givenPrior: 100 });
  assert.equal(rankerForKind(PROFILED, 'senses').profiles, undefined);
  const replaced = withKindRanker(PROFILED, 'senses', { version: 2, weights: { formPrior: 1 } });
  assert.deepEqual(replaced.profiles?.senses?.weights, { formPrior: 1 });
  assert.equal(replaced.weights, TEST_WEIGHTS.weights);
});

void test('examples carry their candidates\' kind through a decision, the refit message and an ensemble average', async () => {
  const l = linker(PROFILED);
  const [mention] = await l.linkSpans('Bank of the river.', [{ start: 0, end: 4, candidateIds: SENSES.map((s) => s.id) }]);
  const ex = exampleFromDecision({ document: 'd', start: 0, end: 4, text: 'Bank', action: 'relink', entityId: SENSES[0].id, mention });
  assert.equal(ex?.profile, 'senses');
  const [dublin] = await l.linkSpans('Dublin grew fast.', [{ start: 0, end: 6 }]);
  assert.equal(exampleFromDecision({ document: 'd', start: 0, end: 6, text: 'Dublin', action: 'relink', entityId: dublin.candidates[1].id, mention: dublin })?.profile, 'entities');
  const packed: RankingExample[] = [{ features: [[1, 2], [3, 4]], gold: 0, profile: 'senses' }, { features: [[0, 1], [1, 0]], gold: 1 }, { features: [[5, 5], [6, 6]], gold: 1, profile: 'entities', weight: 2 }];
  assert.deepEqual(unpackExamples(packExamples(packed)), packed);
  const a: RankerWeights = { version: 4, weights: { dense: 1 }, profiles: { senses: { weights: { formPrior: 2 } } } };
  const b: RankerWeights = { version: 4, weights: { dense: 3 }, profiles: { senses: { weights: { formPrior: 4 } } } };
  const avg = averageRankers([a, b]);
  assert.equal(avg.weights.dense, 2);
  assert.equal(avg.profiles?.senses?.weights.formPrior, 3);
});

/** A KB of WordNet senses alone: a name's retrieved candidates are all synsets (kind retrievedSenses). */
function sensesLinker(weights: RankerWeights): Linker {
  const kb = new KnowledgeBase('senses', SENSES);
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: weights });
}

void test('retrieved synsets are scored with the retrievedSenses profile, a given sense list with senses; without one, retrieved synsets use senses', async () => {
  const bank = 'Bank of the river, sloping land by the water.';
  const retrievedTop = async (l: Linker): Promise<string> => (await l.linkSpans(bank, [{ start: 0, end: 4 }]))[0].candidates[0].id;
  // The context favours the river sense (dense); the senses profile turns the dense cosine around.
  const both: RankerWeights = { version: 4, weights: TEST_WEIGHTS.weights, profiles: { senses: { weights: { dense: -100 } }, retrievedSenses: { weights: { dense: 100 } } } };
  assert.equal(await retrievedTop(sensesLinker(both)), SENSES[0].id);
  assert.equal(await top(sensesLinker(both), bank, 4, SENSES.map((s) => s.id)), SENSES[1].id);
  // A ranker.json of session 7 (no retrievedSenses profile): retrieved synsets fall back to the senses profile, not the top level.
  const sensesOnly: RankerWeights = { ...both, profiles: { senses: both.profiles!.senses! } };
  assert.equal(await retrievedTop(sensesLinker(sensesOnly)), SENSES[1].id);
  assert.equal(await retrievedTop(sensesLinker({ ...both, version: 2, profiles: undefined })), SENSES[0].id);
  // The decision's example carries the retrieved kind; a given list's the senses kind.
  const l = sensesLinker(both);
  const [retrieved] = await l.linkSpans(bank, [{ start: 0, end: 4 }]);
  assert.equal(exampleFromDecision({ document: 'd', start: 0, end: 4, text: 'Bank', action: 'relink', entityId: retrieved.candidates[1].id, mention: retrieved })?.profile, 'retrievedSenses');
  const [given] = await l.linkSpans(bank, [{ start: 0, end: 4, candidateIds: SENSES.map((s) => s.id) }]);
  assert.equal(exampleFromDecision({ document: 'd', start: 0, end: 4, text: 'Bank', action: 'relink', entityId: given.candidates[1].id, mention: given })?.profile, 'senses');
});

void test('the kind of a candidate set: WordNet synsets retrieved for a name are retrievedSenses, a list given by the caller senses', () => {
  assert.equal(kbKindOfIds(['wn:09213565-n'], true), 'retrievedSenses');
  assert.equal(kbKindOfIds(['wn:09213565-n', 'Q1'], true), 'entities');
  const c = (id: string, ...by: string[]): KindCandidate => ({ id, signals: { retrievedBy: by } });
  assert.equal(kbKindOfCandidates([c('wn:09213565-n', 'given'), c('wn:08420278-n', 'given')]), 'senses');
  assert.equal(kbKindOfCandidates([c('wn:09213565-n', 'given', 'dense'), c('wn:08420278-n', 'given')]), 'retrievedSenses');
  assert.equal(kbKindOfCandidates([c('wn:09213565-n', 'lexical')]), 'retrievedSenses');
  assert.equal(kbKindOfCandidates([c('Q1', 'given')]), 'entities');
});

void test('a refit on retrieved synsets starts a retrievedSenses profile from the senses one and leaves the senses profile (and a given list) as it was', () => {
  const base: RankerWeights = { version: 4, weights: { dense: 1 }, profiles: { senses: { weights: { dense: 2 } }, entities: { weights: { dense: 1 } } }, source: 'base' };
  const fit = refitRanker(examples('lexical', 'retrievedSenses'), base, { seed: 1 }).weights;
  assert.ok((fit.profiles?.retrievedSenses?.weights.lexical ?? 0) > 0.5, JSON.stringify(fit.profiles));
  assert.deepEqual(fit.profiles?.senses, base.profiles?.senses);
  assert.deepEqual(fit.weights, base.weights);
  // Pulled toward where it started: the senses profile's dense weight, not the top level's.
  assert.ok(Math.abs((fit.profiles?.retrievedSenses?.weights.dense ?? 0) - 2) < 0.5, JSON.stringify(fit.profiles?.retrievedSenses));
  const json = serializeRankerWeights(fit);
  assert.ok((parseRankerWeights(JSON.stringify(json)).profiles?.retrievedSenses?.weights.lexical ?? 0) > 0.5);
  const packed: RankingExample[] = [{ features: [[1, 2], [3, 4]], gold: 0, profile: 'retrievedSenses' }];
  assert.deepEqual(unpackExamples(packExamples(packed)), packed);
});
