import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headScore, identityHead, type HeadWeights } from '../../../src/core/encoder/finetuned/head';
import { contrastiveBatch, type ContrastiveExample } from '../../../src/core/training/contrastiveLoss';
import { SeededRandom } from '../../../src/core/training/seededRandom';

function randomHead(dims: number, rng: SeededRandom): HeadWeights {
  const h = identityHead(dims, 3);
  for (let i = 0; i < h.mention.length; i++) h.mention[i] = (rng.next() - 0.5) * 0.4;
  for (let i = 0; i < h.entity.length; i++) h.entity[i] = (rng.next() - 0.5) * 0.4;
  return h;
}

function lossOf(head: HeadWeights, mentions: Float32Array, entities: Float32Array, batch: ContrastiveExample[]): number {
  return contrastiveBatch(head, mentions, entities, batch, identityHead(head.dims, 1)).loss;
}

void test('contrastive loss gradient matches finite differences (mention map, entity map, log scale)', () => {
  const rng = new SeededRandom(3);
  const dims = 5;
  const head = randomHead(dims, rng);
  const mentions = Float32Array.from({ length: 2 * dims }, () => rng.next() - 0.5);
  const entities = Float32Array.from({ length: 6 * dims }, () => rng.next() - 0.5);
  // Row 2 is a candidate of both examples, so the per-batch sharing of entity rows is checked too.
  const batch: ContrastiveExample[] = [
    { mentionOffset: 0, candidates: [1, 2, 4, 5] },
    { mentionOffset: dims, candidates: [3, 2, 0], correction: [0, 0.3, -0.2] },
  ];
  const grad = identityHead(dims, 1);
  grad.logScale[0] = 0;
  contrastiveBatch(head, mentions, entities, batch, grad);
  const eps = 1e-3;
  const check = (name: string, param: Float32Array, analytic: Float32Array, index: number): void => {
    const saved = param[index]!;
    param[index] = saved + eps;
    const up = lossOf(head, mentions, entities, batch);
    param[index] = saved - eps;
    const down = lossOf(head, mentions, entities, batch);
    param[index] = saved;
    const numeric = (up - down) / (2 * eps);
    const a = analytic[index]!;
    assert.ok(Math.abs(numeric - a) <= 2e-3 + 2e-2 * Math.abs(numeric), `${name}[${index}]: analytic ${a}, numeric ${numeric}`);
  };
  for (const i of [0, 3, 7, 12, 18, 24]) {
    check('mention', head.mention, grad.mention, i);
    check('entity', head.entity, grad.entity, i);
  }
  check('logScale', head.logScale, grad.logScale, 0);
  assert.ok(Math.abs(grad.logScale[0]!) > 0, 'the scale gets a gradient');

  // With the entity side frozen (identity), the mention gradient is that of a zero entity residual.
  const frozenHead = { ...head, entity: new Float32Array(dims * dims) };
  const frozenGrad = identityHead(dims, 1);
  frozenGrad.logScale[0] = 0;
  const full = identityHead(dims, 1);
  full.logScale[0] = 0;
  contrastiveBatch(frozenHead, mentions, entities, batch, frozenGrad, { entityFrozen: true });
  contrastiveBatch(frozenHead, mentions, entities, batch, full);
  assert.ok(frozenGrad.entity.every((v) => v === 0));
  for (let i = 0; i < full.mention.length; i++) assert.ok(Math.abs(full.mention[i]! - frozenGrad.mention[i]!) < 1e-6);
});

void test('the identity head scores the scaled cosine of the base vectors', () => {
  const head = identityHead(3, 10);
  const x = Float32Array.of(1, 0, 0);
  const y = Float32Array.of(0.6, 0.8, 0);
  assert.ok(Math.abs(headScore(head, x, y) - 6) < 1e-5);
});
