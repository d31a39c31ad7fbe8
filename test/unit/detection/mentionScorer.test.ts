import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MENTION_FEATURE_NAMES } from '../../../src/core/detection/mentionFeatures';
import { MentionScorer, bestThreshold, halfBestF1 } from '../../../src/core/detection/mentionScorer';
import type { MentionExample } from '../../../src/core/detection/mentionScorer';
import { LinkerError } from '../../../src/core/errors';

const DIMS = MENTION_FEATURE_NAMES.length;
const at = (name: string): number => MENTION_FEATURE_NAMES.indexOf(name as (typeof MENTION_FEATURE_NAMES)[number]);

/** A feature vector with the bias and the given named features set. */
function vec(named: Record<string, number>): number[] {
  const x = new Array<number>(DIMS).fill(0);
  x[0] = 1;
  for (const [k, v] of Object.entries(named)) x[at(k)] = v;
  return x;
}

/** Capitalised multi-word spans are mentions, sentence-initial one-word spans are not; a little noise. */
function examples(n: number): MentionExample[] {
  const out: MentionExample[] = [];
  for (let i = 0; i < n; i++) {
    const name = i % 2 === 0;
    const noise = i % 17 === 0;
    out.push({
      features: name ? vec({ twoTokens: 1, allCapitalised: 1, capitalisedShare: 1 }) : vec({ oneToken: 1, sentenceStart: 1, sentenceStartOneToken: 1, capitalisedShare: 1 }),
      surface: `s${i % 50}`,
      label: noise ? !name : name,
    });
  }
  return out;
}

void test('fit learns the cues; fitting is deterministic and fast on 1,000 examples', () => {
  const data = examples(1000);
  const t = performance.now();
  const a = MentionScorer.fit(data);
  const ms = performance.now() - t;
  assert.ok(ms < 1000, `fit took ${ms.toFixed(0)} ms`);
  const b = MentionScorer.fit(data);
  assert.deepEqual(a.weights, b.weights);
  assert.ok(a.probability(data[0].features, 'unseen') > 0.8);
  assert.ok(a.probability(data[1].features, 'unseen') < 0.2);
  assert.ok(a.namedWeights().sentenceStartOneToken < 0);
});

void test('the surface memory carries a decision to the next occurrence of the form', () => {
  const data: MentionExample[] = [];
  // The same neutral features; only the surface decides: "paris" is always a mention, "bill" never.
  for (let i = 0; i < 40; i++) data.push({ features: vec({ oneToken: 1 }), surface: i % 2 === 0 ? 'paris' : 'bill', label: i % 2 === 0 });
  const s = MentionScorer.fit(data);
  const x = vec({ oneToken: 1 });
  assert.ok(s.probability(x, 'paris') > 0.7, String(s.probability(x, 'paris')));
  assert.ok(s.probability(x, 'bill') < 0.3, String(s.probability(x, 'bill')));
  assert.ok(Math.abs(s.probability(x, 'unseen') - 0.5) < 0.15);
  assert.deepEqual(s.memoryOf('paris'), { positive: 20, negative: 0 });
});

void test('JSON round trip keeps every probability; a foreign or stale file is a clear error', () => {
  const s = MentionScorer.fit(examples(200), { threshold: 0.4 });
  const json = JSON.parse(JSON.stringify(s.toJSON())) as unknown;
  const r = MentionScorer.fromJSON(json);
  assert.equal(r.threshold, 0.4);
  for (const e of examples(20)) assert.equal(r.probability(e.features, e.surface), s.probability(e.features, e.surface));
  assert.throws(() => MentionScorer.fromJSON({ kind: 'other' }, 'x.json'), (e: unknown) => e instanceof LinkerError && /x\.json is not a mention scorer/.test(e.message));
  const stale = { ...s.toJSON(), featureNames: ['bias'], weights: [0] };
  assert.throws(() => MentionScorer.fromJSON(stale, 'y.json'), /other features/);
  assert.throws(() => MentionScorer.fit([{ features: [1], surface: 'a', label: true }]), /expects/);
});

void test('leaving the own document out: a form decided only inside one document does not vouch for itself', () => {
  // Every document names its own person once (a mention) and nothing else; "the" spans are never mentions.
  const data: MentionExample[] = [];
  for (let d = 0; d < 30; d++) {
    data.push({ features: vec({ oneToken: 1, capitalisedShare: 1 }), surface: `person${d}`, label: true, group: `doc${d}` });
    data.push({ features: vec({ oneToken: 1 }), surface: 'the', label: false, group: `doc${d}` });
  }
  const grouped = MentionScorer.fit(data);
  // Within each document the surface memory is empty for the person and full for "the": the memory weight is
  // learnt from "the" alone, and an unseen capitalised word still scores as a mention.
  assert.ok(grouped.probability(vec({ oneToken: 1, capitalisedShare: 1 }), 'unseen') > 0.5);
  assert.ok(grouped.probability(vec({ oneToken: 1 }), 'the') < 0.2);
});

void test('the type memory carries decisions across surface forms of the same KB type', () => {
  const data: MentionExample[] = [];
  for (let i = 0; i < 40; i++) data.push({ features: vec({ oneToken: 1 }), surface: `w${i}`, type: i % 2 === 0 ? 'Person' : 'Literature', label: i % 2 === 0, group: `d${i}` });
  const s = MentionScorer.fit(data);
  const x = vec({ oneToken: 1 });
  assert.ok(s.probability(x, 'new', 'Person') > 0.6, String(s.probability(x, 'new', 'Person')));
  assert.ok(s.probability(x, 'new', 'Literature') < 0.4);
  assert.deepEqual(MentionScorer.fromJSON(s.toJSON()).typeMemoryOf('Person'), { positive: 20, negative: 0 });
});

void test("the 'auto' threshold is the one with the best F1 on the examples", () => {
  // 10 positives and 30 negatives with the same features: p = 0.25 for all; predicting all gives F1 = 0.4,
  // predicting none gives 0, so the threshold must fall at or below 0.25.
  const data: MentionExample[] = [];
  for (let i = 0; i < 40; i++) data.push({ features: vec({}), surface: `x${i}`, label: i < 10, group: 'one' });
  const s = MentionScorer.fit(data, { threshold: 'auto' });
  assert.equal(s.threshold, 0.25);
  assert.equal(MentionScorer.fit(data, { threshold: 0.5 }).threshold, 0.5);
  // The default 'smoothed' keeps a step away from the drop after 0.25.
  assert.equal(MentionScorer.fit(data).threshold, 0.2);
});

void test("the 'smoothed' threshold lies inside the best plateau, not at its edge next to a drop", () => {
  // 8 positives: 4 at p 0.62, 4 at p 0.32 with 3 negatives there, 4 negatives at p 0.12. F1 is 0.842 for
  // thresholds 0.15-0.30 and 0.667 above 0.32: 'auto' takes 0.30 (nearest 0.5), 'smoothed' 0.25 (0.842 around it).
  const p = [0.62, 0.62, 0.62, 0.62, 0.32, 0.32, 0.32, 0.32, 0.32, 0.32, 0.32, 0.12, 0.12, 0.12, 0.12];
  const labels = p.map((_, i) => ({ label: i < 8 }));
  assert.equal(bestThreshold(p, labels), 0.3);
  assert.equal(bestThreshold(p, labels, true), 0.25);
});

void test('the dictionary prior shrinks a dictionary match toward the dictionary decision by (n p + N) / (n + N); other spans are untouched', () => {
  // Dictionary matches that are never mentions: a plain fit scores them low.
  const ex: MentionExample[] = Array.from({ length: 20 }, (_, i) => ({ features: vec({ fromGazetteer: 1, lowerCase: 1 }), surface: `w${i}`, label: false }));
  ex.push(...Array.from({ length: 20 }, (_, i) => ({ features: vec({ capitalisedShare: 1 }), surface: `n${i}`, label: true })));
  const plain = MentionScorer.fit(ex, { threshold: 0.2 });
  const shrunk = MentionScorer.fit(ex, { threshold: 0.2, dictionaryPrior: 20 });
  const dictionary = vec({ fromGazetteer: 1, lowerCase: 1 });
  const proposal = vec({ lowerCase: 1 });
  const p = plain.probability(dictionary, 'new');
  assert.ok(p < 0.2, `plain: ${p}`);
  assert.ok(Math.abs(shrunk.probability(dictionary, 'new') - (40 * p + 20) / 60) < 1e-9);
  assert.ok(shrunk.probability(dictionary, 'new') >= 0.2, 'kept until the scorer has seen enough');
  assert.equal(shrunk.probability(proposal, 'new'), plain.probability(proposal, 'new'));
  const back = MentionScorer.fromJSON(JSON.parse(JSON.stringify(shrunk.toJSON())));
  assert.equal(back.probability(dictionary, 'new'), shrunk.probability(dictionary, 'new'));
  assert.equal(plain.toJSON().dictionaryPrior, undefined);
});

void test('context memory: a form rejected inside longer names keeps its own record standing alone', () => {
  // "turin" is a mention standing alone (3 documents) and a non-mention inside "University of Turin" (12); the
  // features are otherwise the same, so only the memory tells the two apart.
  const alone = vec({ oneToken: 1, capitalisedShare: 1 });
  const inside = vec({ oneToken: 1, capitalisedShare: 1, insideLongerName: 1 });
  const data: MentionExample[] = [];
  for (let d = 0; d < 15; d++) data.push({ features: d < 3 ? alone : inside, surface: 'turin', label: d < 3, group: `t${d}` });
  // Other forms teach the memory weight: each always a mention or never, wherever it stands.
  for (let d = 0; d < 40; d++) data.push({ features: d % 4 < 2 ? alone : inside, surface: `w${d % 8}`, label: d % 8 < 4, group: `w${d}` });
  const split = MentionScorer.fit(data, { contextMemory: true });
  const pooled = MentionScorer.fit(data);
  assert.deepEqual(split.memoryOf('turin'), { positive: 3, negative: 0 });
  assert.deepEqual(split.memoryOf('turin', true), { positive: 0, negative: 12 });
  assert.deepEqual(pooled.memoryOf('turin', true), { positive: 3, negative: 12 }, 'without context memory one record per form');
  const p = split.probability(alone, 'turin');
  assert.ok(p > 0.5 && p > pooled.probability(alone, 'turin') + 0.2, `alone: ${p} vs pooled ${pooled.probability(alone, 'turin')}`);
  assert.ok(split.probability(inside, 'turin') < 0.5);
  const back = MentionScorer.fromJSON(JSON.parse(JSON.stringify(split.toJSON())));
  assert.equal(back.probability(alone, 'turin'), p);
  assert.equal(pooled.toJSON().contextMemory, undefined);
});

void test('type context: a type rejected inside longer names keeps its own record for spans standing alone', () => {
  // Places ("Location") are mentions standing alone (6 documents, each a new form) and non-mentions inside longer
  // names such as "University of Illinois" (18); only the type memory can tell the two apart for a form never seen.
  const alone = vec({ oneToken: 1, capitalisedShare: 1 });
  const inside = vec({ oneToken: 1, capitalisedShare: 1, insideLongerName: 1 });
  const data: MentionExample[] = [];
  for (let d = 0; d < 24; d++) data.push({ features: d < 6 ? alone : inside, surface: `place${d}`, type: 'Location', label: d < 6, group: `p${d}` });
  // Organisations the other way round (mentions as longer names, not alone), so the feature insideLongerName alone
  // says nothing.
  for (let d = 0; d < 24; d++) data.push({ features: d < 6 ? alone : inside, surface: `org${d}`, type: 'Organisation', label: d >= 6, group: `o${d}` });
  // Other types teach the type memory's weight: each always a mention or never, wherever it stands.
  for (let d = 0; d < 40; d++) data.push({ features: d % 4 < 2 ? alone : inside, surface: `w${d}`, type: `T${d % 8}`, label: d % 8 < 4, group: `w${d}` });
  const split = MentionScorer.fit(data);
  assert.equal(split.typeContext, true, 'on by default');
  const pooled = MentionScorer.fit(data, { typeContext: false });
  assert.deepEqual(split.typeMemoryOf('Location'), { positive: 6, negative: 0 });
  assert.deepEqual(split.typeMemoryOf('Location', true), { positive: 0, negative: 18 });
  assert.deepEqual(pooled.typeMemoryOf('Location', true), { positive: 6, negative: 18 }, 'without type context one record per type');
  const p = split.probability(alone, 'devon', 'Location');
  assert.ok(p > 0.5 && p > pooled.probability(alone, 'devon', 'Location') + 0.2, `alone: ${p} vs pooled ${pooled.probability(alone, 'devon', 'Location')}`);
  assert.ok(split.probability(inside, 'devon', 'Location') < 0.5);
  const back = MentionScorer.fromJSON(JSON.parse(JSON.stringify(split.toJSON())));
  assert.equal(back.probability(alone, 'devon', 'Location'), p);
  assert.equal(pooled.toJSON().typeContext, undefined);
});

/** `n` examples, one document each, whose labels have nothing to do with their features (a seeded draw). */
function noise(n: number): MentionExample[] {
  let state = 12345;
  const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const free = MENTION_FEATURE_NAMES.filter((name) => !['bias', 'surfaceMemory', 'surfaceSeen', 'typeMemory', 'typeSeen'].includes(name));
  return Array.from({ length: n }, (_, i) => ({ features: vec(Object.fromEntries(free.map((name) => [name, next() < 0.5 ? 1 : 0]))), surface: `n${i}`, label: next() < 0.4, group: `d${i}` }));
}

void test('bagging: the probability is the mean of the bagged models, deterministic, kept by JSON', () => {
  const data = noise(80);
  const s = MentionScorer.fit(data, { bags: 7, threshold: 0.5 });
  const json = s.toJSON();
  assert.equal(json.bagWeights?.length, 7);
  const x = data[3].features;
  const mean = (json.bagWeights ?? []).reduce((a, w) => a + 1 / (1 + Math.exp(-w.reduce((t, v, k) => t + v * x[k], 0))), 0) / 7;
  assert.ok(Math.abs(s.probability(x, 'unseen', 'unseen type') - mean) < 1e-12);
  assert.notEqual(s.probability(x, 'unseen'), MentionScorer.fit(data, { threshold: 0.5 }).probability(x, 'unseen'), 'not the single fit');
  assert.deepEqual(MentionScorer.fit(data, { bags: 7, threshold: 0.5 }).toJSON(), json);
  const back = MentionScorer.fromJSON(JSON.parse(JSON.stringify(json)));
  for (const e of data.slice(0, 10)) assert.equal(back.probability(e.features, e.surface), s.probability(e.features, e.surface));
  assert.equal(MentionScorer.fit(data).toJSON().bagWeights, undefined);
  assert.throws(() => MentionScorer.fromJSON({ ...json, bagWeights: [[1, 2]] }, 'z.json'), /z\.json: bagWeights/);
});

void test('bagging: the threshold from the out-of-bag probabilities does not trust what the fit learnt of noise', () => {
  // Labels independent of the features: fitted in-sample, 25 features over 60 documents separate them well and
  // the best threshold lies in the middle; out of bag they tell nothing, and the best F1 is to take every span.
  const data = noise(60);
  const inSample = MentionScorer.fit(data, { bags: 15, bagUse: 'in-sample' });
  const outOfBag = MentionScorer.fit(data, { bags: 15 });
  assert.ok(inSample.threshold >= 0.25, `in-sample ${inSample.threshold}`);
  assert.ok(outOfBag.threshold <= 0.1, `out of bag ${outOfBag.threshold}`);
  assert.deepEqual(inSample.weights, outOfBag.weights, 'the same bags');
  // bagUse 'threshold': the single fit scores, with the out-of-bag threshold.
  const single = MentionScorer.fit(data);
  const thresholdOnly = MentionScorer.fit(data, { bags: 15, bagUse: 'threshold' });
  assert.deepEqual(thresholdOnly.weights, single.weights);
  assert.equal(thresholdOnly.threshold, outOfBag.threshold);
  assert.ok(single.threshold >= 0.25, `single ${single.threshold}`);
});

void test("the 'half-f1' threshold is half the best F1 over every cut of the probabilities", () => {
  // Sorted: 0.9 (+), 0.8 (+), 0.6 (-), 0.4 (+), 0.2 (-), 0.1 (-); 3 positives. Cuts: F1 2/4, 4/5, 4/6, 6/7, 6/8, 6/9.
  const p = [0.9, 0.1, 0.8, 0.2, 0.6, 0.4];
  const labels = [true, false, true, false, false, true].map((label) => ({ label }));
  assert.ok(Math.abs(halfBestF1(p, labels) - 3 / 7) < 1e-12);
  // Ties are cut together: two spans at 0.5, one a mention, F1 2/3 (not 1 for the first alone).
  assert.ok(Math.abs(halfBestF1([0.5, 0.5], [{ label: true }, { label: false }]) - 1 / 3) < 1e-12);
  const data: MentionExample[] = [];
  for (let i = 0; i < 40; i++) data.push({ features: vec({}), surface: `x${i}`, label: i < 10, group: 'one' });
  // One probability for all (0.25): the only cut takes all, F1 0.4, threshold 0.2 (the 'auto' one is 0.25).
  assert.ok(Math.abs(MentionScorer.fit(data, { threshold: 'half-f1' }).threshold - 0.2) < 1e-12);
});
