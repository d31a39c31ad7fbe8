import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity } from '../../../src/core/kb/entity';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { Linker } from '../../../src/core/linker/linker';
import { editSimilarity, nameInfo } from '../../../src/core/linker/nameFeatures';
import { casedNameKey, nameKey } from '../../../src/core/linker/tokens';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, featureVector, scoreFeatures, softmax, weightVector } from '../../../src/core/linker/ranker';
import type { FeatureName, RankerWeights } from '../../../src/core/linker/ranker';
import { rankMention, scoreMention, setFeature } from '../../../src/core/linker/rankMention';
import type { CandidateInput, DecisionOptions } from '../../../src/core/linker/rankMention';
import { entityText } from '../../../src/core/linker/textTemplates';
import type { LinkedMention } from '../../../src/core/linker/types';
import { SeededRandom } from '../../../src/core/training/seededRandom';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TINY_ENTITIES, tinyKb } from '../../fixtures/linker/tinyKb';

/**
 * The ranking stage's fast path against the straightforward one it replaced: feature rows built by name and
 * scored by name, every candidate sorted and built, then cut (the code before the speed-up, kept here as the
 * reference), a full edit distance, and name features recomputed on every call.
 */
function referenceRank(span: { start: number; end: number; text: string }, inputs: readonly CandidateInput[], entities: readonly Entity[], weights: RankerWeights, decision: DecisionOptions): LinkedMention {
  const retrievedDense = inputs.map((c) => c.dense).filter((d): d is number => d !== undefined);
  const denseFloor = retrievedDense.length > 0 ? Math.min(...retrievedDense) : 0;
  const nameDense = inputs.map((c) => c.nameDense).filter((d): d is number => d !== undefined);
  const nameFloor = nameDense.length > 0 ? Math.min(...nameDense) : 0;
  const named = inputs.map((c) => ({
    c,
    f: {
      dense: c.dense ?? denseFloor,
      lexical: c.lexical,
      exactName: c.exactName ? 1 : 0,
      exactTitle: c.exactTitle ? 1 : 0,
      denseMissing: c.dense === undefined ? 1 : 0,
      nameDense: c.nameDense ?? nameFloor,
      ngram: c.names?.ngram ?? 0,
      tokenOverlap: c.names?.tokenOverlap ?? 0,
      edit: c.names?.edit ?? 0,
      exactCase: c.names?.exactCase ?? 0,
      acronym: c.names?.acronym ?? 0,
      givenPrior: c.givenRank === undefined ? 0 : 1 / (1 + c.givenRank),
      kbPrior: c.kbPrior ?? 0,
      annotatorPrior: c.annotatorPrior ?? 0,
      discourse: c.discourse ?? 0,
      coherence: c.coherence ?? 0,
      typeAgreement: c.typeAgreement ?? 0,
      nameCount: c.nameCount ?? 0,
      formPrior: c.formPrior ?? 0,
    } as Partial<Record<FeatureName, number>>,
  }));
  const scored = named.map(({ c, f }) => {
    const features = featureVector(f);
    return { c, features, score: scoreFeatures(weights, features) };
  });
  scored.sort((a, b) => b.score - a.score || (a.c.givenRank ?? Infinity) - (b.c.givenRank ?? Infinity) || a.c.row - b.c.row);
  const probs = softmax(scored.map((s) => s.score));
  const ranked = scored.map((s, i) => {
    const e = entities[s.c.row];
    const signals = { ...(s.c.dense === undefined ? {} : { dense: s.c.dense }), lexical: s.c.lexical, exactName: s.c.exactName, retrievedBy: s.c.retrievedBy };
    return { id: e.id, title: e.title, score: s.score, probability: probs[i], signals, features: s.features };
  });
  const best = ranked[0];
  const nil = best === undefined || best.probability < decision.nilThreshold || best.score < decision.minScore;
  const negatives = nil ? ranked : ranked.slice(1);
  return { ...span, candidates: ranked.slice(0, decision.topK), nil, margin: ranked.length < 2 ? Infinity : ranked[0].score - ranked[1].score, hardNegatives: negatives.slice(0, decision.hardNegatives) };
}

function randomInputs(rng: SeededRandom, n: number): CandidateInput[] {
  const value = (): number => Math.round(rng.next() * 8) / 8; // coarse values, so that score ties happen
  const rows = [...TINY_ENTITIES.keys()];
  rng.shuffle(rows);
  return rows.slice(0, n).map((row, k) => ({
    row,
    retrievedBy: ['dense'],
    ...(rng.next() < 0.8 ? { dense: value() } : {}),
    ...(rng.next() < 0.8 ? { nameDense: value() } : {}),
    ...(rng.next() < 0.5 ? { givenRank: k } : {}),
    lexical: value(),
    exactName: rng.next() < 0.3,
    exactTitle: rng.next() < 0.2,
    names: { ngram: value(), tokenOverlap: value(), edit: value(), exactCase: rng.next() < 0.3 ? 1 : 0, acronym: 0 },
    kbPrior: value(),
    annotatorPrior: value(),
    discourse: value(),
    coherence: value(),
    typeAgreement: value(),
    nameCount: value(),
    formPrior: value(),
  }));
}

void test('the fast ranking equals the straightforward one: order, scores, probabilities, NIL, margin, negatives, features', () => {
  const rng = new SeededRandom(7);
  const weights: RankerWeights = { version: 2, weights: { ...DEFAULT_RANKER_WEIGHTS.weights, formPrior: 1.5 } };
  for (let trial = 0; trial < 300; trial++) {
    const inputs = randomInputs(rng, rng.int(TINY_ENTITIES.length + 1));
    const decision = { nilThreshold: rng.next() * 0.6, minScore: rng.next() < 0.2 ? 5 : -Infinity, topK: 1 + rng.int(6), hardNegatives: rng.int(5) };
    const span = { start: 0, end: 4, text: 'test' };
    assert.deepEqual(rankMention(span, inputs, TINY_ENTITIES, weights, decision), referenceRank(span, inputs, TINY_ENTITIES, weights, decision), `trial ${trial}`);
  }
});

void test('setting a feature afterwards (the coherence pass) scores as if it had been an input', () => {
  const rng = new SeededRandom(3);
  const w = weightVector(DEFAULT_RANKER_WEIGHTS);
  for (let trial = 0; trial < 50; trial++) {
    const inputs = randomInputs(rng, 1 + rng.int(8));
    const coherence = inputs.map(() => rng.next());
    const late = scoreMention(inputs.map((c) => ({ ...c, coherence: 0 })), w);
    setFeature(late, 'coherence', coherence, w);
    const direct = scoreMention(inputs.map((c, k) => ({ ...c, coherence: coherence[k] })), w);
    assert.deepEqual(late.scores, direct.scores);
    assert.deepEqual(late.features, direct.features);
  }
  assert.equal(FEATURE_NAMES.length, w.length);
});

/** Plain Levenshtein similarity, as editSimilarity computed it before the early exit. */
function plainEditSimilarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  if (n === 0) return 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
    prev = cur;
  }
  return 1 - prev[b.length] / n;
}

void test('the edit similarity with a floor gives the same maximum as the full distance', () => {
  const rng = new SeededRandom(11);
  const word = (): string => Array.from({ length: rng.int(12) }, () => 'abcde'[rng.int(5)]).join('');
  for (let trial = 0; trial < 3000; trial++) {
    const a = word();
    const b = word();
    const floor = rng.next() < 0.2 ? -1 : Math.round(rng.next() * 10) / 10;
    const exact = plainEditSimilarity(a, b);
    assert.equal(Math.max(floor, editSimilarity(a, b, floor)), Math.max(floor, exact), `"${a}" "${b}" floor ${floor}`);
    assert.equal(editSimilarity(a, b), exact);
  }
});

void test('a name\'s keys from one tokenization equal nameKey and casedNameKey', () => {
  for (const name of ['Jean-Paul Sartre', 'AT&T', 'U.S.', 'Straße', '  Baile Átha  Cliath ', 'ＦＵＬＬ width', 'O\u2019Brien', '']) {
    assert.equal(nameInfo(name).key, nameKey(name), name);
    assert.equal(nameInfo(name).cased, casedNameKey(name), name);
  }
});

function makeLinker(): Linker {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: DEFAULT_RANKER_WEIGHTS });
}

void test('name features kept across calls give what a fresh linker computes, also after the annotator adds a name', async () => {
  const text = 'Dublin grew fast. The Big Apple and Dublin, Ohio met NYC in Dublin.';
  const reused = makeLinker();
  const first = await reused.linkDocument(text);
  assert.ok(first.length >= 3);
  assert.deepEqual(await reused.linkDocument(text), first);
  assert.deepEqual(await makeLinker().linkDocument(text), first);
  // A confirmed form is a new name of Q3: features of "Big Apple" against Q3 change, so kept ones must go.
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'relink', entityId: 'Q3', text: 'Big Apple' });
  const state = { version: 1 as const, memory: memory.toJSON(), decisions: 1 };
  const spans = [{ start: 22, end: 31 }, { start: 0, end: 6 }];
  await reused.linkSpans(text, spans);
  reused.setLearnedState(state);
  const fresh = makeLinker();
  fresh.setLearnedState(state);
  const expected = await fresh.linkSpans(text, spans);
  assert.equal(expected[0].candidates.find((c) => c.id === 'Q3')?.features?.[FEATURE_NAMES.indexOf('exactName')], 1);
  assert.deepEqual(await reused.linkSpans(text, spans), expected);
});
