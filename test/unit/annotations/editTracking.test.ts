import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAnchored } from '../../../src/core/annotations/annotationRecord';
import { SAMPLE, span, tempStore } from './annotationTestKit';

async function docWithLinks() {
  const kit = tempStore();
  const doc = await kit.store.open('a.txt', SAMPLE);
  const [ada, babbage, london] = doc.addMany([
    { ...span(SAMPLE, 'Ada Lovelace'), kbId: 'Q7259' },
    { ...span(SAMPLE, 'Charles Babbage'), kbId: 'Q46633' },
    { ...span(SAMPLE, 'London'), kbId: 'Q84' },
  ]);
  return { ...kit, doc, ada, babbage, london };
}

void test('an insertion before a mention shifts it; insertions at its edges stay outside', async () => {
  const { doc, ada, babbage, london, cleanup } = await docWithLinks();
  try {
    doc.applyEdit([{ start: 0, end: 0, text: 'Countess ' }]);
    assert.equal(doc.text.slice(doc.get(ada)!.start, doc.get(ada)!.end), 'Ada Lovelace');
    const b = doc.get(babbage)!;
    doc.applyEdit([{ start: b.end, end: b.end, text: ' (engineer)' }]);
    doc.applyEdit([{ start: b.start, end: b.start, text: 'Mr ' }]);
    const b2 = doc.get(babbage)!;
    assert.equal(doc.text.slice(b2.start, b2.end), 'Charles Babbage');
    assert.equal(b2.status, 'accepted');
    for (const r of doc.records) assert.ok(isAnchored(r, doc.text), `${r.text} anchored`);
    assert.equal(doc.get(london)!.text, 'London');
  } finally {
    cleanup();
  }
});

void test('several changes in one batch refer to the text before the batch, in any order', async () => {
  const { doc, ada, london, cleanup } = await docWithLinks();
  try {
    const l = doc.get(london)!;
    doc.applyEdit([
      { start: 0, end: 0, text: '>> ' },
      { start: l.end, end: l.end + 1, text: ', England.' },
    ]);
    assert.equal(doc.text, '>> ' + SAMPLE.replace('London.', 'London, England.'));
    assert.ok(doc.records.every((r) => isAnchored(r, doc.text)));
    assert.equal(doc.get(ada)!.start, 3);
  } finally {
    cleanup();
  }
});

void test('an edit inside a mention resizes it and flags it for review; accepting again clears the flag', async () => {
  const { doc, babbage, cleanup } = await docWithLinks();
  try {
    const b = doc.get(babbage)!;
    doc.applyEdit([{ start: b.start + 7, end: b.start + 7, text: ' W.' }]);
    const r = doc.get(babbage)!;
    assert.equal(r.text, 'Charles W. Babbage');
    assert.equal(doc.text.slice(r.start, r.end), 'Charles W. Babbage');
    assert.equal(r.status, 'needsReview');
    assert.deepEqual(r.review, { reason: 'the mention text was edited', previousStatus: 'accepted' });
    doc.accept(babbage);
    assert.equal(doc.get(babbage)!.status, 'accepted');
    assert.equal(doc.get(babbage)!.review, undefined);
  } finally {
    cleanup();
  }
});

void test('rewriting a character with itself is no edit', async () => {
  const { doc, ada, cleanup } = await docWithLinks();
  try {
    doc.applyEdit([{ start: 1, end: 2, text: 'd' }]);
    assert.equal(doc.get(ada)!.status, 'accepted');
  } finally {
    cleanup();
  }
});

void test('an edit over one edge keeps the surviving part, flagged', async () => {
  const { doc, ada, babbage, cleanup } = await docWithLinks();
  try {
    // "Ada Lovelace worked" -> delete "lace worked" : the tail of the mention goes.
    doc.applyEdit([{ start: 8, end: 19, text: '' }]);
    const a = doc.get(ada)!;
    assert.deepEqual([a.start, a.end, a.text, a.status], [0, 8, 'Ada Love', 'needsReview']);
    const b = doc.get(babbage)!;
    // Replace "with Charles" by "alongside": the head of "Charles Babbage" goes.
    const at = doc.text.indexOf('with Charles');
    doc.applyEdit([{ start: at, end: at + 'with Charles'.length, text: 'alongside' }]);
    const b2 = doc.get(babbage)!;
    assert.notEqual(b.start, b2.start);
    assert.equal(doc.text.slice(b2.start, b2.end), ' Babbage');
    assert.equal(b2.text, ' Babbage');
    assert.equal(b2.status, 'needsReview');
  } finally {
    cleanup();
  }
});

void test('deleting a whole mention keeps it collapsed and flagged; typing the text back restores it', async () => {
  const { doc, london, cleanup } = await docWithLinks();
  try {
    const l = doc.get(london)!;
    doc.applyEdit([{ start: l.start - 3, end: l.end, text: '' }]); // " in London" -> " i"... removes "in London"
    const gone = doc.get(london)!;
    assert.equal(gone.start, gone.end);
    assert.equal(gone.text, 'London', 'the old text is kept');
    assert.equal(gone.status, 'needsReview');
    assert.equal(doc.records.length, 3, 'nothing dropped');
    doc.applyEdit([{ start: gone.start, end: gone.start, text: 'in London' }]);
    const back = doc.get(london)!;
    assert.equal(doc.text, SAMPLE);
    assert.deepEqual([back.start, back.end, back.status, back.review], [l.start, l.end, 'accepted', undefined]);
  } finally {
    cleanup();
  }
});

void test('undo after typing restores the decision at the mention\'s new place', async () => {
  const { doc, london, cleanup } = await docWithLinks();
  try {
    doc.markNil(london);
    doc.applyEdit([{ start: 0, end: 0, text: 'Note: ' }]);
    assert.equal(doc.undo(), true);
    const l = doc.get(london)!;
    assert.equal(l.status, 'accepted');
    assert.equal(l.kbId, 'Q84');
    assert.equal(doc.text.slice(l.start, l.end), 'London');
    assert.equal(doc.redo(), true);
    assert.equal(doc.get(london)!.status, 'nil');
    assert.equal(doc.text.slice(doc.get(london)!.start, doc.get(london)!.end), 'London');
  } finally {
    cleanup();
  }
});

void test('overlapping changes in one batch are refused', async () => {
  const { doc, cleanup } = await docWithLinks();
  try {
    assert.throws(() => doc.applyEdit([{ start: 0, end: 5, text: '' }, { start: 3, end: 8, text: 'x' }]), /overlapping text changes/);
  } finally {
    cleanup();
  }
});
