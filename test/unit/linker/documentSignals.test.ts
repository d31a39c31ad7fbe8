import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coherenceScores, discourseShares, typeAgreement } from '../../../src/core/linker/documentSignals';

void test('discourse: shares of the same form decided at other spans, NIL counting in the total', () => {
  const context = {
    decisions: [
      { start: 0, end: 6, text: 'Dublin', entityId: 'Q2' },
      { start: 40, end: 46, text: 'DUBLIN', entityId: 'Q2' },
      { start: 60, end: 66, text: 'Dublin', entityId: null },
      { start: 70, end: 74, text: 'Ohio', entityId: 'Q12' },
      { start: 100, end: 106, text: 'Dublin', entityId: 'Q1' },
    ],
  };
  const shares = discourseShares({ start: 100, end: 106, text: 'Dublin' }, context);
  assert.equal(shares.get('Q2'), 2 / 3);
  assert.equal(shares.get('Q1'), undefined, 'the mention\'s own decision does not count');
  assert.equal(shares.get('Q12'), undefined);
  assert.equal(discourseShares({ start: 0, end: 6, text: 'Dublin' }, undefined).size, 0);
});

void test('type agreement: the add-one smoothed share of the form\'s decisions with the entity\'s type', () => {
  const types = new Map<string | undefined, number>([['LOC', 3], ['ORG', 1]]);
  assert.equal(typeAgreement('LOC', types), 3 / 5);
  assert.equal(typeAgreement('PER', types), 0);
  assert.equal(typeAgreement(undefined, types), 0);
  assert.equal(typeAgreement('LOC', new Map()), 0);
});

void test('coherence: cosine with the mean of the other spans\' entity vectors', () => {
  const v = (...x: number[]) => Float32Array.from(x);
  const context = [
    { start: 0, end: 5, vector: v(1, 0, 0) },
    { start: 10, end: 15, vector: v(0, 1, 0) },
    { start: 20, end: 25, vector: v(0, 0, 1) },
  ];
  const [a, b, none] = coherenceScores({ start: 20, end: 25 }, [v(1, 1, 0), v(0, 0, 1), undefined], context);
  assert.ok(Math.abs(a - 1) < 1e-6, `${a}`);
  assert.ok(Math.abs(b) < 1e-6, 'its own span is left out');
  assert.equal(none, 0);
  assert.deepEqual(coherenceScores({ start: 0, end: 5 }, [v(1, 0, 0)], [context[0]]), [0]);
});
