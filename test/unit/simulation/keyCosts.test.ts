import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracyByBlock, accuracyHalves } from '../../../src/core/simulation/blockAccuracy';
import { cursorKeys, DETECTION_KEYS, detectionOperatingPoint, selectionKeys } from '../../../src/core/simulation/keyCosts';
import { pickerKeys } from '../../../src/core/simulation/pickerKeys';
import { FakeLinker, TITLES } from './fakeSimulationLinker';

const text = 'She met Jack London, the writer, in San Francisco near the long bay.';
const span = (s: string): [number, number] => [text.indexOf(s), text.indexOf(s) + s.length];

void test('selecting a mention: word moves and one Ctrl+Shift+Right per word, or Find when that is cheaper', () => {
  const [a, b] = span('Jack London');
  // Ctrl+Right past "She", "met"; Ctrl+Shift+Right over "Jack", "London" (Find: Ctrl+F, "j", Escape, 2 more).
  assert.equal(selectionKeys(text, 0, a, b), 4);
  // From the end of the word before: no moves.
  assert.equal(selectionKeys(text, span('met')[1], a, b), 2);
  // Behind the cursor: Ctrl+Left would take six presses; Find "j" wraps round to it: Ctrl+F, j, Escape, then
  // Ctrl+Shift+Right to the end of "Jack" and of "London".
  assert.equal(selectionKeys(text, span(' in ')[0], a, b), 3 + 2);
  // "s" first finds "She": Ctrl+F, "s", Enter past it (or "sa"), Escape; Ctrl+Shift+Right over "San", "Francisco".
  const [c, d] = span('San Francisco');
  assert.equal(selectionKeys(text, 0, c, d), 4 + 2);
  // Far away behind an earlier occurrence: Ctrl+F, "e", Enter past the first "Eliot", Escape, Ctrl+Shift+Right.
  const repeated = `Eliot ${'a '.repeat(30)}Eliot.`;
  assert.equal(selectionKeys(repeated, 0, repeated.lastIndexOf('Eliot'), repeated.length - 1), 5);
  // A mention ending inside a word: the word selected, then Shift+Left for the rest ("Franc" of "Francisco").
  assert.equal(selectionKeys(text, c - 1, c, c + 9), 2 + 4);
});

void test('putting the cursor on a mention: Ctrl+Right to the end of its first word; none when already on it', () => {
  const [a, b] = span('Jack London');
  assert.equal(cursorKeys(text, 0, a, b), 3);
  assert.equal(cursorKeys(text, a + 2, a, b), 0);
});

void test('picker keys: arrows to a ranked candidate, else typing the title until the gold shows', () => {
  const linker = new FakeLinker(() => [], {});
  const ranked = (...ids: string[]) => ids.map((id) => ({ id, title: TITLES[id] }));
  const settings = { visibleRows: 10, searchLimit: 30 };
  assert.deepEqual(pickerKeys(ranked('city', 'hilton'), ['city'], linker, settings), { keys: 1, via: 'ranked' });
  assert.deepEqual(pickerKeys(ranked('city', 'hilton'), ['hilton'], linker, settings), { keys: 2, via: 'ranked' });
  // Rank 5 (5 keys by arrows): "T" keeps the ranked rows whose label or id contains a t (city, Paris Hilton,
  // Troy), Troy third: one character, two arrows, Enter.
  assert.deepEqual(pickerKeys(ranked('city', 'hilton', 'london', 'jack', 'troy'), ['troy'], linker, settings), { keys: 4, via: 'search' });
  // Not ranked: "H" finds Paris Hilton and Helen of Troy (in that order): one arrow down.
  assert.deepEqual(pickerKeys([], ['helen'], linker, settings), { keys: 3, via: 'search' });
  // With one visible row, typing goes on to "He".
  assert.deepEqual(pickerKeys([], ['helen'], linker, { ...settings, visibleRows: 1 }), { keys: 3, via: 'search' });
  // An entity the search cannot find: the whole title typed and Enter, counted unreachable.
  const blind = { searchKb: () => [], titleOf: (id: string) => TITLES[id] };
  assert.deepEqual(pickerKeys([], ['berlin'], blind, settings), { keys: 7, via: 'unreachable' });
});

void test('accuracy per block and per half', () => {
  const xs = [true, false, true, true, true];
  assert.deepEqual(accuracyByBlock(xs, 2), [0.5, 1, 1]);
  assert.deepEqual(accuracyHalves(xs), { first: 0.5, second: 1 });
  assert.deepEqual(accuracyHalves([]), { first: null, second: null });
});

void test('the detection operating point: propose when p * (miss - hit) > (1 - p) * false alarm', () => {
  assert.deepEqual(DETECTION_KEYS, { hit: 1, falseAlarm: 1, miss: 5 });
  assert.equal(detectionOperatingPoint(), 0.2);
  // A miss costing 8 keys (the sessions' average) would propose from 1/8 on; a miss no dearer than a hit never pays.
  assert.equal(detectionOperatingPoint({ hit: 1, falseAlarm: 1, miss: 9 }), 1 / 9);
  assert.equal(detectionOperatingPoint({ hit: 1, falseAlarm: 1, miss: 1 }), 1);
});
