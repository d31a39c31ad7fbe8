import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MappedGold } from '../../../src/core/formats/goldMapping';
import { simulateSession } from '../../../src/core/simulation/simulateSession';
import { DEFAULT_EDITOR_FLOW, DEFAULT_SIMULATION_OPTIONS, LEGACY_EDITOR_FLOW, type SimulationDocument, type SimulationOptions } from '../../../src/core/simulation/simulationTypes';
import { FakeLearner, FakeLinker } from './fakeSimulationLinker';

const inKb = (...ids: string[]): MappedGold => ({ ids, status: 'in-kb' });
const outOfKb: MappedGold = { ids: [], status: 'out-of-kb' };

/** A document whose gold mentions are given as [surface, gold] in text order (each surface's first occurrence after the previous). */
function doc(id: string, text: string, golds: [string, MappedGold][]): SimulationDocument {
  let from = 0;
  const mentions = golds.map(([surface, gold]) => {
    const start = text.indexOf(surface, from);
    assert.ok(start >= 0, surface);
    from = start + surface.length;
    return { start, end: start + surface.length, gold };
  });
  return { id, text, mentions };
}

/** Detects every occurrence of the given surface forms. */
const detecting = (...surfaces: string[]) => (text: string) =>
  surfaces.flatMap((s) => [...text.matchAll(new RegExp(`\\b${s}\\b`, 'g'))].map((m) => ({ start: m.index, end: m.index + s.length })));

/** The legacy flow (a key per document, missed mentions after the suggestions): the key costs these tests pin. */
const options = (o: Partial<SimulationOptions> = {}): SimulationOptions => ({ ...DEFAULT_SIMULATION_OPTIONS, flow: LEGACY_EDITOR_FLOW, ...o });
/** The queue flow with the picker after every Link Selection (the tests below pin its keys; accepting at once has its own). */
const queueFlow = (o: Partial<SimulationOptions> = {}): SimulationOptions => ({ ...DEFAULT_SIMULATION_OPTIONS, flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined }, ...o });

void test('each action costs its keys: accept, choose by arrows, NIL, reject, and a missed mention selected and linked', async () => {
  const text = 'Paris met Troy in London by Berlin.';
  const linker = new FakeLinker(detecting('Paris', 'met', 'London', 'Berlin'), {
    Paris: { ids: ['city', 'hilton'] },
    London: { ids: ['london', 'jack'] },
    Berlin: { ids: ['berlin'], nil: true },
    met: { ids: ['city'] },
    Troy: { ids: ['troy', 'helen'] },
  });
  const d = doc('d', text, [['Paris', inKb('city')], ['Troy', inKb('helen')], ['London', inKb('jack')], ['Berlin', outOfKb]]);
  const r = await simulateSession([d], linker, undefined, options());
  // Troy: Ctrl+Home, Ctrl+Right past "Paris" and "met", Ctrl+Shift+Right over "Troy". Choose Candidate on London
  // opens on the second candidate, the gold one: Enter (1); Link Selection's picker on the first: arrow + Enter (2).
  assert.deepEqual(r.keys, { navigation: 1, accept: 1, choose: 1, picker: 1 + 2, nil: 1, reject: 1, cursor: 1 + 3, possible: 0, linkSelection: 1, acceptAll: 0, undo: 0 });
  assert.equal(r.keystrokes.autoAdvance, 13);
  // Four suggestions visited in one document: three Next presses more without auto-advance.
  assert.equal(r.extraNextManual, 3);
  assert.equal(r.keystrokes.manual, 16);
  assert.equal(r.gold, 3);
  assert.equal(r.goldNotInKb, 1);
  assert.deepEqual({ ...r.outcomes }, { accept: 1, acceptAll: 0, choose: 1, nil: 1, reject: 1, linkSelection: 1, unreachable: 0 });
  // Suggestions right: Paris (accepted), Berlin (the linker said NIL); wrong: met, London, Troy (missed).
  assert.equal(r.decisions, 5);
  assert.deepEqual(r.accuracyByBlock, [2 / 5]);
});

void test('a gold entity that is not ranked is found by typing its title in the picker', async () => {
  const text = 'London calling.';
  const linker = new FakeLinker(detecting('London'), { London: { ids: ['london', 'berlin', 'troy'] } });
  const r = await simulateSession([doc('d', text, [['London', inKb('jack')]])], linker, undefined, options());
  // "J" puts Jack London first among the search hits: one character + Enter.
  assert.equal(r.keys.picker, 2);
  assert.equal(r.keys.choose, 1);
});

void test('a refit after every decision re-ranks: the next identical mention is accepted, and accuracy rises per block', async () => {
  const docs = ['a', 'b', 'c'].map((id) => doc(id, 'Paris is in the news.', [['Paris', inKb('hilton')]]));
  const ranking = { Paris: { ids: ['city', 'hilton'] } };
  const withoutLinker = new FakeLinker(detecting('Paris'), ranking);
  const without = await simulateSession(docs, withoutLinker, undefined, options({ blockSize: 1 }));
  const withLinker = new FakeLinker(detecting('Paris'), ranking);
  const learner = new FakeLearner(withLinker);
  const learned = await simulateSession(docs, withLinker, learner, options({ blockSize: 1, retrainEvery: 1 }));
  // Each document: arrive (1) + choose (1) + Enter on the second candidate, highlighted (1) without learning; accept (1) once learned.
  assert.equal(without.keystrokes.autoAdvance, 9);
  assert.equal(learned.keystrokes.autoAdvance, 3 + 2 + 2);
  assert.deepEqual(without.accuracyByBlock, [0, 0, 0]);
  assert.deepEqual(learned.accuracyByBlock, [0, 1, 1]);
  assert.equal(learned.refits, 3);
  assert.deepEqual(learner.seen.map((s) => s.action), ['choose', 'accept', 'accept']);
});

void test('after a refit the open suggestions of the document are ranked again', async () => {
  const d = doc('d', 'Paris and Paris again.', [['Paris', inKb('hilton')], ['Paris', inKb('hilton')]]);
  const linker = new FakeLinker(detecting('Paris'), { Paris: { ids: ['city', 'hilton'] } });
  const r = await simulateSession([d], linker, new FakeLearner(linker), options({ retrainEvery: 1 }));
  assert.deepEqual([r.outcomes.choose, r.outcomes.accept], [1, 1]);
  // Learning every 2 decisions comes too late for the second mention.
  const late = new FakeLinker(detecting('Paris'), { Paris: { ids: ['city', 'hilton'] } });
  assert.equal((await simulateSession([d], late, new FakeLearner(late), options({ retrainEvery: 2 }))).outcomes.choose, 2);
});

void test('uncertainty order visits the least certain suggestion first, across documents; document order keeps the text order', async () => {
  const docs = [doc('a', 'Paris.', [['Paris', inKb('city')]]), doc('b', 'London.', [['London', inKb('london')]])];
  const ranking = { Paris: { ids: ['city'], probs: [0.9] }, London: { ids: ['london'], probs: [0.3] } };
  const order = async (o: 'document' | 'uncertainty'): Promise<{ surfaces: string[]; navigation: number }> => {
    const linker = new FakeLinker(detecting('Paris', 'London'), ranking);
    const learner = new FakeLearner(linker);
    const r = await simulateSession(docs, linker, learner, options({ order: o }));
    return { surfaces: learner.seen.map((s) => s.text.slice(s.start, s.end)), navigation: r.keys.navigation };
  };
  assert.deepEqual(await order('document'), { surfaces: ['Paris', 'London'], navigation: 2 });
  assert.deepEqual(await order('uncertainty'), { surfaces: ['London', 'Paris'], navigation: 2 });
});

void test('Accept All is one key; each wrong acceptance costs reaching it and its correction', async () => {
  const text = 'Paris met London.';
  const linker = new FakeLinker(detecting('Paris', 'met', 'London'), {
    Paris: { ids: ['city'], probs: [0.95] },
    London: { ids: ['london', 'jack'], probs: [0.95, 0.05] },
    met: { ids: ['city'], probs: [0.2] },
  });
  const r = await simulateSession([doc('d', text, [['Paris', inKb('city')], ['London', inKb('jack')]])], linker, undefined, options({ acceptAllThreshold: 0.9 }));
  // Accept All (1); visit "met" (1) and reject it (1); Ctrl+Home (1), Ctrl+Right past "Paris", "met" and onto
  // "London" (3); Choose (1), Enter on the second candidate (1).
  assert.deepEqual(r.keys, { navigation: 1, accept: 0, choose: 1, picker: 1, nil: 0, reject: 1, cursor: 4, possible: 0, linkSelection: 0, acceptAll: 1, undo: 0 });
  assert.deepEqual([r.outcomes.acceptAll, r.outcomes.reject, r.outcomes.choose], [1, 1, 1]);
});

void test('out-of-KB and optional gold mentions the linker did not detect cost nothing; in-KB ones it did not detect are linked by hand', async () => {
  const base = doc('d', 'Troy and Helen, Paris.', [['Troy', outOfKb], ['Helen', inKb('helen')], ['Paris', inKb('city')]]);
  const d: SimulationDocument = { ...base, mentions: base.mentions.map((m, i) => (i === 2 ? { ...m, optional: true } : m)) };
  const linker = new FakeLinker(() => [], { Helen: { ids: ['helen'] } });
  const r = await simulateSession([d], linker, undefined, options());
  // Arrive at the document (1), Ctrl+Right past "Troy" and "and", Ctrl+Shift+Right over "Helen" (3), Link Selection (1), Enter (1).
  assert.equal(r.keystrokes.autoAdvance, 6);
  assert.deepEqual([r.outcomes.linkSelection, r.outcomes.nil], [1, 0]);
  assert.equal(r.gold, 1);
});

void test('after a refit the open document is linked again: a form rejected before the refit is no longer proposed', async () => {
  const d = doc('d', 'Paris, Paris and Paris.', []);
  const session = async (retrainEvery: number) => {
    const refitted: string[] = [];
    // Detects Paris until a refit has seen it rejected.
    const linker = new FakeLinker((text) => (refitted.includes('Paris') ? [] : detecting('Paris')(text)), { Paris: { ids: ['city'] } });
    const learner = new FakeLearner(linker);
    const inner = learner.refit.bind(learner);
    learner.refit = () => {
      for (const s of learner.seen) if (s.action === 'reject') refitted.push(s.text.slice(s.start, s.end));
      return inner();
    };
    return simulateSession([d], linker, learner, options({ retrainEvery }));
  };
  assert.equal((await session(1)).outcomes.reject, 1);
  assert.equal((await session(10)).outcomes.reject, 3);
});

void test('a form linked by hand that occurs again in the document is proposed at once (the document is linked again): accepted, not selected', async () => {
  const d = doc('d', 'The rector met the dean; later the rector left.', [['rector', inKb('berlin')], ['rector', inKb('berlin')]]);
  // Detects a form only once it was decided in the document (as the linker's document context does).
  const detectDecided = (text: string, decided: readonly { text: string }[]) => detecting(...new Set(decided.map((x) => x.text)))(text);
  const ranking = { rector: { ids: ['berlin'] } };
  const linker = new FakeLinker(detectDecided, ranking);
  const r = await simulateSession([d], linker, new FakeLearner(linker), options());
  assert.deepEqual([r.outcomes.linkSelection, r.outcomes.accept], [1, 1]);
  // Without learning nothing is linked again: both are selected and linked by hand.
  const plain = await simulateSession([d], new FakeLinker(detectDecided, ranking), undefined, options());
  assert.deepEqual([plain.outcomes.linkSelection, plain.outcomes.accept], [2, 0]);
  assert.ok(r.keystrokes.autoAdvance < plain.keystrokes.autoAdvance);
});

void test('a learner that hands its memory over at once gets the other open documents where the form recurs linked again', async () => {
  const run = async (memoryAtOnce: boolean) => {
    const known = new Set(['Paris']);
    const linker = new FakeLinker((text) => detecting(...known)(text), { Paris: { ids: ['city'] }, Troy: { ids: ['helen'] } });
    const learner = {
      memoryAtOnce,
      refit: () => Promise.resolve(),
      observe: (d: { text: string; start: number; end: number; action: string }) => {
        // The memory: a form linked by hand is detected from now on (as LearnedDetection does).
        if (d.action === 'linkSelection') known.add(d.text.slice(d.start, d.end));
      },
    };
    const docs = [doc('a', 'Paris saw Troy.', [['Paris', inKb('city')], ['Troy', inKb('helen')]]), doc('b', 'Paris loved Troy.', [['Paris', inKb('city')], ['Troy', inKb('helen')]])];
    const r = await simulateSession(docs, linker, learner, options({ order: 'uncertainty', retrainEvery: 100 }));
    return { linkSelection: r.outcomes.linkSelection, accept: r.outcomes.accept };
  };
  assert.deepEqual(await run(false), { linkSelection: 2, accept: 2 });
  assert.deepEqual(await run(true), { linkSelection: 1, accept: 3 });
});

void test('the annotation queue: the last decision of a document moves on to the next one with no key; Next Unresolved leaves one without suggestions', async () => {
  const docs = [doc('a', 'Paris and London.', [['Paris', inKb('city')], ['London', inKb('london')]]), doc('b', 'Nothing here.', []), doc('c', 'Berlin.', [['Berlin', inKb('berlin')]])];
  const ranking = { Paris: { ids: ['city'] }, London: { ids: ['london'] }, Berlin: { ids: ['berlin'] } };
  const queued = await simulateSession(docs, new FakeLinker(detecting('Paris', 'London', 'Berlin'), ranking), undefined, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, acceptRemaining: false } }));
  // The first document (1), three accepts (3); b is reached by the last accept in a, left with Next Unresolved (1).
  assert.deepEqual([queued.keys.navigation, queued.keys.accept, queued.keystrokes.autoAdvance], [2, 3, 5]);
  // Without auto-advance: Next before London, to reach b and to reach c.
  assert.equal(queued.keystrokes.manual, 5 + 2);
  assert.equal(queued.documentSwitches, 3);
  const legacy = await simulateSession(docs, new FakeLinker(detecting('Paris', 'London', 'Berlin'), ranking), undefined, options());
  // A key to reach each document with suggestions (a and c), none for b.
  assert.deepEqual([legacy.keys.navigation, legacy.keystrokes.autoAdvance], [2, 5]);
});

void test('a missed mention is selected with Next / Previous Possible Mention when cheaper, while reading, before the last decision', async () => {
  const text = 'Paris hired the brilliant young rector of Troy.';
  const ranking = { Paris: { ids: ['city'] }, rector: { ids: ['berlin'] }, Troy: { ids: ['troy'] } };
  const d = doc('d', text, [['Paris', inKb('city')], ['rector', inKb('berlin')], ['Troy', inKb('troy')]]);
  const r = await simulateSession([d], new FakeLinker(detecting('Paris', 'Troy'), ranking), undefined, queueFlow());
  // At Paris: accept (1) -> Troy, the last open one; before deciding it, Previous Possible Mention from Troy:
  // "rector" is the first possible mention back (1), Link Selection (1), Enter (1); back on Troy, accept (1).
  assert.deepEqual({ possible: r.keys.possible, cursor: r.keys.cursor, linkSelection: r.keys.linkSelection, picker: r.keys.picker, accept: r.keys.accept }, { possible: 1, cursor: 0, linkSelection: 1, picker: 1, accept: 2 });
  assert.equal(r.keystrokes.autoAdvance, 1 + 1 + 1 + 1 + 1 + 1);
  // The legacy flow: Ctrl+Home, Ctrl+Right past Paris, hired, the, brilliant, young, then Ctrl+Shift+Right (7).
  const legacy = await simulateSession([d], new FakeLinker(detecting('Paris', 'Troy'), ranking), undefined, options());
  assert.equal(legacy.keys.cursor, 7);
  assert.ok(legacy.keystrokes.autoAdvance > r.keystrokes.autoAdvance);
});

void test('Next / Previous Possible Name (flow.possibleNames) skip the lower-case words no KB name covers; the cheaper pair is taken', async () => {
  const text = 'Paris hired the brilliant young rector of the old city Troy.';
  const ranking = { Paris: { ids: ['city'] }, rector: { ids: ['berlin'] }, Troy: { ids: ['troy'] } };
  const d = doc('d', text, [['Paris', inKb('city')], ['rector', inKb('berlin')], ['Troy', inKb('troy')]]);
  const rector = text.indexOf('rector');
  const run = async (possibleNames: boolean, nameSpans = [{ start: rector, end: rector + 'rector'.length }]): Promise<number> => {
    const linker = Object.assign(new FakeLinker(detecting('Paris', 'Troy'), ranking), { nameSpans: () => nameSpans });
    return (await simulateSession([d], linker, undefined, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, possibleNames } }))).keys.possible;
  };
  // Back from Troy: "city", "old", "rector" (3); with the KB's names only "rector" is a lower-case stop (1).
  assert.equal(await run(false), 3);
  assert.equal(await run(true), 1);
  // When no KB name covers the missed word, Possible Mention (3) is still there: never more presses than without.
  assert.equal(await run(true, []), 3);
});

void test('Link Selection over a prediction hides it: a longer missed mention costs no rejection of its part', async () => {
  const text = 'He was born in Blackpool, Lancashire.';
  const d = doc('d', text, [['Blackpool, Lancashire', inKb('city')]]);
  const ranking = { Blackpool: { ids: ['london'] }, 'Blackpool, Lancashire': { ids: ['city'] } };
  const r = await simulateSession([d], new FakeLinker(detecting('Blackpool'), ranking), undefined, queueFlow());
  assert.deepEqual([r.outcomes.reject, r.outcomes.linkSelection], [0, 1]);
  // The revealed suggestion is selected with the cursor at its end: Ctrl+Shift+Right over "," and "Lancashire".
  assert.equal(r.keys.cursor, 2);
  const legacy = await simulateSession([d], new FakeLinker(detecting('Blackpool'), ranking), undefined, options());
  assert.deepEqual([legacy.outcomes.reject, legacy.outcomes.linkSelection], [1, 1]);
});

void test('Link Selection accepting a confident top candidate at once: no picker for a right one; Undo, Choose and the picker for a wrong one', async () => {
  const text = 'Paris hired the brilliant young rector of Troy.';
  const d = doc('d', text, [['Paris', inKb('city')], ['rector', inKb('berlin')], ['Troy', inKb('troy')]]);
  const run = (ranking: Record<string, { ids: string[]; probs?: number[] }>, threshold: number | undefined) =>
    simulateSession([d], new FakeLinker(detecting('Paris', 'Troy'), { Paris: { ids: ['city'] }, Troy: { ids: ['troy'] }, ...ranking }), undefined, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: threshold } }));
  const picker = await run({ rector: { ids: ['berlin'], probs: [0.8] } }, undefined);
  const right = await run({ rector: { ids: ['berlin'], probs: [0.8] } }, 0.5);
  // The picker's Enter is saved; nothing else changes.
  assert.deepEqual([picker.keys.picker, right.keys.picker, right.keys.undo, right.keys.choose], [1, 0, 0, 0]);
  assert.equal(right.keystrokes.autoAdvance, picker.keystrokes.autoAdvance - 1);
  assert.equal(right.outcomes.linkSelection, 1);
  // A wrong top candidate above the threshold: Undo (1), Choose Candidate (1), Enter on the second, the gold one (1).
  const wrong = await run({ rector: { ids: ['troy', 'berlin'], probs: [0.7, 0.2] } }, 0.5);
  assert.deepEqual([wrong.keys.linkSelection, wrong.keys.undo, wrong.keys.choose, wrong.keys.picker], [1, 1, 1, 1]);
  assert.equal(wrong.keystrokes.autoAdvance, picker.keystrokes.autoAdvance - 1 + 2 + 1);
  // Below the threshold the picker opens as before.
  const unsure = await run({ rector: { ids: ['troy', 'berlin'], probs: [0.4, 0.2] } }, 0.5);
  assert.deepEqual([unsure.keys.undo, unsure.keys.choose, unsure.keys.picker], [0, 0, 2]);
});

void test('Reject Remaining: one key rejects the rest of a document when none of it is a mention; each rejection is learned', async () => {
  const ranking = { Paris: { ids: ['city'] }, met: { ids: ['troy'] }, London: { ids: ['london'] }, Berlin: { ids: ['berlin'] }, Troy: { ids: ['troy'] } };
  const docs = [
    // Paris is a mention, then only false suggestions: accept, then one key for met, London and Berlin.
    doc('a', 'Paris met London and Berlin.', [['Paris', inKb('city')]]),
    // A mention (Troy) after the false ones: each is rejected on its own.
    doc('b', 'London met Berlin and Troy.', [['Troy', inKb('troy')]]),
    // One false suggestion left: a plain Reject.
    doc('c', 'Berlin.', []),
  ];
  const run = async (rejectRemaining: boolean): Promise<{ reject: number; keys: number; rejected: string[] }> => {
    const linker = new FakeLinker(detecting('Paris', 'met', 'London', 'Berlin', 'Troy'), ranking);
    const learner = new FakeLearner(linker);
    const r = await simulateSession(docs, linker, learner, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, rejectRemaining }, retrainEvery: 100 }));
    assert.equal(r.outcomes.reject, 7);
    assert.equal(r.decisions, 9);
    return { reject: r.keys.reject, keys: r.keystrokes.autoAdvance, rejected: learner.seen.filter((d) => d.status === 'rejected').map((d) => `${d.documentId}:${d.text.slice(d.start, d.end)}`) };
  };
  const each = await run(false);
  const batch = await run(true);
  assert.deepEqual(batch.rejected, ['a:met', 'a:London', 'a:Berlin', 'b:London', 'b:met', 'b:Berlin', 'c:Berlin']);
  assert.deepEqual(each.rejected, batch.rejected);
  assert.deepEqual([each.reject, batch.reject], [7, 1 + 3 + 1]);
  assert.equal(each.keys - batch.keys, 2);
});

void test('Accept Remaining: one key accepts the rest of a document when every top candidate in it is right; each accept is learned', async () => {
  const ranking = { Paris: { ids: ['city'] }, London: { ids: ['london'] }, Berlin: { ids: ['berlin'] }, Troy: { ids: ['troy'] } };
  const docs = [
    // All three right: one key.
    doc('a', 'Paris, London and Berlin.', [['Paris', inKb('city')], ['London', inKb('london')], ['Berlin', inKb('berlin')]]),
    // A wrong top first (Troy is gold for another entity): chosen, then the two right ones with one key.
    doc('b', 'Troy, London and Berlin.', [['Troy', inKb('other')], ['London', inKb('london')], ['Berlin', inKb('berlin')]]),
    // One right suggestion: a plain Accept.
    doc('c', 'Paris.', [['Paris', inKb('city')]]),
  ];
  const run = async (acceptRemaining: boolean): Promise<{ accept: number; accepted: string[] }> => {
    const linker = new FakeLinker(detecting('Paris', 'London', 'Berlin', 'Troy'), { ...ranking, Troy: { ids: ['troy', 'other'] } });
    const learner = new FakeLearner(linker);
    const r = await simulateSession(docs, linker, learner, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, acceptRemaining }, retrainEvery: 100 }));
    assert.equal(r.outcomes.accept, 6);
    assert.equal(r.outcomes.choose, 1);
    return { accept: r.keys.accept, accepted: learner.seen.filter((d) => d.action === 'accept').map((d) => `${d.documentId}:${d.text.slice(d.start, d.end)}`) };
  };
  const each = await run(false);
  const batch = await run(true);
  assert.deepEqual(batch.accepted, ['a:Paris', 'a:London', 'a:Berlin', 'b:London', 'b:Berlin', 'c:Paris']);
  assert.deepEqual(each.accepted, batch.accepted);
  assert.deepEqual([each.accept, batch.accept], [6, 1 + 1 + 1]);
});

void test('Link Selection at the caret: a missed name is reached with the caret, not selected word by word', async () => {
  const text = 'Paris hired the New York lawyer.';
  const d = doc('d', text, [['Paris', inKb('city')], ['New York', inKb('nyc')]]);
  const ranking = { Paris: { ids: ['city'] }, 'New York': { ids: ['nyc'] } };
  const run = async (linkAtCaret: boolean): Promise<number> => (await simulateSession([d], new FakeLinker(detecting('Paris'), ranking), undefined, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, possibleMentions: false, linkAtCaret } }))).keys.cursor;
  // From Paris: Ctrl+Right past "hired", "the" to the end of "New" (3), then Ctrl+Shift+Right over "York" (1) to select it.
  assert.equal(await run(false), 4);
  // The caret at the end of "New" is in the name: Link Selection takes "New York" as it is.
  assert.equal(await run(true), 3);
});

void test('Link Selection and Move On: a document whose last action links a missed mention is left without Next Unresolved', async () => {
  const ranking = { Troy: { ids: ['troy'] }, Berlin: { ids: ['berlin'] } };
  // Troy is not detected: the annotator links it, the document's only action; Berlin opens the second document.
  const docs = [doc('a', 'Nothing but Troy here.', [['Troy', inKb('troy')]]), doc('b', 'Berlin.', [['Berlin', inKb('berlin')]])];
  const run = async (linkSelectionMovesOn: boolean) => (await simulateSession(docs, new FakeLinker(detecting('Berlin'), ranking), undefined, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, linkSelectionMovesOn } }))).keys;
  const plain = await run(false);
  const movesOn = await run(true);
  // The first document (1) and Next Unresolved to leave a (1); with Move On only the first.
  assert.deepEqual([plain.navigation, movesOn.navigation], [2, 1]);
  assert.deepEqual({ ...plain, navigation: 0 }, { ...movesOn, navigation: 0 });
});

void test('a pronoun linked after the document\'s last decision costs Ctrl+Tab back to the document', async () => {
  const ranking = { Paris: { ids: ['city'] }, He: { ids: ['troy'] }, Berlin: { ids: ['berlin'] } };
  const docs = [doc('a', 'Paris came. He left.', [['Paris', inKb('city')], ['He', inKb('troy')]]), doc('b', 'Berlin.', [['Berlin', inKb('berlin')]])];
  const r = await simulateSession(docs, new FakeLinker(detecting('Paris', 'Berlin'), ranking), undefined, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, linkSelectionMovesOn: false } }));
  // The first document (1); accepting Paris moves on to b, Ctrl+Tab back (1) to link He, Next Unresolved to b (1).
  assert.equal(r.keys.navigation, 3);
  assert.equal(r.outcomes.linkSelection, 1);
  const movesOn = await simulateSession(docs, new FakeLinker(detecting('Paris', 'Berlin'), ranking), undefined, queueFlow({ flow: { ...DEFAULT_EDITOR_FLOW, linkSelectionAcceptAbove: undefined, linkSelectionMovesOn: true } }));
  assert.equal(movesOn.keys.navigation, 2);
});
