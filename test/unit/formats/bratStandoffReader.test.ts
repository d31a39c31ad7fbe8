import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { parseBratStandoff } from '../../../src/core/formats/bratStandoffReader';

// Hand-edited brat .ann files whose mistakes used to change the gold silently: a duplicated T id replaced the
// first mention, a normalisation naming a T that does not exist was dropped (its mention exported as NIL).

const TEXT = 'Paris is in France.\n';
const where = { id: 'a', annFile: 'a.ann' };
const isErrorAt = (line: number, pattern: RegExp) => (e: unknown): boolean => LinkerError.is(e, 'inputFormat') && e.message.startsWith(`a.ann:${line}: `) && pattern.test(e.message);

void test('a T id defined twice is an error naming both lines, not a silent replacement of the first mention', () => {
  const ann = 'T1\tEntity 0 5\tParis\nT1\tEntity 12 18\tFrance\nN1\tReference T1 KB:Q142\tFrance\n';
  assert.throws(() => parseBratStandoff(ann, TEXT, where), isErrorAt(2, /T1 is defined again \(first at line 1\)/));
});

void test('a normalisation naming a T that no line defines is an error, not a label dropped (the mention read as NIL)', () => {
  const ann = 'T1\tEntity 0 5\tParis\nN1\tReference T9 KB:Q90\tParis\n';
  assert.throws(() => parseBratStandoff(ann, TEXT, where), isErrorAt(2, /N1 normalises T9, which no T line of this file defines/));
  // The same N after a T left out as invalid (--skip-invalid) goes with it, reported once through the T.
  const skipped: string[] = [];
  const doc = parseBratStandoff('T9\tEntity 0 50\tParis\nN1\tReference T9 KB:Q90\tParis\nT2\tEntity 12 18\tFrance\n', TEXT, where, { onInvalidSpan: (s) => skipped.push(String(s.record)) });
  assert.deepEqual(skipped, ['T9']);
  assert.deepEqual(doc.mentions.map((m) => [m.text, m.nil]), [['France', true]]);
});

void test('a T line without offsets says what a T line holds, not "span [NaN, NaN)"', () => {
  for (const line of ['T1', 'T1\tEntity', 'T1\tEntity zero 5\tParis']) {
    assert.throws(() => parseBratStandoff(`${line}\n`, TEXT, where), isErrorAt(1, /T1: a text-bound annotation is "T1<TAB>Type START END<TAB>text"/), line);
  }
});

void test('well-formed files read as before: CRLF lines, several normalisations of one T, discontinuous spans skipped', () => {
  const skipped: string[] = [];
  const ann = 'T1\tEntity 0 5\tParis\r\nN1\tReference T1 KB:Q90\tParis\r\nN2\tReference T1 Wiki:Q90b\tParis\r\nT2\tEntity 0 2;3 5\tPa is\r\n';
  const doc = parseBratStandoff(ann, TEXT, where, { onSkip: (s, why) => skipped.push(`${s.record} ${why}`) });
  assert.deepEqual(doc.mentions.map((m) => [m.text, m.goldIds]), [['Paris', ['Q90', 'Q90b']]]);
  assert.deepEqual(skipped, ['T2 a discontinuous span is not one mention']);
});
