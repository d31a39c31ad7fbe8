import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TEMPLATE, entityText, mentionText, paragraphAround, templateId } from '../../../src/core/linker/textTemplates';

const words = (n: number, prefix: string): string => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');

void test('mention text marks the mention and splits the word budget evenly', () => {
  const text = `${words(40, 'l')} Emerson ${words(40, 'r')}`;
  const start = text.indexOf('Emerson');
  const m = mentionText(text, { start, end: start + 7 }, { ...DEFAULT_TEMPLATE, contextWords: 10 });
  assert.equal(m, 'l35 l36 l37 l38 l39 [ Emerson ] r0 r1 r2 r3 r4');
});

void test('a short side hands its budget to the other', () => {
  const text = `a b Emerson ${words(40, 'r')}`;
  const m = mentionText(text, { start: 4, end: 11 }, { ...DEFAULT_TEMPLATE, contextWords: 10 });
  assert.equal(m, `a b [ Emerson ] ${words(8, 'r')}`);
});

void test('context stays inside the paragraph and trims a cut side to a sentence boundary', () => {
  const para = 'Omega omega alpha. Beta gamma delta epsilon Emerson zeta eta theta iota kappa. Lambda mu nu.';
  const text = `Other paragraph words here.\n\n${para}\n\nNext.`;
  const start = text.indexOf('Emerson');
  assert.equal(text.slice(...paragraphAround(text, { start, end: start + 7 })), para);
  const m = mentionText(text, { start, end: start + 7 }, { ...DEFAULT_TEMPLATE, contextWords: 12 });
  // Both sides were cut at 6 words; each is trimmed back to the sentence boundary in its outer third.
  assert.equal(m, 'Beta gamma delta epsilon [ Emerson ] zeta eta theta iota kappa.');
  const whole = mentionText(text, { start, end: start + 7 }, { ...DEFAULT_TEMPLATE, contextWords: 100 });
  assert.equal(whole, 'Omega omega alpha. Beta gamma delta epsilon [ Emerson ] zeta eta theta iota kappa. Lambda mu nu.');
});

void test('entity text is title, separator, description cut by words and characters', () => {
  assert.equal(entityText({ title: 'Ralph Waldo Emerson', text: 'American  philosopher,\nessayist' }), 'Ralph Waldo Emerson | American philosopher, essayist');
  assert.equal(entityText({ title: 'X', text: '' }), 'X');
  const long = entityText({ title: 'T', text: words(100, 'w') }, { ...DEFAULT_TEMPLATE, entityWords: 5 });
  assert.equal(long, 'T | w0 w1 w2 w3 w4');
  const chars = entityText({ title: 'T', text: 'aaaa bbbb cccc dddd' }, { ...DEFAULT_TEMPLATE, entityChars: 12 });
  assert.equal(chars, 'T | aaaa bbbb');
});

void test('the template id changes with every template option', () => {
  const base = templateId();
  assert.notEqual(templateId({ ...DEFAULT_TEMPLATE, contextWords: 32 }), base);
  assert.notEqual(templateId({ ...DEFAULT_TEMPLATE, separator: ':' }), base);
  assert.notEqual(templateId({ ...DEFAULT_TEMPLATE, markers: ['<', '>'] }), base);
});
