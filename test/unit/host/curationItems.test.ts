import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NIL_VALUE, type Disagreement } from '../../../src/core/agreement/teamLabels';
import { choiceOptions, curationOrder, disagreementLine, valueName } from '../../../src/host/panels/curationItems';

const TEXT = 'Paris met London and Rome.';
const london: Disagreement = {
  document: 'doc.txt',
  start: 10,
  end: 16,
  text: 'London',
  labels: [{ annotator: 'alice', value: 'Q2', title: 'London, UK' }, { annotator: 'bob', value: 'Q3', title: 'London, Ontario' }, { annotator: 'carol', value: 'Q2', title: 'London, UK' }],
};

test('a disagreement reads as one line: each annotator\'s label and the context', () => {
  const line = disagreementLine(london, TEXT);
  assert.equal(line.label, '$(diff) London');
  assert.equal(line.description, 'doc.txt:1  …Paris met «London» and Rome.…');
  assert.equal(line.detail, 'alice: London, UK (Q2) · bob: London, Ontario (Q3) · carol: London, UK (Q2)');
});

test('the curator\'s options: each distinct label with who gave it, then NIL and not a mention', () => {
  const options = choiceOptions(london.labels);
  assert.deepEqual(options.map((o) => [o.label, o.description]), [
    ['$(link) London, UK (Q2)', 'by alice, carol'],
    ['$(link) London, Ontario (Q3)', 'by bob'],
    ['$(question) NIL', ''],
    ['$(circle-slash) not a mention', ''],
  ]);
  assert.deepEqual(options.map((o) => o.choice), [{ kind: 'entity', kbId: 'Q2', title: 'London, UK' }, { kind: 'entity', kbId: 'Q3', title: 'London, Ontario' }, { kind: 'nil' }, { kind: 'none' }]);
  // NIL given by an annotator is not listed twice.
  const withNil = choiceOptions([{ annotator: 'a', value: NIL_VALUE }, { annotator: 'b', value: undefined }]);
  assert.deepEqual(withNil.map((o) => o.description), ['by a', 'by b']);
  assert.equal(valueName('Q7'), 'Q7');
});

test('uncurated disagreements come first', () => {
  const curated: Disagreement = { ...london, start: 0, end: 5, text: 'Paris', curated: { start: 0, end: 5, value: 'Q1', record: {} as never } };
  assert.deepEqual(curationOrder([curated, london]).map((d) => d.text), ['London', 'Paris']);
});
