import { throwIfAborted } from '../errors';
import type { MappedGold } from '../formats/goldMapping';
import type { LinkedMention, Span } from '../linker/types';
import { pronounOf } from '../coreference/pronouns';
import { recursInText } from '../detection/learnedDetection';
import { accuracyByBlock, accuracyHalves } from './blockAccuracy';
import { caretKeys, cursorKeys, KEY, possibleKeys, resizeKeys, selectionKeys } from './keyCosts';
import { topToAcceptAtOnce } from './linkSelectionAccept';
import { CHOOSE_HIGHLIGHTS, pickerKeys } from './pickerKeys';
import { possibleMentions } from './possibleMentions';
import { DEFAULT_EDITOR_FLOW, type DecidedSpan, type DecisionAction, type KeyBreakdown, type OnlineLearning, type SessionResult, type SimulatedDecision, type SimulationDocument, type SimulationLinker, type SimulationOptions } from './simulationTypes';
import { nextSuggestion, type OpenSuggestion } from './visitOrder';

const spanKey = (s: Span): string => `${s.start}:${s.end}`;
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

interface DocState {
  readonly index: number;
  readonly doc: SimulationDocument;
  readonly goldBySpan: ReadonlyMap<string, MappedGold>;
  opened: boolean;
  suggestions: OpenSuggestion[];
  /** Suggestions Accept All took whose entity is wrong: corrected in the pass after the suggestions. */
  readonly wrongAccepted: OpenSuggestion[];
  passDone: boolean;
  /** Decisions made in the document so far (the linker's document context). */
  readonly decided: DecidedSpan[];
  /** The KB's name spans of the text (EditorFlow.possibleNames), asked for once. */
  names?: readonly Span[];
}

/**
 * Replays an annotation session over gold documents as the editor is used (see keyCosts.ts for the keys):
 * each document is linked when it is opened; Next Unresolved visits the suggestions (in document order, or the
 * least certain first across the corpus); the annotator accepts a right top candidate, chooses the gold one in
 * the picker, marks an out-of-KB or NIL gold mention NIL and rejects a detection that is no gold mention. With
 * the annotation queue (EditorFlow.acrossDocuments, document order) every document comes up once, in order, the
 * last decision of one opening the next; the in-KB gold mentions the linker did not detect are linked while
 * reading (before the suggestion they precede or overlap, the rest before the last decision, a pronoun after it),
 * each selected by words, Find, widening the revealed mention or Next / Previous Possible Mention, whichever is
 * cheapest. Without it (the legacy flow, and uncertainty order), when a document's suggestions are all decided, a
 * pass from its start links the missed mentions (select, Link Selection, pick) and corrects what Accept All took wrongly. Gold mentions out of the
 * KB and optional ones that were not detected cost nothing. With a learner, every decision is observed and after every
 * `retrainEvery` decisions it refits and the open documents are linked again (detection included), as the editor does.
 */
export async function simulateSession(docs: readonly SimulationDocument[], linker: SimulationLinker, learner: OnlineLearning | undefined, options: SimulationOptions): Promise<SessionResult> {
  const states: DocState[] = docs.map((doc, index) => ({ index, doc, goldBySpan: new Map(doc.mentions.map((m) => [spanKey(m), m.gold])), opened: false, suggestions: [], wrongAccepted: [], passDone: false, decided: [] }));
  const keys: KeyBreakdown = { navigation: 0, accept: 0, choose: 0, picker: 0, nil: 0, reject: 0, cursor: 0, possible: 0, linkSelection: 0, acceptAll: 0, undo: 0 };
  const flow = options.flow ?? DEFAULT_EDITOR_FLOW;
  const outcomes: Record<DecisionAction | 'unreachable', number> = { accept: 0, acceptAll: 0, choose: 0, nil: 0, reject: 0, linkSelection: 0, unreachable: 0 };
  const correct: boolean[] = [];
  let sinceRefit = 0;
  let refits = 0;
  let extraNextManual = 0;
  let currentDoc = -1;
  let documentSwitches = 0;
  let finished = 0;

  const arrive = (doc: number): void => {
    if (doc === currentDoc) return;
    currentDoc = doc;
    documentSwitches++;
    keys.navigation += KEY.documentSwitch;
  };

  /** Links a document again with its decisions (detection included); decided suggestions stay as they are. */
  const relinkDocument = async (st: DocState): Promise<void> => {
    const fresh = await linker.linkDocument(st.doc.text, st.decided);
    const resolved = st.suggestions.filter((s) => s.resolved);
    const taken = (m: Span): boolean => resolved.some((s) => overlaps(s.linked, m)) || st.decided.some((d) => overlaps(d, m));
    const open = fresh.filter((m) => !taken(m)).map((linked): OpenSuggestion => ({ doc: st.index, linked, resolved: false }));
    st.suggestions = [...resolved, ...open].sort((a, b) => a.linked.start - b.linked.start);
  };

  /**
   * After a refit the editor links its open documents again (relinkAll): decided mentions stay, the rest is
   * detected and ranked anew with what was learned, so a form the annotator linked by hand can now be proposed
   * and a rejected one withdrawn. Documents whose correction pass began are done with.
   */
  const relinkOpen = async (): Promise<void> => {
    for (const st of states) if (st.opened && !st.passDone) await relinkDocument(st);
  };

  const decide = async (st: DocState, span: Span, kbId: string | null, action: DecisionAction, shown: LinkedMention, suggestionRight: boolean): Promise<void> => {
    correct.push(suggestionRight);
    outcomes[action]++;
    const decided = { start: span.start, end: span.end, text: st.doc.text.slice(span.start, span.end), entityId: kbId };
    st.decided.push(decided);
    const status = action === 'nil' ? 'nil' : action === 'reject' ? 'rejected' : 'accepted';
    const decision: SimulatedDecision = { documentId: st.doc.id, text: st.doc.text, start: span.start, end: span.end, kbId, status, action, shown, detected: action !== 'linkSelection' };
    options.onDecision?.(decision);
    if (learner === undefined) return;
    learner.observe(decision);
    if (++sinceRefit >= options.retrainEvery) {
      sinceRefit = 0;
      await learner.refit();
      refits++;
      await relinkOpen();
      if (st.passDone) await relinkDocument(st);
    } else {
      // The editor links a document again at once when the decided form occurs in it again (host/learning); with
      // the memory handed over at once, the other open documents where it occurs too.
      if (recursInText(st.doc.text, decided)) await relinkDocument(st);
      if (learner.memoryAtOnce === true) {
        const elsewhere = { start: -1, end: -1, text: decided.text };
        for (const other of states) if (other !== st && other.opened && !other.passDone && recursInText(other.doc.text, elsewhere)) await relinkDocument(other);
      }
    }
  };

  /** The picker's keys; `highlighted`: the rank it opens on (Choose Candidate: CHOOSE_HIGHLIGHTS, Link Selection: 0). */
  const pick = (ranked: LinkedMention['candidates'], gold: MappedGold, highlighted = 0): void => {
    const choice = pickerKeys(ranked, gold.ids, linker, options, highlighted);
    keys.picker += choice.keys;
    if (choice.via === 'unreachable') outcomes.unreachable++;
  };

  /** The annotator's decision on a suggestion the cursor is on (visited, or reached in the correction pass). */
  const act = async (st: DocState, s: OpenSuggestion): Promise<void> => {
    s.resolved = true;
    const gold = st.goldBySpan.get(spanKey(s.linked));
    const top = s.linked.nil ? undefined : s.linked.candidates[0];
    if (gold === undefined) {
      keys.reject += KEY.reject;
      await decide(st, s.linked, null, 'reject', s.linked, false);
    } else if (gold.status === 'in-kb') {
      if (top !== undefined && gold.ids.includes(top.id)) {
        keys.accept += KEY.accept;
        await decide(st, s.linked, top.id, 'accept', s.linked, true);
      } else {
        keys.choose += KEY.choose;
        pick(s.linked.candidates, gold, CHOOSE_HIGHLIGHTS);
        await decide(st, s.linked, gold.ids[0], 'choose', s.linked, false);
      }
    } else {
      keys.nil += KEY.nil;
      await decide(st, s.linked, null, 'nil', s.linked, s.linked.nil);
    }
  };

  /**
   * Reject Remaining on the first of `rest`: one key rejects every open suggestion of it, each a rejection the
   * learner observes in text order (the editor stores them as one undoable step).
   */
  const rejectRemaining = async (st: DocState, rest: readonly OpenSuggestion[]): Promise<void> => {
    keys.reject += KEY.rejectRemaining;
    for (const x of rest) x.resolved = true;
    for (const x of rest) await decide(st, x.linked, null, 'reject', x.linked, false);
  };

  /**
   * Accept Remaining on the first of `rest`: one key accepts the top candidate of every open suggestion of it, each
   * an accept the learner observes in text order (the editor stores them as one undoable step).
   */
  const acceptRemaining = async (st: DocState, rest: readonly OpenSuggestion[]): Promise<void> => {
    keys.accept += KEY.acceptRemaining;
    for (const x of rest) x.resolved = true;
    for (const x of rest) await decide(st, x.linked, x.linked.candidates[0]!.id, 'accept', x.linked, true);
  };
  /** The suggestion's top candidate is the gold entity (Accept takes it). */
  const topRight = (st: DocState, x: OpenSuggestion): boolean => {
    const gold = st.goldBySpan.get(spanKey(x.linked));
    const top = x.linked.nil ? undefined : x.linked.candidates[0];
    return gold?.status === 'in-kb' && top !== undefined && gold.ids.includes(top.id);
  };

  const open = async (index: number): Promise<void> => {
    const st = states[index];
    if (st.opened) return;
    st.opened = true;
    const linked = await linker.linkDocument(st.doc.text, st.decided);
    st.suggestions = linked.map((l) => ({ doc: index, linked: l, resolved: false }));
    const threshold = options.acceptAllThreshold;
    if (threshold === undefined || st.suggestions.length === 0) return;
    keys.acceptAll += KEY.acceptAll;
    for (const s of st.suggestions) {
      const top = s.linked.candidates[0];
      if (s.linked.nil || top === undefined || top.probability < threshold) continue;
      s.resolved = true;
      const gold = st.goldBySpan.get(spanKey(s.linked));
      if (gold?.status === 'in-kb' && gold.ids.includes(top.id)) await decide(st, s.linked, top.id, 'acceptAll', s.linked, true);
      else st.wrongAccepted.push(s);
    }
  };

  /** The spans the editor shows as mentions (predictions and stored decisions): Next Possible Mention skips them. */
  const shown = (st: DocState): Span[] => [...st.suggestions.map((x) => x.linked), ...st.decided];

  /** The KB's name spans Possible Name stops at (flow.possibleNames); undefined when the flow has no such command. */
  const namesOf = (st: DocState): readonly Span[] | undefined => {
    if (flow.possibleNames !== true || linker.nameSpans === undefined) return undefined;
    st.names ??= linker.nameSpans(st.doc.text);
    return st.names;
  };

  /**
   * Selects a missed mention from the selection `at`: by words or Find (selectionKeys), or with Next / Previous
   * Possible Mention when the flow has them and that is cheaper. Charges the keys; returns them.
   */
  const missedReach = (st: DocState, at: Span, item: Span): { keys: number; via: 'cursor' | 'possible' } => {
    // From a revealed mention that starts where the missed one does: widen or narrow the selection.
    const byCursor = Math.min(
      selectionKeys(st.doc.text, at.end, item.start, item.end),
      flow.acrossDocuments ? resizeKeys(st.doc.text, at.start, at.end, item.start, item.end) : Infinity,
      // Link Selection without a selection links the name at the caret: only the caret need reach it.
      flow.linkAtCaret === true ? caretKeys(st.doc.text, at.end, item.start, item.end) : Infinity,
    );
    const presses = (names?: readonly Span[]): number => possibleKeys(st.doc.text, possibleMentions(st.doc.text, shown(st), names), at.start, at.end, item.start, item.end);
    // Next / Previous Possible Mention, or Possible Name (flow.possibleNames: the KB-name stops), the fewer presses.
    const names = flow.possibleMentions ? namesOf(st) : undefined;
    const byPossible = flow.possibleMentions ? Math.min(presses(), names === undefined ? Infinity : presses(names)) : Infinity;
    return byPossible < byCursor ? { keys: byPossible, via: 'possible' } : { keys: byCursor, via: 'cursor' };
  };
  const reachMissed = (st: DocState, at: Span, item: Span): void => {
    const reach = missedReach(st, at, item);
    keys[reach.via] += reach.keys;
  };

  /**
   * Link Selection on a missed gold mention the selection is on, and the pick in the picker; or, when the flow
   * accepts a confident top candidate at once (topToAcceptAtOnce), nothing more for a right one and Undo, Choose
   * Candidate and the pick for a wrong one.
   */
  const linkByHand = async (st: DocState, item: Span & { gold: MappedGold }): Promise<void> => {
    keys.linkSelection += KEY.linkSelection;
    const [linked] = await linker.linkSpans(st.doc.text, [{ start: item.start, end: item.end }], st.decided);
    const atOnce = topToAcceptAtOnce(linked, flow.linkSelectionAcceptAbove);
    if (atOnce === undefined) pick(linked.candidates, item.gold);
    else if (!item.gold.ids.includes(atOnce)) {
      keys.undo += KEY.undo;
      keys.choose += KEY.choose;
      pick(linked.candidates, item.gold, CHOOSE_HIGHLIGHTS);
    }
    // The editor hides a prediction a stored annotation overlaps (mergeMentions): it needs no decision.
    st.suggestions = st.suggestions.filter((x) => x.resolved || !overlaps(x.linked, item));
    await decide(st, item, item.gold.ids[0], 'linkSelection', linked, false);
  };

  /** In-KB gold mentions (not optional) no suggestion or decision of the document has the span of. */
  const missedOf = (st: DocState): (Span & { gold: MappedGold })[] => {
    const known = new Set([...st.suggestions.map((x) => spanKey(x.linked)), ...st.decided.map(spanKey)]);
    return st.doc.mentions.filter((m) => m.gold.status === 'in-kb' && m.optional !== true && !known.has(spanKey(m)));
  };

  /** From the document start: link the missed in-KB gold mentions and correct wrong acceptances, in text order. */
  const correctionPass = async (index: number): Promise<void> => {
    const st = states[index];
    if (st.passDone) return;
    st.passDone = true;
    finished++;
    options.onProgress?.(finished, states.length);
    const detected = new Set(st.suggestions.map((s) => spanKey(s.linked)));
    const missed = st.doc.mentions.filter((m) => m.gold.status === 'in-kb' && m.optional !== true && !detected.has(spanKey(m)));
    type Item = { start: number; end: number } & ({ kind: 'missed'; gold: MappedGold } | { kind: 'wrong'; suggestion: OpenSuggestion });
    const items: Item[] = [
      ...missed.map((m): Item => ({ start: m.start, end: m.end, kind: 'missed', gold: m.gold })),
      ...st.wrongAccepted.map((s): Item => ({ start: s.linked.start, end: s.linked.end, kind: 'wrong', suggestion: s })),
    ].sort((a, b) => a.start - b.start);
    if (items.length === 0) return;
    if (currentDoc === index) keys.cursor += KEY.documentStart;
    else arrive(index);
    let cursor = 0;
    for (const item of items) {
      throwIfAborted(options.signal);
      if (item.kind === 'missed') {
        // Linking the document again after a decision in it may have proposed the mention since.
        const proposed = st.suggestions.find((x) => !x.resolved && x.linked.start === item.start && x.linked.end === item.end);
        if (proposed !== undefined) {
          keys.cursor += cursorKeys(st.doc.text, cursor, item.start, item.end);
          await act(st, proposed);
          cursor = item.start;
          continue;
        }
        reachMissed(st, { start: cursor, end: cursor }, item);
        await linkByHand(st, item);
        cursor = item.end;
      } else {
        keys.cursor += cursorKeys(st.doc.text, cursor, item.start, item.end);
        await act(st, item.suggestion);
        cursor = item.start;
      }
    }
    // What the document gained meanwhile and the pass did not take: Next Unresolved, then one action each.
    const added = (): OpenSuggestion | undefined => st.suggestions.find((x) => !x.resolved);
    if (added() !== undefined) keys.navigation += KEY.next;
    for (let s = added(); s !== undefined; s = added()) await act(st, s);
  };

  // --- The annotation queue (flow.acrossDocuments): every document once, in order; see EditorFlow. ---

  /** Whether the previous document was left by auto-advance (its last open mention decided): no key to arrive. */
  let advancedAway = false;
  /** Whether the last action of linkMissed was a Link Selection (not a correction). */
  let lastWasLink = false;
  const openOf = (st: DocState): OpenSuggestion[] => st.suggestions.filter((x) => !x.resolved).sort((a, b) => a.linked.start - b.linked.start);
  /** Where auto-advance goes after a decision ending at `end`: the next open mention at or after it, else the first. */
  const nextOpen = (st: DocState, end: number): OpenSuggestion | undefined => {
    const open = openOf(st);
    return open.find((x) => x.linked.start >= end) ?? open[0];
  };
  const span = (x: Span): Span => ({ start: x.start, end: x.end });

  /**
   * Links the document's missed mentions and corrects Accept All's wrong acceptances from the selection `at`,
   * the cheapest to reach first. Link Selection moves on to the document's next open mention (auto-advance), or
   * leaves the selection on the linked span when none is open. Returns the selection after; `acted` whether any.
   */
  const linkMissed = async (st: DocState, at: Span, take: (m: Span) => boolean = () => true): Promise<{ at: Span; acted: boolean }> => {
    let acted = false;
    lastWasLink = false;
    for (;;) {
      throwIfAborted(options.signal);
      const missed = missedOf(st).filter(take).map((m) => ({ item: m, reach: missedReach(st, at, m) }));
      const wrong = st.wrongAccepted.filter((w) => take(w.linked)).map((w) => ({ w, keys: cursorKeys(st.doc.text, at.end, w.linked.start, w.linked.end) }));
      const m = missed.reduce<(typeof missed)[number] | undefined>((a, b) => (a === undefined || b.reach.keys < a.reach.keys ? b : a), undefined);
      const w = wrong.reduce<(typeof wrong)[number] | undefined>((a, b) => (a === undefined || b.keys < a.keys ? b : a), undefined);
      if (m === undefined && w === undefined) return { at, acted };
      acted = true;
      let end: number;
      if (m !== undefined && (w === undefined || m.reach.keys <= w.keys)) {
        keys[m.reach.via] += m.reach.keys;
        await linkByHand(st, m.item);
        lastWasLink = true;
        end = m.item.end;
        at = span(m.item);
      } else if (w !== undefined) {
        keys.cursor += w.keys;
        st.wrongAccepted.splice(st.wrongAccepted.indexOf(w.w), 1);
        await act(st, w.w);
        lastWasLink = false;
        end = w.w.linked.end;
        at = span(w.w.linked);
      } else return { at, acted };
      const next = nextOpen(st, end);
      if (next !== undefined) {
        extraNextManual++;
        at = span(next.linked);
      }
    }
  };

  /**
   * One document of the queue: arrive (no key when the previous one was left by auto-advance, else Next
   * Unresolved), link what the linker missed, then decide the suggestions, each decision moving on; the last
   * one moves on to the next document. A mention the document lost meanwhile (a suggestion withdrawn by linking
   * it again) costs Ctrl+Tab back to it.
   */
  const queueDocument = async (index: number): Promise<void> => {
    const st = states[index];
    await open(index);
    if (advancedAway) extraNextManual++;
    else keys.navigation += KEY.documentSwitch;
    currentDoc = index;
    documentSwitches++;
    let at: Span = span(nextOpen(st, 0)?.linked ?? { start: 0, end: 0 });
    let leftByAdvance = false;
    for (let round = 0; round < 4; round++) {
      if (round > 0) {
        if (missedOf(st).length === 0 && st.wrongAccepted.length === 0 && openOf(st).length === 0) break;
        if (leftByAdvance) keys.navigation += KEY.previousEditor;
      }
      const pass = async (take?: (m: Span) => boolean): Promise<boolean> => {
        const done = await linkMissed(st, at, take);
        at = done.at;
        if (done.acted) leftByAdvance = false;
        return done.acted;
      };
      for (let open = openOf(st); open.length > 0; open = openOf(st)) {
        throwIfAborted(options.signal);
        let s = open.find((x) => x.linked.start === at.start && x.linked.end === at.end);
        if (s === undefined) {
          keys.navigation += KEY.next;
          s = nextOpen(st, at.end) as OpenSuggestion;
          at = span(s.linked);
        }
        // Reading along: what the linker missed before this suggestion or overlapping it (Link Selection hides the
        // suggestion then); before the last decision, the rest too,
        // but for a pronoun, linked once its antecedent is decided (Ctrl+Tab back to the document, below).
        // Reject Remaining (flow.rejectRemaining): the suggestion at the cursor and every one open after it are no
        // mentions, and none is open before it: one key rejects them all, the document's last decision.
        // Accept Remaining (flow.acceptRemaining): likewise when every one of them has the right top candidate.
        const whole = s === open[0] && open.length > 1;
        const rest = flow.rejectRemaining === true && whole && open.every((x) => st.goldBySpan.get(spanKey(x.linked)) === undefined) ? open : undefined;
        const right = flow.acceptRemaining === true && whole && open.every((x) => topRight(st, x)) ? open : undefined;
        const last = open.length === 1 || rest !== undefined || right !== undefined;
        const end = s.linked.end;
        if (await pass((m) => m.start < end || (last && pronounOf(st.doc.text.slice(m.start, m.end)) === undefined))) continue;
        if (rest !== undefined) await rejectRemaining(st, rest);
        else if (right !== undefined) await acceptRemaining(st, right);
        else await act(st, s);
        lastWasLink = false;
        leftByAdvance = true;
        const next = nextOpen(st, (rest?.[rest.length - 1] ?? right?.[right.length - 1] ?? s).linked.end);
        if (next === undefined) break;
        extraNextManual++;
        at = span(next.linked);
      }
      // What is left after the last decision (a pronoun) is linked after Ctrl+Tab back to the document.
      const away = leftByAdvance;
      if ((await pass()) && away) keys.navigation += KEY.previousEditor;
    }
    st.passDone = true;
    finished++;
    options.onProgress?.(finished, states.length);
    // Link Selection and Move On (flow.linkSelectionMovesOn) as the document's last action leaves it too.
    const done = openOf(st).length === 0 && missedOf(st).length === 0 && st.wrongAccepted.length === 0;
    advancedAway = leftByAdvance || (flow.linkSelectionMovesOn === true && lastWasLink && done);
  };

  const visit = async (s: OpenSuggestion): Promise<void> => {
    if (s.doc === currentDoc) extraNextManual++;
    else arrive(s.doc);
    const st = states[s.doc];
    await act(st, s);
    if (st.suggestions.every((x) => x.resolved)) await correctionPass(s.doc);
  };

  if (options.order === 'document' && flow.acrossDocuments) {
    for (let i = 0; i < states.length; i++) await queueDocument(i);
  } else if (options.order === 'document') {
    for (let i = 0; i < states.length; i++) {
      await open(i);
      for (let s = nextSuggestion(states[i].suggestions, 'document'); s !== undefined; s = nextSuggestion(states[i].suggestions, 'document')) {
        throwIfAborted(options.signal);
        await visit(s);
      }
      await correctionPass(i);
    }
  } else {
    for (let i = 0; i < states.length; i++) {
      throwIfAborted(options.signal);
      await open(i);
    }
    const all = (): OpenSuggestion[] => states.flatMap((st) => st.suggestions);
    for (let s = nextSuggestion(all(), 'uncertainty'); s !== undefined; s = nextSuggestion(all(), 'uncertainty')) {
      throwIfAborted(options.signal);
      await visit(s);
    }
    for (let i = 0; i < states.length; i++) await correctionPass(i);
  }

  const total = Object.values(keys).reduce((a, b) => a + b, 0);
  const halves = accuracyHalves(correct);
  return {
    gold: docs.reduce((n, d) => n + d.mentions.filter((m) => m.gold.status === 'in-kb' && m.optional !== true).length, 0),
    goldNotInKb: docs.reduce((n, d) => n + d.mentions.filter((m) => m.gold.status !== 'in-kb').length, 0),
    documents: docs.length,
    keystrokes: { autoAdvance: total, manual: total + extraNextManual },
    keys,
    extraNextManual,
    decisions: correct.length,
    accuracyByBlock: accuracyByBlock(correct, options.blockSize),
    accuracyFirstHalf: halves.first,
    accuracySecondHalf: halves.second,
    outcomes,
    refits,
    documentSwitches,
  };
}
