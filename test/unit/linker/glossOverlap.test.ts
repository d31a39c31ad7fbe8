import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentWords, contextWords, descriptionWords, glossOverlap } from '../../../src/core/linker/glossOverlap';

const bank = (id: string, text: string) => ({ id, title: 'bank', aliases: [], text });
const RIVER = bank('river', 'sloping land beside a body of water; "they pulled the canoe up on the bank"');
const MONEY = bank('money', 'a financial institution that accepts deposits and channels the money into lending activities');

void test('content words: folded, no stop words or short words, plural "s" stripped', () => {
  assert.deepEqual(contentWords('The Deposits of an old bank'), ['deposit', 'old', 'bank']);
});

void test('the sense whose gloss shares the context\'s words gets the higher glossOverlap; the mention\'s own word does not count', () => {
  const text = 'She paid the money into her account at the bank, and the deposits earned interest.';
  const start = text.indexOf('bank');
  const around = contextWords(text, { start, end: start + 4 });
  assert.ok(around.has('money') && around.has('deposit'));
  assert.ok(!around.has('bank'));
  const money = glossOverlap(around, descriptionWords(MONEY));
  const river = glossOverlap(around, descriptionWords(RIVER));
  assert.ok(money > river, `${money} vs ${river}`);
  assert.equal(river, 0);
  assert.ok(Math.abs(money - Math.log(3) / Math.log(11)) < 1e-12, 'two shared words: money, deposit');
  assert.equal(glossOverlap(new Set(['a', 'b']), new Set()), 0);
});
