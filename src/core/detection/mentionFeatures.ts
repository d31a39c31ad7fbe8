import type { Entity } from '../kb/entity';
import type { Token } from '../linker/tokens';
import { hasUpperCase, isAcronym } from '../linker/tokens';
import { LOWER_CASE_ARTICLES, isFunctionWord, isSentenceStart } from './functionWords';
import { capitalisedRuns } from './spanProposals';
import type { WordFrequencies } from './wordFrequencies';

/**
 * The lexical cues the mention scorer weighs, by name (the order of the feature vector). Every value is in
 * about [-1, 1] so one learning rate and one L2 penalty suit them all.
 * - shape: token count, length, capitalisation, acronym, digits;
 * - position: sentence start (alone and for one-word spans, where a capital says nothing);
 * - WordNet: function word, and how common the span is as an ordinary word (tag counts, corpus-independent);
 * - gazetteer evidence: found by the name dictionary or only proposed, fuzzy, how many entities share the name;
 * - neighbours: capitalised words just outside the span, or a longer capitalised name around it ("Edinburgh"
 *   in "University of Edinburgh": the name is the whole), a determiner or preposition before it;
 * - exact title: the span, case included, is the title of one of the matched entities (not only an alias);
 * - person noun: the share of the span's (or its head word's) WordNet noun uses that are in noun.person — roles
 *   and occupations ("professor", "rector", "leader"), which annotation guidelines such as OKE's annotate;
 * - memory: what the annotator (or the training gold) decided before for this surface form, and for spans
 *   whose matched entities have this KB type (persons and places may be annotated where works are not).
 */
export const MENTION_FEATURE_NAMES = [
  'bias',
  'oneToken',
  'twoTokens',
  'manyTokens',
  'length',
  'capitalisedShare',
  'allCapitalised',
  'acronym',
  'lowerCase',
  'hasDigit',
  'sentenceStart',
  'sentenceStartOneToken',
  'functionWord',
  'commonWord',
  'commonWordAtStart',
  'nounShare',
  'fromGazetteer',
  'fuzzy',
  'ambiguity',
  'prevCapitalised',
  'nextCapitalised',
  'insideLongerName',
  'prevDeterminer',
  'prevPreposition',
  'exactTitle',
  'personNoun',
  'surfaceMemory',
  'surfaceSeen',
  'typeMemory',
  'typeSeen',
] as const;

export type MentionFeatureName = (typeof MENTION_FEATURE_NAMES)[number];

/** A span to score: where it is (token indices into the paragraph's tokens) and what the gazetteer knew of it. */
export interface SpanEvidence {
  /** Index of the span's first and last token in `tokens`. */
  readonly first: number;
  readonly last: number;
  /** KB rows whose names matched (empty for a proposed span the dictionary does not know). */
  readonly rows: readonly number[];
  readonly fromGazetteer: boolean;
  readonly fuzzy: boolean;
}

/** What the surface-form memory says: accepted and rejected counts for this (case-folded) surface. */
export interface SurfaceCounts {
  readonly positive: number;
  readonly negative: number;
}

const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'that', 'these', 'those', 'his', 'her', 'its', 'their', 'our', 'my', 'your']);
const PREPOSITIONS = new Set(['of', 'in', 'at', 'from', 'to', 'by', 'on', 'for', 'with', 'into', 'near', 'between']);

function isCapitalised(t: Token): boolean {
  return t.word && /^\p{Lu}/u.test(t.surface);
}

function neighbourWord(tokens: readonly Token[], i: number, step: 1 | -1): Token | undefined {
  const t = tokens[i + step];
  return t !== undefined && t.word ? t : undefined;
}

const MEMORY_SLOTS = [
  [MENTION_FEATURE_NAMES.indexOf('surfaceMemory'), MENTION_FEATURE_NAMES.indexOf('surfaceSeen')],
  [MENTION_FEATURE_NAMES.indexOf('typeMemory'), MENTION_FEATURE_NAMES.indexOf('typeSeen')],
] as const;

/**
 * `features` with the memory entries set from the surface and type counts: each count pair's balance in
 * [-1, 1], shrunk towards 0 for few decisions, and how many there are.
 */
export function withMemory(features: readonly number[], surface: SurfaceCounts, type: SurfaceCounts): number[] {
  const x = [...features];
  [surface, type].forEach((c, k) => {
    const seen = c.positive + c.negative;
    x[MEMORY_SLOTS[k][0]] = (c.positive - c.negative) / (seen + 2);
    x[MEMORY_SLOTS[k][1]] = Math.min(1, Math.log1p(seen) / 5);
  });
  return x;
}

/** The type key of a span the dictionary does not know. */
export const PROPOSED_TYPE = '(proposed)';

/**
 * The memory key of a span's KB types: the sorted distinct types of the matched entities, "(untyped)" when
 * they have none, "(proposed)" for a span the dictionary does not know.
 */
export function typeKey(span: Pick<SpanEvidence, 'rows' | 'fromGazetteer'>, entities: readonly Entity[] | undefined): string {
  if (!span.fromGazetteer) return PROPOSED_TYPE;
  const types = [...new Set(span.rows.map((r) => entities?.[r]?.type).filter((t): t is string => t !== undefined && t !== ''))].sort();
  return types.length === 0 ? '(untyped)' : types.join('|');
}

/** Appended to a span's type key when it is a part of a comma chain of names (MentionDetector.chainContext). */
export const CHAIN_PART = '\u0001chain';

/**
 * True when tokens first..last are one part of a comma chain of capitalised names: a comma right after the span
 * followed by a capitalised word, or one right before it preceded by one ("Cullompton" and "Devon" of
 * "Cullompton, Devon"; "Missouri" of "Moberly, Missouri"). Annotators treat such parts their own way (the chain
 * whole or each part), unlike a name standing alone.
 */
export function commaChainPart(tokens: readonly Token[], first: number, last: number): boolean {
  const comma = (i: number): boolean => tokens[i] !== undefined && !tokens[i].word && tokens[i].surface === ',';
  const capital = (i: number): boolean => tokens[i] !== undefined && isCapitalised(tokens[i]);
  return (comma(last + 1) && capital(last + 2)) || (comma(first - 1) && capital(first - 2));
}

/** The run (sorted, not overlapping) that strictly contains tokens first..last, if any; binary search. */
function enclosingRun(runs: readonly (readonly [number, number])[], first: number, last: number): readonly [number, number] | undefined {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid][1] < first) lo = mid + 1;
    else if (runs[mid][0] > first) hi = mid - 1;
    else return last <= runs[mid][1] && runs[mid][1] - runs[mid][0] > last - first ? runs[mid] : undefined;
  }
  return undefined;
}

/**
 * True when tokens first..last are part of a longer capitalised name (capitalisedRuns): "Edinburgh" of
 * "University of Edinburgh", "John" of "John Ashbery". Not when the run only adds, before the span, capitalised
 * words that are common nouns or adjectives in WordNet (a title or role: "Prime Minister Ehud Olmert",
 * "President Barack Obama"; the word next to the name a noun with WordNet tag count >= 3, the others any ordinary
 * word: "Southern California", "John Ashbery" stay inside): the name itself is the span.
 */
export function insideLongerName(tokens: readonly Token[], runs: readonly (readonly [number, number])[], first: number, last: number, frequencies: WordFrequencies | undefined): boolean {
  const run = enclosingRun(runs, first, last);
  if (run === undefined) return false;
  if (run[1] !== last || frequencies === undefined) return true;
  const before = tokens.slice(run[0], first);
  const known = (t: Token, noun: boolean): boolean => {
    const c = frequencies.of(t.folded);
    return t.word && (noun ? c.noun : c.noun + c.other) >= TITLE_WORD_COUNT;
  };
  // Every added word an ordinary word, the one next to the name a noun ("Prime Minister", not "Southern", "John").
  return !(before.every((t) => known(t, false)) && known(before[before.length - 1], true));
}

/** WordNet tag count from which a capitalised word before a name reads as an ordinary word (title or role). */
const TITLE_WORD_COUNT = 3;

/**
 * Where the name starts in a capitalised run that opens with a person's title: the words before it are ordinary
 * words in WordNet (tag count >= 3) and the last of them (a trailing "of" aside) is a noun used mostly for a person
 * (noun.person: roles, offices, ranks): "Mayor of | Southampton", "Vice-President | Al Gore", "President | John
 * Quincy Adams". The latest such start; undefined when the run opens with no title ("University of Turin": a
 * university is no person; "John Ashbery": "john" is too rare a noun).
 */
export function nameAfterTitle(tokens: readonly Token[], run: readonly [number, number], frequencies: WordFrequencies): number | undefined {
  for (let k = run[1]; k > run[0]; k--) {
    if (!tokens[k].word) continue;
    const words = tokens.slice(run[0], k).filter((t) => t.word);
    // A trailing "the" (a run joined over "of the": joinedNameRuns) and "of" aside.
    if (words.length > 1 && words[words.length - 1].surface === 'the') words.pop();
    if (words.length > 1 && words[words.length - 1].folded === 'of') words.pop();
    const head = words[words.length - 1];
    if (head === undefined || !words.every((t) => { const c = frequencies.of(t.folded); return c.noun + c.other >= TITLE_WORD_COUNT; })) continue;
    const c = frequencies.of(head.folded);
    if (c.noun >= TITLE_WORD_COUNT && 2 * frequencies.personOf(head.folded) >= c.noun) return k;
  }
  return undefined;
}

/**
 * True when tokens first..last are the title or the name of a run that opens with a person's title
 * (nameAfterTitle): "Southampton" and "Mayor" of "Mayor of Southampton" each stand alone.
 */
function titleOrNameOfRun(tokens: readonly Token[], runs: readonly (readonly [number, number])[], first: number, last: number, frequencies: WordFrequencies): boolean {
  const run = enclosingRun(runs, first, last);
  const k = run === undefined ? undefined : nameAfterTitle(tokens, run, frequencies);
  if (run === undefined || k === undefined) return false;
  if (first === k && last === run[1]) return true;
  // The title: the run's words before the name, a trailing "of" (or "of the") or hyphen aside.
  let end = k - 1;
  while (end > run[0] && (!tokens[end].word || tokens[end].folded === 'of' || tokens[end].surface === 'the')) end--;
  return first === run[0] && last === end;
}

/**
 * The share of noun.person among the WordNet noun uses of the span's lemma, else of its last word (the head:
 * "associate professor" -> "professor"), a plural's singular tried too; 0 without WordNet's tag counts.
 */
function personShare(words: readonly Token[], frequencies: WordFrequencies | undefined): number {
  if (frequencies === undefined || words.length === 0) return 0;
  const head = words[words.length - 1].folded;
  const forms = [words.map((t) => t.folded).join(' '), head, head.endsWith('s') ? head.slice(0, -1) : head];
  for (const form of forms) {
    const c = frequencies.of(form);
    if (c.noun > 0) return Math.min(1, frequencies.personOf(form) / c.noun);
  }
  return 0;
}

/**
 * Optional cues (left out, their features stay 0 / as before). personNoun and titleBeforeName are off by default:
 * on the OKE training files' 2-fold cross-validation over 4 fold assignments they cost 2.8 points of end-to-end F1
 * (bench/endToEnd.ts, BENCHMARKS.md); personTitle is on.
 */
export interface MentionCues {
  /** personNoun from WordNet's noun.person (else 0). */
  readonly personNoun: boolean;
  /** A title before a name does not make it part of a longer name (insideLongerName; else any longer run does). */
  readonly titleBeforeName: boolean;
  /**
   * A person's title opening a run (nameAfterTitle: "Mayor of Southampton", "Vice-President Al Gore") makes
   * neither the title nor the name part of a longer name: insideLongerName is 0 for both (absent: false). On by
   * default (session 7): end-to-end F1 on the OKE training CV +1.1 (random folds x 4) / +3.0 (by file); held out
   * +0.1 / -0.4 on oke-2015-eval / oke-2016-eval; simulate keys unchanged (bench/endToEnd.ts, BENCHMARKS.md).
   */
  readonly personTitle?: boolean;
  /**
   * A span opening with a lower-case article ("the District") is part of a longer name when the rest is
   * (insideLongerName of "District" in "District of Connecticut"); without it the article, which no capitalised run
   * holds, keeps such a span outside every longer name (absent: false).
   */
  readonly articleInName?: boolean;
  /**
   * Longer names cross the lower-case words inside names of institutions and offices (spanProposals.ts
   * joinedNameRuns: "Illinois" of "University of Illinois at Chicago", "Advanced Study" of "the Institute for
   * Advanced Study" are inside a longer name); the runs the detector passes to mentionFeatures (absent: false).
   */
  readonly nameConnectors?: boolean;
}

/** articleInName on since session 9, round 2 (BENCHMARKS.md "Session 9 (e2e, round 2)": training CV +1.1 / +1.2). */
export const DEFAULT_MENTION_CUES: MentionCues = { personNoun: false, titleBeforeName: false, personTitle: true, articleInName: true };

/** The feature vector of one span, in MENTION_FEATURE_NAMES order, with an empty memory. */
export function mentionFeatures(
  text: string,
  tokens: readonly Token[],
  span: SpanEvidence,
  frequencies: WordFrequencies | undefined,
  entities?: readonly Entity[],
  /** capitalisedRuns(text, tokens), when the caller scores many spans of the same tokens (saves a pass each). */
  runs: readonly (readonly [number, number])[] = capitalisedRuns(text, tokens),
  cues: MentionCues = DEFAULT_MENTION_CUES,
): number[] {
  const inside = tokens.slice(span.first, span.last + 1);
  const words = inside.filter((t) => t.word);
  const n = words.length;
  const surface = text.slice(tokens[span.first].start, tokens[span.last].end);
  const start = isSentenceStart(text, tokens, span.first);
  const capitalised = words.filter(isCapitalised).length;
  const lemma = words.map((t) => t.folded).join(' ');
  const counts = frequencies?.of(lemma) ?? { noun: 0, other: 0 };
  const common = Math.min(1, Math.log1p(counts.noun + counts.other) / 6);
  const prev = neighbourWord(tokens, span.first, -1);
  const nameFirst = cues.articleInName === true && span.first < span.last && LOWER_CASE_ARTICLES.has(tokens[span.first].surface) ? span.first + 1 : span.first;
  const next = neighbourWord(tokens, span.last, 1);
  const f: Record<MentionFeatureName, number> = {
    bias: 1,
    oneToken: n === 1 ? 1 : 0,
    twoTokens: n === 2 ? 1 : 0,
    manyTokens: n > 2 ? 1 : 0,
    length: Math.min(1, Math.log1p(surface.length) / 4),
    capitalisedShare: n === 0 ? 0 : capitalised / n,
    allCapitalised: n > 0 && words.every((t) => isCapitalised(t) || t.folded.length <= 3) && capitalised > 0 ? 1 : 0,
    acronym: isAcronym(surface) ? 1 : 0,
    lowerCase: hasUpperCase(surface) ? 0 : 1,
    hasDigit: /\p{N}/u.test(surface) ? 1 : 0,
    sentenceStart: start ? 1 : 0,
    sentenceStartOneToken: start && n === 1 ? 1 : 0,
    functionWord: n === 1 && isFunctionWord(words[0], frequencies) ? 1 : 0,
    commonWord: common,
    commonWordAtStart: start ? common : 0,
    nounShare: counts.noun + counts.other === 0 ? 0 : counts.noun / (counts.noun + counts.other),
    fromGazetteer: span.fromGazetteer ? 1 : 0,
    fuzzy: span.fuzzy ? 1 : 0,
    ambiguity: Math.min(1, Math.log1p(span.rows.length) / 3),
    prevCapitalised: prev !== undefined && isCapitalised(prev) && !isSentenceStart(text, tokens, span.first - 1) ? 1 : 0,
    nextCapitalised: next !== undefined && isCapitalised(next) ? 1 : 0,
    insideLongerName: insideLongerName(tokens, runs, nameFirst, span.last, cues.titleBeforeName ? frequencies : undefined) && !(cues.personTitle === true && frequencies !== undefined && titleOrNameOfRun(tokens, runs, span.first, span.last, frequencies)) ? 1 : 0,
    prevDeterminer: prev !== undefined && DETERMINERS.has(prev.folded) ? 1 : 0,
    prevPreposition: prev !== undefined && PREPOSITIONS.has(prev.folded) ? 1 : 0,
    exactTitle: span.rows.some((r) => entities?.[r]?.title === surface) ? 1 : 0,
    personNoun: cues.personNoun ? personShare(words, frequencies) : 0,
    // Filled in by the scorer, which holds the memory (see withMemory).
    surfaceMemory: 0,
    surfaceSeen: 0,
    typeMemory: 0,
    typeSeen: 0,
  };
  return MENTION_FEATURE_NAMES.map((name) => f[name]);
}
