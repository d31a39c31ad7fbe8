import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName } from '../../../src/host/panels/nameMatch';

void test('the closest name is measured: one shared token is not a full match', () => {
  const m = closestName('LA', { title: 'Lindsay Lohan', aliases: ['La Lohan', 'LiLo'] });
  assert.ok(m !== undefined);
  assert.equal(m.name, 'La Lohan');
  assert.equal(m.kind, 'alias');
  assert.deepEqual(m.tokens, ['la']);
  // Padded trigrams: 4 for "la", 10 for "la lohan"; the two at the start are shared -> 2 / sqrt(4 * 10).
  assert.ok(Math.abs(m.similarity - 2 / Math.sqrt(40)) < 1e-9, `similarity ${m.similarity}`);
  assert.ok(m.similarity < 0.6);
});

void test('an exact title or alias scores 1, accents and case aside; unrelated names give nothing', () => {
  assert.deepEqual(closestName('Los Angeles', { title: 'Los Angeles', aliases: ['LA'] }), { name: 'Los Angeles', kind: 'title', tokens: ['los', 'angeles'], similarity: 1 });
  assert.equal(closestName('zurich', { title: 'Zürich', aliases: [] })?.similarity, 1);
  assert.equal(closestName('Paris (France)', { title: 'Paris (France)', aliases: [] })?.kind, 'title');
  assert.equal(closestName('Dublin', { title: 'Dublin (band)', aliases: [] })?.kind, 'base name');
  assert.equal(closestName('xyz', { title: 'Apple', aliases: [] }), undefined);
  assert.equal(closestName('', { title: 'Apple', aliases: [] }), undefined);
});
