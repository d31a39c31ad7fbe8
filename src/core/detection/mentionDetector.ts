import type { Entity } from '../kb/entity';
import type { DetectedMention, Gazetteer } from '../linker/gazetteer';
import { paragraphRanges } from '../linker/paragraphs';
import type { Token } from '../linker/tokens';
import { tokenize } from '../linker/tokens';
import type { Span } from '../linker/types';
import { FUNCTION_WORDS, LOWER_CASE_ARTICLES, isFunctionWord, isSentenceStart } from './functionWords';
import { CHAIN_PART, DEFAULT_MENTION_CUES, commaChainPart, mentionFeatures, typeKey } from './mentionFeatures';
import type { MentionCues } from './mentionFeatures';
import type { SpanEvidence } from './mentionFeatures';
import type { MentionExample, MentionScorer } from './mentionScorer';
import { capitalisedRuns, joinedNameRuns } from './spanProposals';
import { isRoleTitle, roleCompoundStart } from './roleTitles';
import type { LearnedDetection, LearnedMatch } from './learnedDetection';
import type { WordFrequencies } from './wordFrequencies';
import { surnameOf } from '../learning/annotatorMemory';
import { chainTails } from './chainConvention';

export interface MentionDetectorInit {
  readonly gazetteer: Gazetteer;
  /** The KB rows the gazetteer was built from (types and titles are mention cues). */
  readonly entities?: readonly Entity[];
  /** WordNet tag counts (builtInWordFrequencies()); without them only the stop list marks function words. */
  readonly frequencies?: WordFrequencies;
  readonly scorer?: MentionScorer;
  /** Detection names and suppressed forms learned from the annotator (see learnedDetection.ts). */
  readonly learned?: LearnedDetection;
  /**
   * Surnames of detected full names in the same paragraph (`withParagraphSurnames`); default false: measured on
   * OKE it adds no right link (the ranker seldom puts the full name's entity first for a bare surname) and costs
   * precision (bench/endToEnd.ts, docs/BENCHMARKS.md).
   */
  readonly surnames?: boolean;
}

/** A span with a label, for learning: accepted / gold / Link Selection (true), rejected / not a mention (false). */
export interface LabelledSpan extends Span {
  readonly label: boolean;
}

interface Candidate extends SpanEvidence {
  readonly start: number;
  readonly end: number;
}

/**
 * Mention detection in three steps over one paragraph's tokens:
 * 1. the gazetteer's dictionary matches, less a lone function word opening a sentence ("In", "The", "May");
 * 2. with a mention scorer, capitalised sequences the dictionary does not know (when `proposals` is on and the
 *    scorer was fitted to judge them, MentionFitOptions.proposals);
 * 3. with a mention scorer, every candidate is kept only when its probability reaches the scorer's threshold.
 * Without a scorer this is the dictionary with the function-word rule, as before.
 */
export class MentionDetector {
  readonly gazetteer: Gazetteer;
  readonly frequencies: WordFrequencies | undefined;
  readonly entities: readonly Entity[] | undefined;
  scorer: MentionScorer | undefined;
  learned: LearnedDetection | undefined;
  surnames: boolean;
  /**
   * A dictionary match opening with a lower-case article ("the president" for the title "The President", "the D"
   * for Detroit's alias "The D") is cut to the name after it, or dropped when the dictionary does not know that
   * rest as a whole name (`withoutArticle`). Annotation guidelines leave the article out (one gold span of 1,046 in
   * the OKE training files starts with one, and that one capitalised). Off by default: +2.7 end-to-end F1 on the
   * OKE training CV, -0.7 / -1.3 on the held-out oke-2015-eval / oke-2016-eval (bench/endToEnd.ts, BENCHMARKS.md
   * "Session 6: end-to-end").
   */
  articles = false;
  /**
   * For an annotator who links place chains whole, the tail of a chain whose head no candidate joins is not
   * proposed alone (chainConvention.ts chainTails; withoutChainTails). Off by default: on the leak-free oke
   * training files it raised the second half's suggestion accuracy by 3-4 points but cost 3 keys on each file
   * ("Somerset" of "Wiveliscombe, Somerset", annotated alone, became a miss): BENCHMARKS.md "Session 10 (curve)".
   */
  chainTails = false;
  /** Which optional cues the features use (mentionFeatures.ts MentionCues); none by default. */
  cues: MentionCues = DEFAULT_MENTION_CUES;
  /**
   * Role words (roleTitles.ts): a dictionary match that is a WordNet person noun and the title of one of its
   * entities ("professor" -> the KB's "Professor") is kept whatever the scorer says (unless the annotator withdrew
   * the form), and takes in a WordNet compound ending with it ("associate professor"). On by default (session 8):
   * end-to-end F1 on the OKE training CV 53.0 -> 54.4 (random folds x 4) / 52.1 -> 57.5 (by file), held out
   * 65.9 -> 68.0 / 65.3 -> 65.8 (bench/endToEnd.ts, BENCHMARKS.md "Session 8 (e2e)").
   */
  roleTitles = true;
  /**
   * Role titles pass the learned annotation conventions by kind (the linker drops no role title for its entity's KB
   * type and shape, only when the form's own decisions withdraw it): DetectedMention.role marks them. On by default
   * (session 9; with articlesYield and the scorer's 'smoothed' threshold, BENCHMARKS.md "Session 9 (e2e)").
   */
  rolesPastConventions = true;
  /**
   * A dictionary match opening with a lower-case article yields to a longer one starting after the article ("the
   * City" of "the City of London": dictionaryMatches). On by default (session 9, BENCHMARKS.md "Session 9 (e2e)").
   */
  articlesYield = true;
  /**
   * The scorer's type memory keeps parts of comma chains of names ("Missouri" of "Moberly, Missouri") apart from
   * names standing alone (commaChainPart; the type key gets CHAIN_PART). On by default (session 9, round 2, with the
   * scorer's typeContext: BENCHMARKS.md "Session 9 (e2e, round 2)").
   */
  chainContext = true;

  constructor(init: MentionDetectorInit) {
    this.surnames = init.surnames ?? false;
    this.gazetteer = init.gazetteer;
    this.frequencies = init.frequencies;
    this.entities = init.entities;
    this.scorer = init.scorer;
    this.learned = init.learned;
  }

  /**
   * Mentions in `text.slice(from, to)` (offsets relative to `text`), in text order; `learned` replaces the
   * detector's learned forms for this call (those of the memory plus the document's decisions).
   */
  detect(text: string, from = 0, to = text.length, learned = this.learned): DetectedMention[] {
    const tokens = tokensOf(text, from, to);
    const candidates = this.candidates(text, tokens, this.scorer?.judgesProposals === true && this.gazetteer.options.proposals, learned);
    const scorer = this.scorer;
    const runs = scorer === undefined ? [] : this.nameRuns(text, tokens);
    const out: DetectedMention[] = [];
    for (const c of candidates) {
      const mention = { start: c.start, end: c.end, text: text.slice(c.start, c.end), rows: c.rows, fuzzy: c.fuzzy };
      const suppressed = learned?.suppresses(surfaceKey(tokens, c)) === true;
      const role = !suppressed && this.isRole(tokens, c);
      const marked = role && this.rolesPastConventions ? { ...mention, role: true } : mention;
      if (scorer === undefined) {
        if (!suppressed) out.push(marked);
        continue;
      }
      const probability = scorer.probability(mentionFeatures(text, tokens, c, this.frequencies, this.entities, runs, this.cues), surfaceKey(tokens, c), this.typeOf(tokens, c));
      // A form the annotator rejected comes back only when the scorer is as sure of it as the cost model lets
      // an unsure span in (keyCosts.ts, detectionOperatingPoint): its probability reaches 1 - the threshold.
      if (role || probability >= (suppressed ? Math.max(scorer.threshold, 1 - scorer.threshold) : scorer.threshold)) out.push({ ...marked, probability });
    }
    return this.surnames ? withParagraphSurnames(text, tokens, out, this.entities, (key) => learned?.suppresses(key) === true) : out;
  }

  /**
   * Training examples from one text: every candidate the detector considers (dictionary matches and proposals)
   * labelled true when it is exactly one of `mentions`; each mention no candidate found (a missed mention, as
   * Link Selection reports it) is added as a positive too. `negatives` (rejected spans) are added as negatives
   * whether or not they are candidates. `group` (the document id) keeps the memory honest while fitting.
   * `unlabelled` spans are annotated but not as mentions of this KB (a gold span whose entity the KB lacks, a NIL):
   * a candidate on one is left out of the examples, neither a mention nor a negative.
   */
  examplesFromMentions(text: string, mentions: readonly Span[], negatives: readonly Span[] = [], group?: string, unlabelled: readonly Span[] = []): MentionExample[] {
    const positive = new Set(mentions.map(spanKey));
    const skipped = new Set(unlabelled.map(spanKey));
    const spans: LabelledSpan[] = [];
    const seen = new Set<string>();
    for (const [a, b] of paragraphRanges(text)) {
      const tokens = tokensOf(text, a, b);
      for (const c of this.candidates(text, tokens, this.gazetteer.options.proposals)) {
        seen.add(spanKey(c));
        if (skipped.has(spanKey(c)) && !positive.has(spanKey(c))) continue;
        if (!negatives.some((n) => n.start === c.start && n.end === c.end)) spans.push({ start: c.start, end: c.end, label: positive.has(spanKey(c)) });
      }
    }
    for (const m of mentions) if (!seen.has(spanKey(m))) spans.push({ ...m, label: true });
    for (const n of negatives) spans.push({ ...n, label: false });
    return this.examples(text, spans, group);
  }

  /** Examples for given labelled spans of one text (accepted, rejected, Link Selection), features in context. */
  examples(text: string, spans: readonly LabelledSpan[], group?: string): MentionExample[] {
    const paras = paragraphRanges(text);
    const out: MentionExample[] = [];
    const byParagraph = new Map<number, LabelledSpan[]>();
    for (const s of spans) {
      const p = paras.findIndex(([a, b]) => s.start >= a && s.end <= b);
      if (p < 0 || s.end <= s.start) continue;
      const list = byParagraph.get(p);
      if (list === undefined) byParagraph.set(p, [s]);
      else list.push(s);
    }
    for (const [p, list] of byParagraph) {
      const tokens = tokensOf(text, paras[p][0], paras[p][1]);
      // The same candidates detection sees (function-word rule and comma split applied), for the same evidence.
      const matches = new Map(this.candidates(text, tokens, false).map((m) => [spanKey(m), m]));
      const runs = this.nameRuns(text, tokens);
      for (const s of list) {
        const first = tokens.findIndex((t) => t.end > s.start);
        let last = first;
        while (last + 1 < tokens.length && tokens[last + 1].start < s.end) last++;
        if (first < 0 || tokens[first].start >= s.end) continue;
        const m = matches.get(spanKey(s));
        const evidence: SpanEvidence = { first, last, rows: m?.rows ?? [], fromGazetteer: m !== undefined, fuzzy: m?.fuzzy ?? false };
        out.push({
          features: mentionFeatures(text, tokens, evidence, this.frequencies, this.entities, runs, this.cues),
          surface: surfaceKey(tokens, evidence),
          type: this.typeOf(tokens, evidence),
          label: s.label,
          ...(group === undefined ? {} : { group }),
        });
      }
    }
    return out;
  }

  /** The longer names the features see (insideLongerName): capitalised runs, joined over connectors with the cue nameConnectors. */
  private nameRuns(text: string, tokens: readonly Token[]): [number, number][] {
    const runs = capitalisedRuns(text, tokens);
    return this.cues.nameConnectors === true ? joinedNameRuns(text, tokens, runs) : runs;
  }

  /** The type memory's key of a span: its KB types (typeKey), marked as a chain part with chainContext. */
  private typeOf(tokens: readonly Token[], span: SpanEvidence): string {
    const key = typeKey(span, this.entities);
    return this.chainContext && commaChainPart(tokens, span.first, span.last) ? `${key}${CHAIN_PART}` : key;
  }

  private candidates(text: string, tokens: readonly Token[], propose: boolean, learnedForms = this.learned): Candidate[] {
    const indexOf = new Map(tokens.map((t, i) => [t.start, i]));
    const wholeChains = learnedForms?.wholeCommaChains === true;
    const out: Candidate[] = [];
    for (const m of this.dictionaryMatches(text, tokens)) {
      const first = indexOf.get(m.start) ?? -1;
      let last = first;
      while (last + 1 < tokens.length && tokens[last + 1].start < m.end) last++;
      if (this.gazetteer.options.functionWords && first === last && isSentenceStart(text, tokens, first) && isFunctionWord(tokens[first], this.frequencies)) continue;
      if (this.articles && first < last && LOWER_CASE_ARTICLES.has(tokens[first].surface)) {
        const rest = this.withoutArticle(text, tokens, first, last);
        if (rest !== undefined) out.push(rest);
        continue;
      }
      const parts = this.gazetteer.options.splitCommaNames && !wholeChains ? this.commaParts(text, tokens, first, last) : undefined;
      if (parts !== undefined) out.push(...parts);
      else out.push({ start: m.start, end: m.end, first, last, rows: m.rows, fromGazetteer: true, fuzzy: m.fuzzy });
    }
    const roles = this.roleTitles ? this.withRoleCompounds(tokens, out) : out;
    const withForms = learnedForms === undefined ? roles : withLearned(roles, learnedForms.matches(tokens), tokens);
    const chained = wholeChains ? commaChains(text, withForms, tokens, this.entities) : withForms;
    const learned = wholeChains && this.chainTails ? this.withoutChainTails(text, tokens, chained, learnedForms) : chained;
    if (!propose) return learned;
    return this.withProposals(text, tokens, learned);
  }

  /**
   * The gazetteer's greedy matches; with `articlesYield`, a match opening with a lower-case article ("the City" for
   * San Francisco's alias "The City", "the D" for Detroit's "The D") yields to the longest match starting after the
   * article when that one reaches further ("City of London", "D.C."), and the matches it overlaps go.
   */
  private dictionaryMatches(text: string, tokens: readonly Token[]): DetectedMention[] {
    const found = this.gazetteer.detectTokens(text, tokens);
    if (!this.articlesYield) return found;
    const out: DetectedMention[] = [];
    for (const m of found) {
      if (out.length > 0 && m.start < out[out.length - 1].end) continue;
      const first = tokens.findIndex((t) => t.start === m.start);
      if (first < 0 || !LOWER_CASE_ARTICLES.has(tokens[first].surface) || first + 1 >= tokens.length || tokens[first + 1].start >= m.end) {
        out.push(m);
        continue;
      }
      const after = this.gazetteer.detectTokens(text, tokens.slice(first + 1, first + 1 + this.gazetteer.options.maxNameTokens))[0];
      out.push(after !== undefined && after.start === tokens[first + 1].start && after.end > m.end ? after : m);
    }
    return out;
  }

  /** Without the tails of chains the annotator links whole whose head no candidate joins (chainConvention.ts chainTails). */
  private withoutChainTails(text: string, tokens: readonly Token[], found: Candidate[], learnedForms: LearnedDetection | undefined): Candidate[] {
    const typeOfRow = (row: number): string | undefined => this.entities?.[row]?.type;
    const types = new Set((learnedForms?.wholeChainRows ?? []).map(typeOfRow).filter((t): t is string => t !== undefined && t !== ''));
    // A tail form the annotator linked alone before stays ("Somerset" of "Wiveliscombe, Somerset").
    const linkedAlone = (c: Candidate): boolean => learnedForms?.confirms(surfaceKey(tokens, c)) === true;
    const tails = new Set(chainTails(text, tokens, found, types, typeOfRow).filter((k) => !linkedAlone(found[k])));
    return tails.size === 0 ? found : found.filter((_, k) => !tails.has(k));
  }

  /** A role word of the KB's (isRoleTitle), when roleTitles is on. */
  private isRole(tokens: readonly Token[], c: Candidate): boolean {
    return this.roleTitles && this.frequencies !== undefined && c.fromGazetteer && isRoleTitle(tokens, c.first, c.last, c.rows, this.entities, this.frequencies);
  }

  /** A one-word role title widened to the WordNet compound ending with it ("associate professor"), the words it takes in no candidates of their own. */
  private withRoleCompounds(tokens: readonly Token[], candidates: readonly Candidate[]): Candidate[] {
    const frequencies = this.frequencies;
    if (frequencies === undefined) return [...candidates];
    const widened = candidates.map((c) => {
      if (c.first !== c.last || !this.isRole(tokens, c)) return c;
      const k = roleCompoundStart(tokens, c.first, frequencies);
      return k === c.first ? c : { ...c, start: tokens[k].start, first: k };
    });
    const inside = (c: Candidate, w: Candidate): boolean => w.first <= c.first && c.last <= w.last && w.last - w.first > c.last - c.first;
    return widened.filter((c) => !widened.some((w) => inside(c, w)));
  }

  private withProposals(text: string, tokens: readonly Token[], out: readonly Candidate[]): Candidate[] {
    const covered = (first: number, last: number): boolean => out.some((c) => c.fromGazetteer && c.first <= last && first <= c.last);
    const proposed: Candidate[] = [];
    for (const [first, last] of capitalisedRuns(text, tokens)) {
      if (covered(first, last)) continue;
      proposed.push({ start: tokens[first].start, end: tokens[last].end, first, last, rows: [], fromGazetteer: false, fuzzy: false });
    }
    return [...out, ...proposed].sort((a, b) => a.start - b.start);
  }

  /** The dictionary candidate of tokens first + 1..last when the dictionary knows them as one whole name. */
  private withoutArticle(text: string, tokens: readonly Token[], first: number, last: number): Candidate | undefined {
    const found = this.gazetteer.detectTokens(text, tokens.slice(first + 1, last + 1));
    if (found.length !== 1 || found[0].start !== tokens[first + 1].start || found[0].end !== tokens[last].end) return undefined;
    return { start: found[0].start, end: found[0].end, first: first + 1, last, rows: found[0].rows, fromGazetteer: true, fuzzy: found[0].fuzzy };
  }

  /**
   * "Stockholm, Sweden" is an alias of Stockholm in many KBs, but a text that writes it names two places, and
   * annotation guidelines (OKE, AIDA) mark two mentions. A match "A, B" whose parts are each a whole dictionary
   * name is split into them.
   */
  private commaParts(text: string, tokens: readonly Token[], first: number, last: number): Candidate[] | undefined {
    const comma = tokens.findIndex((t, i) => i > first && i < last && t.surface === ',');
    if (comma < 0) return undefined;
    const parts: Candidate[] = [];
    for (const [a, b] of [[first, comma - 1], [comma + 1, last]] as const) {
      const found = this.gazetteer.detectTokens(text, tokens.slice(a, b + 1));
      if (found.length !== 1 || found[0].start !== tokens[a].start || found[0].end !== tokens[b].end) return undefined;
      parts.push({ start: found[0].start, end: found[0].end, first: a, last: b, rows: found[0].rows, fromGazetteer: true, fuzzy: found[0].fuzzy });
    }
    return parts;
  }
}

/**
 * A person named in full is named by surname in the rest of the paragraph ("Gordon Brown ... Brown was educated
 * at ..."): each capitalised occurrence of the surname of a detected full name (surnameOf: two to four
 * capitalised words) that no detected mention covers becomes a mention with the full name's entities whose KB
 * title ends with that surname (so "Trinity College" proposes no "College"); one detected alone as something else
 * ("Brown", a colour) takes those entities instead (one referent per paragraph). A surname the annotator withdrew
 * (`suppressed`) is left out. Corpus-independent; the annotator memory does the same across documents for
 * confirmed names (learnedDetection.ts).
 */
export function withParagraphSurnames(text: string, tokens: readonly Token[], found: readonly DetectedMention[], entities: readonly Entity[] | undefined, suppressed: (key: string) => boolean): DetectedMention[] {
  const bySurname = new Map<string, DetectedMention>();
  for (const m of found) {
    const surname = m.rows.length === 0 ? undefined : surnameOf(m.text);
    if (surname === undefined || bySurname.has(surname) || suppressed(surname)) continue;
    const rows = m.rows.filter((r) => lastWord(entities?.[r]?.title) === surname);
    if (rows.length > 0) bySurname.set(surname, { ...m, rows });
  }
  if (bySurname.size === 0) return [...found];
  const out = [...found];
  for (const t of tokens) {
    const full = t.word && /^\p{Lu}/u.test(t.surface) ? bySurname.get(t.folded) : undefined;
    if (full === undefined) continue;
    // The lone word detected as something else ("Brown", a colour) is taken as the person named in full here.
    const same = out.findIndex((m) => m.start === t.start && m.end === t.end);
    if (same >= 0 && !out[same].rows.some((r) => full.rows.includes(r))) out[same] = { ...out[same], rows: full.rows };
    if (out.some((m) => m.start < t.end && t.start < m.end)) continue;
    out.push({ start: t.start, end: t.end, text: text.slice(t.start, t.end), rows: full.rows, fuzzy: false, ...(full.probability === undefined ? {} : { probability: full.probability }) });
  }
  return out.sort((a, b) => a.start - b.start);
}

function lastWord(title: string | undefined): string | undefined {
  const words = title === undefined ? [] : tokenize(title).filter((t) => t.word);
  return words[words.length - 1]?.folded;
}


function tokensOf(text: string, from: number, to: number): Token[] {
  return tokenize(text.slice(from, to)).map((t) => ({ ...t, start: t.start + from, end: t.end + from }));
}

function spanKey(s: Span): string {
  return `${s.start}:${s.end}`;
}

/**
 * Dictionary candidates with the learned forms: a learned match replaces the dictionary candidates it covers
 * and is longer than (or, as long, adds its entities to); one inside a longer dictionary match is dropped.
 */
function withLearned(found: readonly Candidate[], learned: readonly LearnedMatch[], tokens: readonly Token[]): Candidate[] {
  if (learned.length === 0) return [...found];
  const out = [...found];
  for (const m of learned) {
    const overlapping = out.filter((c) => c.first <= m.last && m.first <= c.last);
    if (overlapping.some((c) => c.first < m.first || c.last > m.last || (c.first === m.first && c.last === m.last))) {
      const same = overlapping.find((c) => c.first === m.first && c.last === m.last);
      if (same !== undefined) out[out.indexOf(same)] = { ...same, rows: [...new Set([...same.rows, ...m.rows])].sort((a, b) => a - b) };
      continue;
    }
    for (const c of overlapping) out.splice(out.indexOf(c), 1);
    out.push({ start: tokens[m.first].start, end: tokens[m.last].end, first: m.first, last: m.last, rows: [...m.rows].sort((a, b) => a - b), fromGazetteer: true, fuzzy: false });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Place chains as one mention, for an annotator who links them whole (LearnedDetection.wholeCommaChains):
 * consecutive capitalised dictionary candidates separated by one comma ("Blackpool, Lancashire, England") become
 * one candidate with the first part's entities. Parts whose KB entities are typed must share a type with the
 * part before ("Noank, Connecticut, Robert Anderson" stops before the person).
 */
function commaChains(text: string, found: readonly Candidate[], tokens: readonly Token[], entities: readonly Entity[] | undefined): Candidate[] {
  const typesOf = (c: Candidate): Set<string> => new Set(c.rows.map((r) => entities?.[r]?.type).filter((t): t is string => t !== undefined && t !== ''));
  // A capitalised word that makes a part only a piece of a longer name ("New" of "New London"; a function word
  // opening the sentence, "In Boston, Massachusetts", does not).
  const nameWord = (i: number): boolean => tokens[i] !== undefined && tokens[i].word && /^\p{Lu}/u.test(tokens[i].surface) && !(FUNCTION_WORDS.has(tokens[i].folded) && isSentenceStart(text, tokens, i));
  const joins = (a: Candidate, b: Candidate): boolean => {
    if (!a.fromGazetteer || !b.fromGazetteer || b.first !== a.last + 2 || tokens[a.last + 1].surface !== ',') return false;
    if (!/^\p{Lu}/u.test(tokens[a.first].surface) || !/^\p{Lu}/u.test(tokens[b.first].surface)) return false;
    // Each part a whole name: not "London" of "New London, Connecticut", nor "Eugene" of "Massachusetts, Eugene O'Neill".
    if (nameWord(a.first - 1) || nameWord(b.last + 1)) return false;
    const ta = typesOf(a);
    const tb = typesOf(b);
    return ta.size === 0 || tb.size === 0 || [...tb].some((t) => ta.has(t));
  };
  const out: Candidate[] = [];
  for (const c of found) {
    const prev = out[out.length - 1];
    // The chain's own last part decides the join (its rows are the first part's).
    const tail = prev === undefined ? undefined : found.find((x) => x.last === prev.last && x.first > prev.first) ?? prev;
    if (prev !== undefined && tail !== undefined && joins(tail, c)) out[out.length - 1] = { ...prev, end: c.end, last: c.last, fuzzy: prev.fuzzy || c.fuzzy };
    else out.push(c);
  }
  return out;
}

/** The memory key of a span: its case-folded tokens joined by single spaces (as the gazetteer's trie keys). */
function surfaceKey(tokens: readonly Token[], s: Pick<SpanEvidence, 'first' | 'last'>): string {
  return tokens.slice(s.first, s.last + 1).map((t) => t.folded).join(' ');
}
