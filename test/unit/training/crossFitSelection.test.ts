import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, type FeatureName, type RankerWeights } from '../../../src/core/linker/ranker';
import { type FoldMention, crossFit, documentFolds, mergeEqualUnits, otherFolds, rowsCorrect } from '../../../src/core/training/crossFitSelection';
import { SeededRandom } from '../../../src/core/training/seededRandom';

const at = (name: FeatureName): number => FEATURE_NAMES.indexOf(name);

/** A mention whose candidates differ in two features: `lexical` (1 on the gold when `lexicalRight`) and `dense` (noise). */
function mention(rng: SeededRandom, lexicalRight: boolean): FoldMention {
  const features = Array.from({ length: 4 }, () => {
    const row = new Array<number>(FEATURE_NAMES.length).fill(0);
    row[at('dense')] = rng.next();
    return row;
  });
  features[lexicalRight ? 0 : 1]![at('lexical')] = 1;
  return { features, gold: 0 };
}

void test('documentFolds deals every document into exactly one of k near-equal folds, by seed and key only', () => {
  const docs = Array.from({ length: 10 }, (_, i) => ({ id: `d${i}` }));
  const folds = documentFolds(docs, 3, 1, (d) => d.id);
  assert.deepEqual(folds.map((f) => f.length).sort(), [3, 3, 4]);
  assert.deepEqual(folds.flat().map((d) => d.id).sort(), docs.map((d) => d.id).sort());
  assert.deepEqual(documentFolds([...docs].reverse(), 3, 1, (d) => d.id).map((f) => f.map((d) => d.id).sort()), folds.map((f) => f.map((d) => d.id).sort()), 'input order does not matter');
  assert.notDeepEqual(documentFolds(docs, 3, 2, (d) => d.id).map((f) => f.map((d) => d.id).sort()), folds.map((f) => f.map((d) => d.id).sort()), 'the seed does');
  assert.deepEqual(otherFolds(folds, 1).length, 10 - folds[1]!.length);
  assert.throws(() => documentFolds(docs, 1, 1, (d) => d.id), RangeError);
});

void test('rowsCorrect counts a mention right only when its gold scores strictly highest; an unretrieved gold is wrong', () => {
  const rng = new SeededRandom(1);
  const w: RankerWeights = { version: 2, weights: { lexical: 1 } };
  assert.equal(rowsCorrect(w, [mention(rng, true), mention(rng, false), { features: [], gold: -1 }]), 1);
  assert.equal(rowsCorrect({ version: 2, weights: {} }, [mention(rng, true)]), 0, 'a tie is not a win');
});

void test('crossFit refits out of fold where the data teach something, and scores the base weights on the same rows', () => {
  const rng = new SeededRandom(2);
  // The gold always has lexical = 1: a base that weighs lexical negatively is wrong, the refit learns it.
  const wrongBase: RankerWeights = { ...DEFAULT_RANKER_WEIGHTS, weights: { ...DEFAULT_RANKER_WEIGHTS.weights, lexical: -3 } };
  const folds = [0, 1, 2].map(() => Array.from({ length: 40 }, () => mention(rng, true)));
  const fit = crossFit(folds, wrongBase, { seed: 1 });
  assert.equal(fit.mentions, 120);
  assert.ok(fit.baseAccuracy < 0.5, `base ${fit.baseAccuracy}`);
  assert.ok(fit.refitAccuracy > fit.baseAccuracy + 0.25, `refit ${fit.refitAccuracy} vs base ${fit.baseAccuracy}`);
  assert.ok((fit.weights.weights.lexical ?? 0) > -2, 'the shipped ranker (the fold rankers averaged) moved toward the data');
  assert.match(fit.weights.source ?? '', /average of 3 rankers/);
  assert.equal(fit.examples, 120);
  assert.equal(fit.l2, 5, 'the weakest pull toward the wrong base wins out of fold');
  assert.deepEqual(Object.keys(fit.byL2).sort(), ['5', '50', '500']);
  assert.ok(fit.byL2['5']! > fit.byL2['500']!, JSON.stringify(fit.byL2));
});

void test('crossFit keeps the strongest pull toward the base when every pull scores the same, and a fixed l2 is the only one tried', () => {
  const rng = new SeededRandom(3);
  const right: RankerWeights = { version: 2, weights: { lexical: 5 } };
  const folds = [0, 1, 2].map(() => Array.from({ length: 20 }, () => mention(rng, true)));
  const fit = crossFit(folds, right, { seed: 1 });
  assert.equal(fit.baseAccuracy, 1);
  assert.equal(fit.refitAccuracy, 1);
  assert.equal(fit.l2, 500);
  assert.deepEqual(Object.keys(crossFit(folds, right, { seed: 1, l2: 7 }).byL2), ['7']);
});

void test('rowsCorrect scores a mention with the profile of its candidates’ KB kind (version-4 ranker)', () => {
  const rng = new SeededRandom(4);
  const profiled: RankerWeights = { version: 4, weights: { lexical: -1 }, profiles: { entities: { weights: { lexical: 1 } } } };
  const m = mention(rng, true);
  assert.equal(rowsCorrect(profiled, [{ ...m, profile: 'entities' }]), 1);
  assert.equal(rowsCorrect(profiled, [{ ...m, profile: 'senses' }]), 0, 'no senses profile: the top-level weights');
});

void test('mergeEqualUnits sums the outputs of hidden units with the same inputs (averaged fold refits of a version-3 parent)', () => {
  const unit = { bias: 0.2, weights: { dense: 1.5 }, out: 0.3 };
  const merged = mergeEqualUnits({ version: 3, weights: {}, hidden: [unit, { ...unit, out: 0.1 }, { ...unit, bias: 0.5 }] });
  assert.deepEqual(merged.hidden?.map((u) => [u.bias, u.out]), [[0.2, 0.4], [0.5, 0.3]]);
});
