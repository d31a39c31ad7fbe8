import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agreementFigures, poolUnits, unitsOf } from '../../../src/core/agreement/agreementFigures';
import { NIL_VALUE, type TeamDocument, disagreementsOf, resolveLabels } from '../../../src/core/agreement/teamLabels';
import { type Label, TEXT, recordsOf, spanOf } from './teamKit';

// A marks Paris Q1, London Q2, Rome NIL and rejects Oslo and Madrid; B marks Paris Q1, London Q3, Berlin Q4 and
// rejects Rome and Madrid.
const A_LABELS: Label[] = [['Paris', 'Q1'], ['London', 'Q2'], ['Rome', 'NIL'], ['Oslo', 'rejected'], ['Madrid', 'rejected']];
const B_LABELS: Label[] = [['Paris', 'Q1'], ['London', 'Q3'], ['Berlin', 'Q4'], ['Rome', 'rejected'], ['Madrid', 'rejected']];

function doc(sets: Record<string, Label[]>, curated?: Label[], text = TEXT, document = 'doc.txt'): TeamDocument {
  return {
    document,
    path: `/ws/${document}`,
    text,
    labelSets: Object.entries(sets).map(([annotator, labels]) => ({ annotator, file: `/ws/.entity-links/@${annotator}/${document}.jsonl`, records: recordsOf(annotator, labels, text) })),
    ...(curated === undefined ? {} : { curated: { annotator: 'curated', file: '/ws/.entity-links/@curated/doc.txt.jsonl', records: recordsOf('curated', curated, text) } }),
  };
}

const close = (actual: number | null, expected: number): void => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

test('span agreement on a hand-computed document', () => {
  const f = agreementFigures(unitsOf(doc({ A: A_LABELS, B: B_LABELS })));
  // Units: every span someone decided: Paris London Rome Berlin Oslo Madrid = 6.
  //   A: M M M - - -      B: M M - M - -     (M mention, - none)
  // matched 2 (Paris, London), only A 1 (Rome), only B 1 (Berlin): F1 = 2*2 / (2*2 + 1 + 1) = 4/6 = 2/3.
  assert.equal(f.spans.units, 6);
  assert.deepEqual([f.spans.pairs[0].matched, f.spans.pairs[0].onlyA, f.spans.pairs[0].onlyB], [2, 1, 1]);
  close(f.spans.f1, 2 / 3);
  // Kappa: agree on Paris, London, Oslo, Madrid: po = 4/6. A: M 3, none 3; B: M 3, none 3.
  // pe = (3*3 + 3*3) / 36 = 1/2; kappa = (4/6 - 1/2) / (1/2) = 1/3.
  close(f.spans.kappa, 1 / 3);
  // Alpha: n = 12 values, M 6, none 6; Rome and Berlin each add 2 disagreeing ordered pairs: 4.
  // Expected: 12^2 - (36 + 36) = 72; alpha = 1 - 11 * 4 / 72 = 28/72.
  close(f.spans.alpha, 28 / 72);
});

test('entity agreement on shared spans, NIL a category', () => {
  const f = agreementFigures(unitsOf(doc({ A: A_LABELS, B: B_LABELS })));
  // Shared spans (both marked): Paris (Q1, Q1) and London (Q2, Q3); Rome and Berlin have one value each.
  assert.equal(f.entities.sharedSpans, 2);
  assert.equal(f.entities.agreed, 1);
  // Kappa over (Q1,Q1) (Q2,Q3): po = 1/2; A: Q1 1, Q2 1; B: Q1 1, Q3 1; pe = (1*1) / 4 = 1/4;
  // kappa = (1/2 - 1/4) / (3/4) = 1/3.
  close(f.entities.kappa, 1 / 3);
  // Alpha: pairable values Q1 2, Q2 1, Q3 1 (n = 4); London adds 2 disagreeing pairs.
  // Expected: 16 - (4 + 1 + 1) = 10; alpha = 1 - 3 * 2 / 10 = 0.4.
  close(f.entities.alpha, 0.4);
});

test('overall figures pool the documents\' units', () => {
  const second = 'Paris again.';
  const d1 = unitsOf(doc({ A: A_LABELS, B: B_LABELS }));
  const d2 = unitsOf(doc({ A: [['Paris', 'Q1']], B: [['Paris', 'Q1']] }, undefined, second, 'two.txt'));
  const f = agreementFigures(poolUnits([d1, d2]));
  // Entity pairs pooled: (Q1,Q1) (Q2,Q3) (Q1,Q1): po = 2/3; A: Q1 2, Q2 1; B: Q1 2, Q3 1;
  // pe = (2*2) / 9 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 2/5.
  close(f.entities.kappa, 0.4);
  // Spans pooled: matched 3, only A 1, only B 1: F1 = 6 / 8.
  close(f.spans.f1, 0.75);
  // The second document alone: one span, the same label: agreement perfect, kappa undefined (pe = 1).
  const alone = agreementFigures(d2);
  assert.equal(alone.entities.agreed, 1);
  assert.equal(alone.entities.kappa, null);
  close(alone.spans.f1, 1);
});

test('disagreements list each annotator\'s label; agreed spans are not listed', () => {
  const list = disagreementsOf(doc({ A: A_LABELS, B: B_LABELS }));
  assert.deepEqual(list.map((d) => d.text), ['London', 'Rome', 'Berlin']);
  assert.deepEqual(list[0].labels, [{ annotator: 'A', value: 'Q2', title: 'Title of Q2' }, { annotator: 'B', value: 'Q3', title: 'Title of Q3' }]);
  assert.deepEqual(list[1].labels.map((l) => l.value), [NIL_VALUE, undefined]); // Rome: A NIL, B rejected it
  assert.deepEqual(list[2].labels.map((l) => l.value), [undefined, 'Q4']); // Berlin: A did not mark it
  assert.deepEqual(disagreementsOf(doc({ A: A_LABELS })), [], 'one annotator cannot disagree');
});

test('resolved labels: curated first, then agreed; disputed spans wait for curation', () => {
  const before = resolveLabels(doc({ A: A_LABELS, B: B_LABELS }));
  assert.deepEqual(before.records.map((r) => [r.text, r.kbId]), [['Paris', 'Q1']]);
  assert.deepEqual(before.unresolved.map((d) => d.text), ['London', 'Rome', 'Berlin']);
  const after = resolveLabels(doc({ A: A_LABELS, B: B_LABELS }, [['London', 'Q3'], ['Berlin', 'rejected']]));
  assert.deepEqual(after.records.map((r) => [r.text, r.kbId, r.annotator]), [['Paris', 'Q1', 'A'], ['London', 'Q3', 'curated']]);
  assert.deepEqual(after.unresolved.map((d) => d.text), ['Rome']);
  // One annotator (an old single-annotator store): their records as they are, rejections included (the gold
  // reader skips those itself), a curated decision still overriding.
  const single = resolveLabels(doc({ user: A_LABELS }, [['Paris', 'NIL']]));
  assert.deepEqual(single.records.map((r) => [r.text, r.status]), [['Paris', 'nil'], ['London', 'accepted'], ['Rome', 'nil'], ['Oslo', 'rejected'], ['Madrid', 'rejected']]);
  assert.equal(spanOf('Paris').start, 0);
});

test('an annotator with only suggestions in a document has not annotated it: no units, no disagreements', () => {
  const idle = doc({ A: A_LABELS, B: B_LABELS }).labelSets[0].records.map((r) => ({ ...r, status: 'suggested' as const }));
  const withIdle: TeamDocument = { ...doc({ A: A_LABELS, B: B_LABELS }), labelSets: [...doc({ A: A_LABELS, B: B_LABELS }).labelSets, { annotator: 'C', file: 'c.jsonl', records: idle }] };
  assert.deepEqual(unitsOf(withIdle).annotators, ['A', 'B']);
  assert.equal(disagreementsOf(withIdle).length, 3);
  // With only one deciding annotator the single-annotator rule applies.
  const oneDeciding: TeamDocument = { ...doc({ A: A_LABELS }), labelSets: [...doc({ A: A_LABELS }).labelSets, { annotator: 'C', file: 'c.jsonl', records: idle }] };
  assert.equal(resolveLabels(oneDeciding).records.length, A_LABELS.length);
});
