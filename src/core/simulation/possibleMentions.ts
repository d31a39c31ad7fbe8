import { capitalisedRuns } from '../detection/spanProposals';
import { FUNCTION_WORDS } from '../detection/functionWords';
import { pronounOf } from '../coreference/pronouns';
import { tokenize } from '../linker/tokens';
import type { Span } from '../linker/types';

/**
 * The spans Next / Previous Possible Mention (editor commands) step through, so a mention the linker did not
 * detect is selected in a few presses instead of word by word: in text order, each
 * - a run of capitalised words (with the particles and joiners of names: "University of Turin", "U.S."),
 * - a lower-case word that is no function word ("professor", "archaeologist"), or
 * - a third-person pronoun ("he", "her", "they"),
 * that overlaps no mention the editor shows (`taken`: predictions and stored annotations); and a run of
 * capitalised words that strictly contains shown mentions and overlaps no other ("Polytechnic Institute of Turin"
 * around a suggested "Turin": Previous Possible Mention from the suggestion selects the whole name). Pure text:
 * the editor computes them without the linker, and simulate replays the same steps. A run with particles also
 * offers the name after each ("Southampton" of "Mayor of Southampton"), reached from the whole run by Next and
 * before it by Previous. `names` (when given): the spans of the text the KB has a name for in any case
 * (kbNameSpans.ts); a lower-case word is then a stop only where one of them overlaps it ("professor" for the KB's
 * Professor, "royal engineers"), so the presses skip the common words no entity is named by.
 */
export function possibleMentions(text: string, taken: readonly Span[], names?: readonly Span[]): Span[] {
  const tokens = tokenize(text);
  const out: Span[] = [];
  const inRun = new Set<number>();
  const sorted = [...taken].sort((a, b) => a.start - b.start);
  const around: Span[] = [];
  const sortedNames = names === undefined ? undefined : [...names].sort((a, b) => a.start - b.start);
  for (const [first, last] of capitalisedRuns(text, tokens)) {
    for (let i = first; i <= last; i++) inRun.add(i);
    const run = { start: tokens[first].start, end: tokens[last].end };
    out.push(run);
    // A capitalised function word right before the run ("New York", "The Hague"), as nameAtCaret takes it: the whole too.
    const before = tokens[first - 1];
    if (before?.word === true && /^\p{Lu}/u.test(before.surface) && text.slice(before.end, run.start) === ' ') out.push({ start: before.start, end: run.end });
    // The name after each particle of the run: "Southampton" of "Mayor of Southampton", "Turin" of "University of Turin".
    for (let i = first + 1; i < last; i++) if (tokens[i].word && !/^\p{Lu}/u.test(tokens[i].surface) && tokens[i + 1].word) out.push({ start: tokens[i + 1].start, end: run.end });
    const inside = sorted.filter((t) => t.start < run.end && t.end > run.start);
    if (inside.length > 0 && inside.every((t) => t.start >= run.start && t.end <= run.end && t.end - t.start < run.end - run.start)) around.push(run);
  }
  tokens.forEach((t, i) => {
    if (!t.word || inRun.has(i)) return;
    const pronoun = pronounOf(t.surface) !== undefined;
    const contentWord = !/^\p{Lu}/u.test(t.surface) && !/^\p{N}+$/u.test(t.surface) && t.surface.length > 1 && !FUNCTION_WORDS.has(t.folded);
    // With the KB's names: the word is in one, or modifies a word that is ("full" of "full professor").
    const next = tokens[i + 1];
    const named = (w: Span): boolean => overlapsAny(sortedNames ?? [], w);
    const modifier = next?.word === true && !/^\p{Lu}/u.test(next.surface) && text.slice(t.end, next.start) === ' ' && named(next);
    if (pronoun || (contentWord && (names === undefined || named(t) || modifier))) out.push({ start: t.start, end: t.end });
  });
  return [...out.filter((s) => !overlapsAny(sorted, s)), ...around].sort((a, b) => a.start - b.start);
}

/**
 * What Link Selection links when nothing is selected: the name at the caret — the run of capitalised words (with
 * the particles of names: "University of Turin") holding the word the caret is in or touches; a capitalised word
 * that starts no run itself ("New", "The": function words) with the run right after it ("New York", "The Hague");
 * else that word. Undefined when the caret is at no word. Pure text, so the editor and simulate agree.
 */
export function nameAtCaret(text: string, offset: number): Span | undefined {
  const tokens = tokenize(text);
  const at = tokens.findIndex((t) => t.word && t.start <= offset && offset <= t.end);
  if (at < 0) return undefined;
  const runs = capitalisedRuns(text, tokens);
  const run = runs.find(([first, last]) => first <= at && at <= last);
  if (run !== undefined) return { start: tokens[run[0]].start, end: tokens[run[1]].end };
  const after = runs.find(([first]) => first === at + 1);
  if (after !== undefined && /^\p{Lu}/u.test(tokens[at].surface) && text.slice(tokens[at].end, tokens[at + 1].start) === ' ') return { start: tokens[at].start, end: tokens[after[1]].end };
  return { start: tokens[at].start, end: tokens[at].end };
}

function overlapsAny(sorted: readonly Span[], s: Span): boolean {
  for (const t of sorted) {
    if (t.start >= s.end) return false;
    if (t.end > s.start) return true;
  }
  return false;
}

/**
 * The possible mention one press of Next (1) or Previous (-1) Possible Mention selects from the selection
 * [from, to): forward the first starting at or after `to` or, for a selection, inside it and ending with it (the
 * name after a particle of the selected run), backward the last (by start) ending at or before `from` or, for a
 * selection, starting before it and ending at or after its end (a name around it); wrapping round at either end,
 * like Next Unresolved. Undefined when there is none.
 */
export function stepPossible(spans: readonly Span[], from: number, to: number, direction: 1 | -1): Span | undefined {
  if (spans.length === 0) return undefined;
  if (direction > 0) return spans.find((s) => s.start >= to || (from < to && s.start > from && s.end === to)) ?? spans[0];
  return [...spans].reverse().find((s) => s.end <= from || (from < to && s.start < from && s.end >= to)) ?? spans[spans.length - 1];
}

/**
 * Presses of Next or Previous Possible Mention (the cheaper direction) from the selection [from, to) until the
 * selection is the possible mention starting at `start`; undefined when none starts there.
 */
export function possibleSteps(spans: readonly Span[], from: number, to: number, start: number): { presses: number; span: Span } | undefined {
  const target = spans.find((s) => s.start === start);
  if (target === undefined) return undefined;
  let best: number | undefined;
  for (const direction of [1, -1] as const) {
    let at = { start: from, end: to };
    for (let presses = 1; presses <= spans.length; presses++) {
      const next = stepPossible(spans, at.start, at.end, direction);
      if (next === undefined) break;
      if (next.start === start) {
        best = Math.min(best ?? presses, presses);
        break;
      }
      at = next;
    }
  }
  return best === undefined ? undefined : { presses: best, span: target };
}
