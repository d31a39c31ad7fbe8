import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenStates } from '../../../src/core/encoder/encoder';
import { composeProjection, fitPrincipalBasis, reduceStates } from '../../../src/core/som/principalBasis';
import { projectStates } from '../../../src/core/som/somScorer';
import { SeededRandom } from '../../../src/core/training/seededRandom';

void test('the basis finds the dominant directions, and projection after reduction equals the composed projection', () => {
  const rng = new SeededRandom(5);
  const dims = 8;
  // Energy along axes 2 (largest) and 6, a little noise elsewhere.
  const rows = Array.from({ length: 200 }, () => Array.from({ length: dims }, (_, d) => (d === 2 ? 3 : d === 6 ? 1.5 : 0.1) * (rng.next() * 2 - 1)));
  const states: TokenStates = { tokens: rows.length, dims, data: Float32Array.from(rows.flat()) };
  const basis = fitPrincipalBasis([states], 2);
  assert.ok(Math.abs(basis.rows[2]!) > 0.99 && Math.abs(basis.rows[dims + 6]!) > 0.99, Array.from(basis.rows).map((x) => x.toFixed(2)).join(' '));
  assert.ok(basis.kept > 0.95 && basis.kept <= 1.0001, String(basis.kept));
  const p = Float32Array.from({ length: 3 * 2 }, () => rng.next() - 0.5);
  const viaReduced = projectStates(reduceStates(states, basis, 5), p, 3);
  const direct = projectStates(states, composeProjection(p, 3, basis), 3, 5);
  assert.equal(direct.tokens, 5);
  direct.data.forEach((x, i) => assert.ok(Math.abs(x - viaReduced.data[i]!) < 1e-5));
});
