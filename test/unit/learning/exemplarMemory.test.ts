import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { ExemplarMemory } from '../../../src/core/learning/exemplarMemory';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

void test('the centroid of unit exemplars: cosine to it, 0 for an entity without exemplars', () => {
  const m = new ExemplarMemory();
  m.observe('bank%river', v(1, 0, 0));
  m.observe('bank%river', v(0, 2, 0)); // normalised: weighs as much as the first
  m.observe('bank%money', v(0, 0, 5));
  assert.equal(m.count('bank%river'), 2);
  assert.equal(m.size, 2);
  // The centroid of (1,0,0) and (0,1,0) is along (1,1,0).
  assert.ok(Math.abs(m.similarity('bank%river', v(1, 1, 0)) - 1) < 1e-6);
  assert.ok(Math.abs(m.similarity('bank%river', v(1, 0, 0)) - Math.SQRT1_2) < 1e-6);
  assert.equal(m.similarity('bank%money', v(1, 1, 0)), 0);
  assert.ok(m.similarity('bank%money', v(0, 0.1, 1)) > 0.99);
  assert.equal(m.similarity('unknown', v(1, 0, 0)), 0);
  assert.equal(m.similarity('bank%river', v(1, 0)), 0, 'another encoder: no signal');
  m.observe('bank%river', v(0, 0, 0));
  assert.equal(m.count('bank%river'), 2, 'a zero vector is ignored');
  assert.throws(() => m.observe('x', v(1, 0)), (e: unknown) => LinkerError.is(e, 'usage'));
});

void test('bounded: beyond maxEntities the entity updated longest ago is dropped', () => {
  const m = new ExemplarMemory({ maxEntities: 2 });
  m.observe('a', v(1, 0));
  m.observe('b', v(0, 1));
  m.observe('a', v(1, 1)); // a is now the most recent
  m.observe('c', v(1, 0));
  assert.equal(m.size, 2);
  assert.equal(m.count('b'), 0);
  assert.equal(m.count('a'), 2);
  assert.equal(m.count('c'), 1);
});

void test('JSON round trip, merge adds up, and a malformed memory is an error naming the file', () => {
  const m = new ExemplarMemory();
  m.observe('a', v(0.6, 0.8));
  m.observe('b', v(1, 0));
  const json = JSON.parse(JSON.stringify(m.toJSON()));
  const back = ExemplarMemory.fromJSON(json);
  assert.deepEqual(back.toJSON(), m.toJSON());
  assert.ok(Math.abs(back.similarity('a', v(0.6, 0.8)) - 1) < 1e-6);
  const other = new ExemplarMemory();
  other.observe('a', v(-0.6, 0.8));
  other.observe('c', v(0, 1));
  const merged = ExemplarMemory.fromJSON(ExemplarMemory.merge(m.toJSON(), other.toJSON()));
  assert.equal(merged.count('a'), 2);
  assert.equal(merged.count('c'), 1);
  assert.ok(Math.abs(merged.similarity('a', v(0, 1)) - 1) < 1e-6, 'the sums add up: (0.6,0.8) + (-0.6,0.8) points along y');
  const isFormat = (e: unknown): boolean => LinkerError.is(e, 'inputFormat') && e.location?.file === 'learned.json';
  assert.throws(() => ExemplarMemory.fromJSON({ version: 2 }, 'learned.json'), isFormat);
  assert.throws(() => ExemplarMemory.fromJSON({ version: 1, dims: 2, entities: { a: { n: 1, sum: 'AAAA' } } }, 'learned.json'), isFormat);
  assert.throws(() => ExemplarMemory.fromJSON({ version: 1, dims: 2, entities: { a: { n: 0, sum: json.entities.a.sum } } }, 'learned.json'), isFormat);
});

void test('forget takes one exemplar back out of its centroid; the last one takes the entity with it', () => {
  const m = new ExemplarMemory();
  m.observe('Q1', [1, 0]);
  m.observe('Q1', [0, 2]);
  assert.equal(m.count('Q1'), 2);
  m.forget('Q1', [0, 2]);
  assert.equal(m.count('Q1'), 1);
  assert.ok(Math.abs(m.similarity('Q1', [1, 0]) - 1) < 1e-6, 'the centroid is the remaining exemplar again');
  m.forget('Q1', [5, 5, 5]);
  assert.equal(m.count('Q1'), 1, 'a vector of other dimensions is ignored');
  m.forget('Q1', [1, 0]);
  assert.equal(m.count('Q1'), 0);
  assert.equal(m.size, 0);
  assert.equal(m.similarity('Q1', [1, 0]), 0);
});
