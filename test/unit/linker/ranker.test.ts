import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, HAND_SET_RANKER_WEIGHTS, loadRankerWeights, parseRankerWeights, serializeRankerWeights, softmax } from '../../../src/core/linker/ranker';
import { rankMention } from '../../../src/core/linker/rankMention';
import type { CandidateInput } from '../../../src/core/linker/rankMention';
import { LinkerError } from '../../../src/core/errors';
import { TEST_WEIGHTS, TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

const span = { start: 0, end: 6, text: 'Dublin' };
const decision = { nilThreshold: 0, minScore: -Infinity, topK: 10, hardNegatives: 5 };
const inputs: CandidateInput[] = [
  { row: 1, retrievedBy: ['dense', 'lexical'], dense: 0.5, lexical: 0.6, exactName: false, exactTitle: false },
  { row: 0, retrievedBy: ['dense', 'lexical'], dense: 0.7, lexical: 1, exactName: true, exactTitle: true },
  { row: 10, retrievedBy: ['lexical'], lexical: 0.3, exactName: false, exactTitle: false },
  { row: 11, retrievedBy: ['dense'], dense: 0.2, lexical: 0, exactName: false, exactTitle: false },
];

void test('candidates come best first with probabilities summing to 1 and the margin to the second', () => {
  const m = rankMention(span, inputs, TINY_ENTITIES, TEST_WEIGHTS, decision);
  assert.equal(m.candidates[0].id, 'Q1');
  for (let i = 1; i < m.candidates.length; i++) assert.ok(m.candidates[i - 1].score >= m.candidates[i].score);
  const sum = m.candidates.reduce((a, c) => a + c.probability, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `sum ${sum}`);
  assert.equal(m.margin, m.candidates[0].score - m.candidates[1].score);
  assert.equal(m.nil, false);
  assert.equal(m.candidates[0].features?.length, FEATURE_NAMES.length);
});

void test('hard negatives are the best other entities and never the chosen one', () => {
  const m = rankMention(span, inputs, TINY_ENTITIES, TEST_WEIGHTS, { ...decision, hardNegatives: 2 });
  assert.deepEqual(m.hardNegatives.map((c) => c.id), m.candidates.slice(1, 3).map((c) => c.id));
  assert.ok(!m.hardNegatives.some((c) => c.id === m.candidates[0].id));
});

void test('a dense score the retriever did not return is imputed from the lowest one and flagged', () => {
  const m = rankMention(span, inputs, TINY_ENTITIES, TEST_WEIGHTS, decision);
  const liffey = m.candidates.find((c) => c.id === 'Q11');
  assert.equal(liffey?.signals.dense, undefined);
  const f = liffey?.features ?? [];
  assert.equal(f[FEATURE_NAMES.indexOf('dense')], 0.2);
  assert.equal(f[FEATURE_NAMES.indexOf('denseMissing')], 1);
});

void test('NIL when the best probability or score is under the threshold; then every candidate is a negative', () => {
  const lowProb = rankMention(span, inputs, TINY_ENTITIES, TEST_WEIGHTS, { ...decision, nilThreshold: 0.999 });
  assert.equal(lowProb.nil, true);
  assert.equal(lowProb.hardNegatives[0].id, lowProb.candidates[0].id);
  const lowScore = rankMention(span, inputs, TINY_ENTITIES, TEST_WEIGHTS, { ...decision, minScore: 1000 });
  assert.equal(lowScore.nil, true);
  const none = rankMention(span, [], TINY_ENTITIES, TEST_WEIGHTS, decision);
  assert.equal(none.nil, true);
  assert.equal(none.margin, Infinity);
  const one = rankMention(span, inputs.slice(0, 1), TINY_ENTITIES, TEST_WEIGHTS, decision);
  assert.equal(one.margin, Infinity);
  assert.equal(one.candidates[0].probability, 1);
});

void test('topK cuts the list but not the softmax', () => {
  const all = rankMention(span, inputs, TINY_ENTITIES, TEST_WEIGHTS, decision);
  const top1 = rankMention(span, inputs, TINY_ENTITIES, TEST_WEIGHTS, { ...decision, topK: 1 });
  assert.equal(top1.candidates.length, 1);
  assert.equal(top1.candidates[0].probability, all.candidates[0].probability);
});

void test('softmax is stable for large scores', () => {
  const p = softmax([1000, 999]);
  assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-12);
  assert.ok(p[0] > p[1]);
});

void test('ranker.json: absent gives defaults, partial overrides, bad files raise a located inputFormat error', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ranker-'));
  assert.equal(await loadRankerWeights(dir), DEFAULT_RANKER_WEIGHTS);
  await writeFile(path.join(dir, 'ranker.json'), JSON.stringify({ version: 1, weights: { dense: 3 }, nilThreshold: 0.4 }));
  const w = await loadRankerWeights(dir);
  assert.equal(w.weights.dense, 3);
  assert.equal(w.weights.lexical, HAND_SET_RANKER_WEIGHTS.weights.lexical, 'a version-1 file keeps the version-1 weights it omits');
  assert.equal(w.nilThreshold, 0.4);
  assert.throws(() => parseRankerWeights('{', 'x/ranker.json'), (e: unknown) => LinkerError.is(e, 'inputFormat') && e.location.file === 'x/ranker.json');
  assert.throws(() => parseRankerWeights('{"version":1,"weights":{"popularity":1}}'), (e: unknown) => LinkerError.is(e, 'inputFormat'));
  assert.throws(() => parseRankerWeights('{"weights":{}}'), (e: unknown) => LinkerError.is(e, 'inputFormat'));
});

void test('ranker.json version 2 names the new features; version 1 files still load; serialising picks the version', () => {
  const v2 = parseRankerWeights('{"version":2,"weights":{"dense":3,"annotatorPrior":4}}');
  assert.deepEqual(v2.weights, { dense: 3, annotatorPrior: 4 });
  const v1 = parseRankerWeights('{"version":1,"weights":{"dense":3}}');
  assert.equal(v1.weights.lexical, 8, 'a version-1 file keeps the version-1 defaults for what it omits');
  assert.equal(v1.weights.annotatorPrior, undefined);
  assert.throws(() => parseRankerWeights('{"version":1,"weights":{"annotatorPrior":1}}'), (e: unknown) => LinkerError.is(e, 'inputFormat'));
  assert.throws(() => parseRankerWeights('{"version":2,"weights":{"popularity":1}}'), (e: unknown) => LinkerError.is(e, 'inputFormat'));
  const written = serializeRankerWeights(v2);
  assert.equal(written.version, 2);
  assert.deepEqual(parseRankerWeights(JSON.stringify(written)).weights, Object.fromEntries(FEATURE_NAMES.map((n) => [n, n === 'dense' ? 3 : n === 'annotatorPrior' ? 4 : 0])));
  assert.equal(serializeRankerWeights(v1).version, 1);
});

void test('ranker.json version 3: hidden units change the ranking; malformed units name the file; hidden needs version 3', () => {
  // A unit that fires for a candidate without an exact name lifts the non-exact one above the exact one.
  const v3 = parseRankerWeights(JSON.stringify({ version: 3, weights: { exactName: 1 }, hidden: [{ bias: 5, weights: { exactName: -10 }, out: 4 }] }), 'm/ranker.json');
  const linear = { ...v3, hidden: undefined };
  const two: CandidateInput[] = [inputs[0], inputs[1]];
  assert.equal(rankMention(span, two, TINY_ENTITIES, linear, decision).candidates[0].id, TINY_ENTITIES[0].id);
  assert.equal(rankMention(span, two, TINY_ENTITIES, v3, decision).candidates[0].id, TINY_ENTITIES[1].id);
  const bad = (json: unknown, what: RegExp): void =>
    assert.throws(() => parseRankerWeights(JSON.stringify(json), 'm/ranker.json'), (e: unknown) => LinkerError.is(e, 'inputFormat') && what.test((e as Error).message) && JSON.stringify(e).includes('m/ranker.json'));
  bad({ version: 3, weights: {}, hidden: {} }, /not an array/);
  bad({ version: 3, weights: {}, hidden: [{ bias: 'x', weights: {}, out: 1 }] }, /hidden\[0\]\.bias/);
  bad({ version: 3, weights: {}, hidden: [{ bias: 0, weights: { popularity: 1 }, out: 1 }] }, /hidden\[0\]\.weights/);
  bad({ version: 2, weights: {}, hidden: [] }, /version 3/);
  bad({ version: 5, weights: {} }, /1, 2, 3 or 4/);
  assert.equal(serializeRankerWeights(linear).version, 1, 'no hidden units and only version-1 features: written as version 1');
});

void test('ranker.json: an overflowing weight (1e999) and a string weight are named as such, an unknown feature as unknown', () => {
  const check = (raw: string, pattern: RegExp): void => {
    assert.throws(() => parseRankerWeights(raw, '/m/ranker.json'), (e: unknown) => LinkerError.is(e, 'inputFormat') && pattern.test((e as Error).message));
  };
  check('{"version": 2, "weights": {"dense": 1e999}}', /weight of "dense" .* Infinity \(not a finite number/);
  check('{"version": 2, "weights": {"dense": "2"}}', /weight of "dense" .* not a number \("2"\)/);
  check('{"version": 2, "weights": {"densee": 1}}', /Unknown ranker feature for version 2 .*"densee"/);
});
