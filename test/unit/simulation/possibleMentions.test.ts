import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextInQueue } from '../../../src/core/simulation/documentQueue';
import { caretKeys, possibleKeys, resizeKeys } from '../../../src/core/simulation/keyCosts';
import { nameAtCaret, possibleMentions, possibleSteps, stepPossible } from '../../../src/core/simulation/possibleMentions';

const texts = (text: string, spans: readonly { start: number; end: number }[]): string[] => spans.map((s) => text.slice(s.start, s.end));

void test('possible mentions: capitalised runs, content words and pronouns that no mention covers', () => {
  const text = 'In 1991 Linda Buck became an assistant professor at the University of Turin, where he taught.';
  assert.deepEqual(texts(text, possibleMentions(text, [])), ['Linda Buck', 'became', 'assistant', 'professor', 'University of Turin', 'Turin', 'he', 'taught']);
  const taken = [{ start: text.indexOf('Linda'), end: text.indexOf('Linda') + 'Linda Buck'.length }];
  assert.deepEqual(texts(text, possibleMentions(text, taken)).slice(0, 2), ['became', 'assistant']);
});

void test('a capitalised function word before a run makes a stop with it ("New York"), as Link Selection at the caret takes it', () => {
  const text = 'The artist settled in New York, where Rico Lebrun worked.';
  const spans = possibleMentions(text, []);
  assert.deepEqual(texts(text, spans), ['artist', 'settled', 'New York', 'York', 'Rico Lebrun', 'worked']);
  // One press from "settled" selects the whole name (before: "York" alone, then Ctrl+Shift+Left cannot reach "New").
  const settled = text.indexOf('settled');
  assert.equal(possibleKeys(text, spans, settled, settled + 'settled'.length, text.indexOf('New'), text.indexOf(',')), 1);
  // A sentence-initial "The" with a run after it offers the whole too; a line break in between does not.
  assert.deepEqual(texts('The Hague is far.', possibleMentions('The Hague is far.', [])).slice(0, 2), ['The Hague', 'Hague']);
  assert.deepEqual(texts('Go to New\nYork.', possibleMentions('Go to New\nYork.', [])), ['Go', 'York']);
});

void test('Next / Previous Possible Mention step from the selection and wrap round; steps take the cheaper direction', () => {
  const text = 'Paris hired the young rector of Troy.';
  const spans = possibleMentions(text, []);
  assert.deepEqual(texts(text, spans), ['Paris', 'hired', 'young', 'rector', 'Troy']);
  const troy = text.indexOf('Troy');
  assert.equal(texts(text, [stepPossible(spans, troy, troy + 4, -1)!])[0], 'rector');
  assert.equal(texts(text, [stepPossible(spans, troy, troy + 4, 1)!])[0], 'Paris');
  assert.equal(possibleSteps(spans, troy, troy + 4, text.indexOf('rector'))?.presses, 1);
  assert.equal(possibleSteps(spans, 0, 0, text.indexOf('hired'))?.presses, 2);
  assert.equal(possibleSteps(spans, 0, 0, text.indexOf('of')), undefined);
});

void test('a capitalised run around a shown mention is a stop, reached by Previous Possible Mention from the mention', () => {
  const text = 'He taught at the Polytechnic Institute of Turin and in Milan.';
  const turin = { start: text.indexOf('Turin'), end: text.indexOf('Turin') + 5 };
  const spans = possibleMentions(text, [turin]);
  assert.deepEqual(texts(text, spans), ['He', 'taught', 'Polytechnic Institute of Turin', 'Milan']);
  // From the suggested "Turin" (selected), one press back selects the whole name; forward goes on to "Milan".
  assert.equal(texts(text, [stepPossible(spans, turin.start, turin.end, -1)!])[0], 'Polytechnic Institute of Turin');
  assert.equal(texts(text, [stepPossible(spans, turin.start, turin.end, 1)!])[0], 'Milan');
  assert.equal(possibleSteps(spans, turin.start, turin.end, text.indexOf('Polytechnic'))?.presses, 1);
  // A run a shown mention only partly overlaps, or one that is itself shown, is no stop.
  const institute = { start: text.indexOf('Institute'), end: text.indexOf(' and') + 4 };
  assert.deepEqual(texts(text, possibleMentions(text, [institute])), ['He', 'taught', 'Milan']);
  const whole = { start: text.indexOf('Polytechnic'), end: turin.end };
  assert.deepEqual(texts(text, possibleMentions(text, [whole])), ['He', 'taught', 'Milan']);
  // A cursor (no selection) inside a word still steps back past it, as before.
  assert.equal(texts(text, [stepPossible(spans, text.indexOf('Milan') + 2, text.indexOf('Milan') + 2, -1)!])[0], 'Polytechnic Institute of Turin');
});

void test('the name after a particle of a run is a stop: Next from the whole run selects it, Previous meets it first', () => {
  const text = 'Speed served as Mayor of Southampton until his death.';
  const spans = possibleMentions(text, []);
  assert.deepEqual(texts(text, spans), ['Speed', 'served', 'Mayor of Southampton', 'Southampton', 'his', 'death']);
  const run = { start: text.indexOf('Mayor'), end: text.indexOf(' until') };
  const southampton = text.indexOf('Southampton');
  assert.equal(texts(text, [stepPossible(spans, run.start, run.end, 1)!])[0], 'Southampton');
  assert.equal(texts(text, [stepPossible(spans, southampton, run.end, 1)!])[0], 'his');
  assert.equal(texts(text, [stepPossible(spans, southampton, run.end, -1)!])[0], 'Mayor of Southampton');
  const death = text.indexOf('death');
  assert.equal(possibleSteps(spans, death, death + 5, southampton)?.presses, 2);
  // From the start: Previous wraps round to death, his, then the name (Next would take 4: Speed, served, the run, it).
  assert.equal(possibleKeys(text, spans, 0, 0, southampton, run.end), 3);
});

void test('possibleKeys extends a selection with Ctrl+Shift+Right or shrinks it with Ctrl+Shift+Left', () => {
  const text = 'She was an assistant professor at Turin Rita Levi here.';
  const spans = possibleMentions(text, []);
  const at = text.indexOf('assistant');
  // From the start: She, assistant (2 presses), then one Ctrl+Shift+Right over " professor".
  assert.equal(possibleKeys(text, spans, 0, 0, at, at + 'assistant professor'.length), 2 + 1);
  const turin = text.indexOf('Turin');
  // "Turin Rita Levi" is one run, the last possible mention ("here" is a function word): Previous Possible
  // Mention wraps round to it from the start (1), then Ctrl+Shift+Left back over "Levi" and "Rita" (2).
  assert.equal(possibleKeys(text, spans, 0, 0, turin, turin + 5), 1 + 2);
});

void test('the annotation queue: path order, each document once, the visited ones with nothing open skipped, no wrapping', () => {
  const docs = ['file:///w/b.txt', 'file:///w/a.txt', 'file:///w/c.md', 'file:///w/d.txt'];
  assert.equal(nextInQueue(docs, 'file:///w/a.txt', () => false), 'file:///w/b.txt');
  assert.equal(nextInQueue(docs, 'file:///w/a.txt', (d) => d.endsWith('b.txt')), 'file:///w/c.md');
  assert.equal(nextInQueue(docs, 'file:///w/d.txt', () => false), undefined);
});

void test('resizeKeys widens or narrows a selection that starts where the mention does', () => {
  const text = 'Basel, Switzerland and Blackpool, Lancashire, England.';
  const b = text.indexOf('Blackpool');
  // Blackpool -> Blackpool, Lancashire, England: ",", "Lancashire", ",", "England".
  assert.equal(resizeKeys(text, b, b + 'Blackpool'.length, b, b + 'Blackpool, Lancashire, England'.length), 4);
  // Basel, Switzerland -> Basel: back over "Switzerland" and "," (the comma touches Basel, no white space to trim).
  assert.equal(resizeKeys(text, 0, 'Basel, Switzerland'.length, 0, 'Basel'.length), 2);
  assert.equal(resizeKeys(text, 0, 5, 2, 5), Infinity);
});

void test('the name at the caret: the capitalised run around the word the caret is in or touches, else the word; caretKeys reaches it', () => {
  const text = 'She met the Mayor of Southampton and a young chemist.';
  const at = (word: string, k = 1): number => text.indexOf(word) + k;
  const slice = (s: { start: number; end: number } | undefined): string | undefined => (s === undefined ? undefined : text.slice(s.start, s.end));
  assert.equal(slice(nameAtCaret(text, at('Southampton', 3))), 'Mayor of Southampton', 'the whole run, particle included');
  assert.equal(slice(nameAtCaret(text, at('Mayor', 0))), 'Mayor of Southampton', 'at the start of the run');
  assert.equal(slice(nameAtCaret(text, at('chemist', 'chemist'.length))), 'chemist', 'a lower-case word, the caret at its end');
  assert.equal(slice(nameAtCaret(text, text.indexOf('.') + 1)), undefined, 'after the full stop: no word');
  const york = 'In New York the Mayor spoke.';
  assert.equal(york.slice(nameAtCaret(york, 4)!.start, nameAtCaret(york, 4)!.end), 'New York', 'a capitalised function word with the run after it');
  assert.equal(york.slice(nameAtCaret(york, 9)!.start, nameAtCaret(york, 9)!.end), 'York', 'from inside the run, only the run');
  assert.equal(york.slice(nameAtCaret(york, 1)!.start, nameAtCaret(york, 1)!.end), 'In', 'a sentence-initial "In" before another word is itself');
  // From the start: Ctrl+Right to the end of "Mayor" is four presses (She, met, the, Mayor); none when already in it.
  const mayor = { start: text.indexOf('Mayor'), end: text.indexOf(' and') };
  assert.equal(caretKeys(text, 0, mayor.start, mayor.end), 4);
  assert.equal(caretKeys(text, at('Mayor', 2), mayor.start, mayor.end), 0);
  // "Southampton" alone is not the name at the caret (the run is): the caret cannot link it.
  assert.equal(caretKeys(text, 0, text.indexOf('Southampton'), text.indexOf(' and')), Infinity);
});
