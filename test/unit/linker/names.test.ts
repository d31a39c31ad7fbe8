import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseName, entityNames } from '../../../src/core/linker/names';

void test('base names drop a parenthetical or a single capitalised comma qualifier', () => {
  assert.equal(baseName('Mercury (planet)'), 'Mercury');
  assert.equal(baseName('Dublin, Ohio'), 'Dublin');
  assert.equal(baseName('Washington, D.C.'), 'Washington');
  assert.equal(baseName('Crosby, Stills, Nash & Young'), undefined);
  assert.equal(baseName('Dublin'), undefined);
  assert.equal(baseName('Paris, the city of light'), undefined);
  assert.deepEqual(entityNames({ title: 'Dublin, Ohio', aliases: ['Dublin, Ohio', ''] }), ['Dublin, Ohio', 'Dublin']);
});
