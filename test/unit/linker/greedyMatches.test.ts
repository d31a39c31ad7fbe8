import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greedyLongestMatches } from '../../../src/core/linker/greedyMatches';
import { tokenize } from '../../../src/core/linker/tokens';

void test('greedy longest match: the longest at each word, then after it; none starting at a non-word; no overlaps', () => {
  const tokens = tokenize('New York City , New Jersey and York');
  const names = [['new', 'york', 'city'], ['new', 'york'], ['york', 'city'], ['new', 'jersey'], ['york'], [',']];
  const longestAt = (i: number): string[] | undefined => names.filter((n) => n.every((w, k) => tokens[i + k]?.folded === w)).sort((a, b) => b.length - a.length)[0];
  const found = greedyLongestMatches(tokens, longestAt, (m, first) => first + m.length - 1).map(({ first, last }) => tokens.slice(first, last + 1).map((t) => t.surface).join(' '));
  assert.deepEqual(found, ['New York City', 'New Jersey', 'York']);
});
