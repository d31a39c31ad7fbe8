import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agreementReport } from '../../../src/core/agreement/agreementReport';
import { agreementSummary } from '../../../src/core/agreement/agreementSummary';
import type { TeamDocument } from '../../../src/core/agreement/teamLabels';
import { isWebviewRequest } from '../../../src/shared/protocol';
import { type Label, TEXT, recordsOf } from './teamKit';

function doc(document: string, sets: Record<string, Label[]>): TeamDocument {
  return { document, path: `/ws/${document}`, text: TEXT, labelSets: Object.entries(sets).map(([annotator, labels]) => ({ annotator, file: `/ws/.entity-links/@${annotator}/${document}.jsonl`, records: recordsOf(annotator, labels) })) };
}

test('the corpus view gets a row per document and the pooled overall row, only once two annotators overlap', () => {
  const solo = [doc('a.txt', { alice: [['Paris', 'Q1']] })];
  assert.equal(agreementSummary(agreementReport(solo)), undefined);
  const team = [...solo, doc('b.txt', { alice: [['Paris', 'Q1'], ['London', 'Q2']], bob: [['Paris', 'Q1'], ['London', 'Q3']] })];
  const summary = agreementSummary(agreementReport(team));
  assert.ok(summary);
  assert.deepEqual(summary.annotators, ['alice', 'bob']);
  assert.deepEqual(summary.documents.map((d) => [d.document, d.annotators, d.sharedSpans, d.agreed, d.open]), [['a.txt', 1, 0, 0, 0], ['b.txt', 2, 2, 1, 1]]);
  // b.txt: (Q1,Q1) (Q2,Q3): kappa = (1/2 - 1/4) / (3/4) = 1/3 (as in agreementFigures.test.ts); a.txt adds no pairs.
  assert.ok(Math.abs((summary.overall.entityKappa as number) - 1 / 3) < 1e-12);
  assert.equal(summary.overall.spanF1, 1);
  // --annotator style restriction: bob alone leaves nothing to compare.
  assert.equal(agreementSummary(agreementReport(team, ['bob'])), undefined);
});

test('the webview may ask the host to start curation, with no parameters', () => {
  assert.equal(isWebviewRequest({ method: 'curate', params: {} }), true);
  assert.equal(isWebviewRequest({ method: 'curate', params: { x: 1 } }), false);
});
