import { LinkerError } from '../errors';
import { hasUpperCase, isAcronym, tokenize } from '../linker/tokens';
import { paragraphRanges } from '../linker/paragraphs';
import type { Token } from '../linker/tokens';
import type { Span } from '../linker/types';
import { detectionOperatingPoint } from '../simulation/keyCosts';
import { LOWER_CASE_ARTICLES } from './functionWords';
import { insideLongerName } from './mentionFeatures';
import { capitalisedRuns } from './spanProposals';
import { builtInWordFrequencies } from './wordFrequencies';

/**
 * Learned annotation conventions: whether this annotator (or this benchmark) annotates a detection at all, given
 * what the linker knows of it — the KB type of its top entity and the shape of its surface form. Every project
 * has such conventions: OKE annotates persons, places, organisations and roles, not awards or wars ("Nobel
 * Prize", "World War II" are right links nobody wants); a WSD project annotates lower-case nouns only.
 *
 * The model is counts of annotated / skipped decisions per (type, shape), smoothed hierarchically: the share of a
 * type and shape shrinks toward the share of its shape over all types, which shrinks toward the share over all
 * decisions, each by `strength` pseudo-decisions, and the share over all decisions starts at 1 (detect). So a few
 * early rejections cannot silence a kind: with strength 4, a kind never annotated is withdrawn after about 4 to
 * 10 rejections (fewer when the annotator rejects most detections of every kind), and Link Selections of the kind
 * bring it back. The shape, not the type, is the parent: rejecting "President" (a title whose top entity is a
 * president) must not silence "Bill Clinton" (the same type, a full name).
  A detection is kept while its share reaches the key-cost operating
 * point (keyCosts.ts detectionOperatingPoint: a miss costs far more keys than a false alarm).
 */
export interface ConventionCounts {
  readonly annotated: number;
  readonly skipped: number;
}

/** The JSON form of the counts: [type, shape, annotated, skipped]. */
export type ConventionsJson = readonly (readonly [string, string, number, number])[];

/**
 * Pseudo-decisions each level of the hierarchy is worth when it smooths the level below (chosen on the oke train
 * files in session 5; session 6 measured 2 and 8 on five training files: 2 ties, 8 costs keys).
 */
export const DEFAULT_CONVENTION_STRENGTH = 4;

/**
 * The shape of a surface form, corpus-independent: 'lower' (a common noun: no upper-case letter), 'acronym'
 * ("UK", "NATO"), 'name' (capitalised), each '/one' or '/multi' by its word count, and '/part' when the detection
 * is part of a longer capitalised name in its text ("John" of "John Ashbery", "Edinburgh" of "University of
 * Edinburgh": the dictionary knows the part, not the whole; see `partsOfLongerNames`).
 */
export function conventionShape(surface: string, partOfName = false): string {
  const words = tokenize(surface).filter((t) => t.word).length;
  const kind = !hasUpperCase(surface) ? 'lower' : isAcronym(surface.trim()) ? 'acronym' : 'name';
  return `${kind}/${words > 1 ? 'multi' : 'one'}${partOfName ? '/part' : ''}`;
}

/** Tag count from which a word reads as an ordinary noun (WordNet), as mentionFeatures' title words. */
const ORDINARY_NOUN = 3;

/**
 * For each span of `text`: whether it lies strictly inside a longer run of capitalised words (capitalisedRuns,
 * particles such as "of" included) of its paragraph, a title before a name aside (mentionFeatures.ts
 * insideLongerName). Also parts: a lower-case article before such a part ("the City" of "the City University of
 * New York"); a run's last words when they are ordinary nouns ("University" of "Western Michigan University" is
 * the head of the name, not a name after a title).
 */
export function partsOfLongerNames(text: string, spans: readonly Span[]): boolean[] {
  const paras = paragraphRanges(text);
  const frequencies = builtInWordFrequencies();
  const byParagraph = new Map<number, { tokens: Token[]; runs: [number, number][] }>();
  return spans.map((s) => {
    const p = paras.findIndex(([a, b]) => s.start >= a && s.end <= b);
    if (p < 0) return false;
    let para = byParagraph.get(p);
    if (para === undefined) {
      const [a, b] = paras[p];
      const tokens = tokenize(text.slice(a, b)).map((t) => ({ ...t, start: t.start + a, end: t.end + a }));
      para = { tokens, runs: capitalisedRuns(text, tokens) };
      byParagraph.set(p, para);
    }
    const { tokens, runs } = para;
    let first = tokens.findIndex((t) => t.end > s.start);
    if (first < 0) return false;
    let last = first;
    while (last + 1 < tokens.length && tokens[last + 1].start < s.end) last++;
    if (first < last && LOWER_CASE_ARTICLES.has(tokens[first].surface)) first++;
    if (insideLongerName(tokens, runs, first, last, frequencies)) return true;
    // insideLongerName reads the words before a run's last ones as a title when they are ordinary words; the
    // last ones are then a name ("President | Obama"), unless they are ordinary nouns themselves: the head.
    const run = runs.find(([a, b]) => a <= first && last <= b);
    if (run === undefined || run[1] - run[0] <= last - first || frequencies === undefined) return false;
    const words = tokens.slice(first, last + 1).filter((t) => t.word);
    return words.length > 0 && words.every((t) => frequencies.of(t.folded).noun >= ORDINARY_NOUN);
  });
}

const EMPTY: ConventionCounts = { annotated: 0, skipped: 0 };
const SEP = '\u0000';

export class AnnotationConventions {
  private readonly counts = new Map<string, ConventionCounts>();
  private readonly byShape = new Map<string, ConventionCounts>();
  private total: ConventionCounts = EMPTY;

  constructor(readonly strength = DEFAULT_CONVENTION_STRENGTH) {
    if (!(strength > 0)) throw new LinkerError('usage', `The conventions' smoothing strength must be above 0 (got ${strength}).`);
  }

  /** Decisions counted so far. */
  get size(): number {
    return this.total.annotated + this.total.skipped;
  }

  /** Counts `n` decisions on a detection whose top entity has KB type `type` ('' for none) and surface `shape`. */
  add(type: string, shape: string, annotated: boolean, n = 1): this {
    const bump = (c: ConventionCounts): ConventionCounts => (annotated ? { annotated: c.annotated + n, skipped: c.skipped } : { annotated: c.annotated, skipped: c.skipped + n });
    const key = `${type}${SEP}${shape}`;
    this.counts.set(key, bump(this.counts.get(key) ?? EMPTY));
    this.byShape.set(shape, bump(this.byShape.get(shape) ?? EMPTY));
    this.total = bump(this.total);
    return this;
  }

  /** This model's counts plus `other`'s (e.g. a benchmark's training documents under the session's decisions). */
  plus(other: AnnotationConventions | undefined): AnnotationConventions {
    const out = new AnnotationConventions(this.strength);
    for (const source of other === undefined ? [this] : [this, other]) {
      for (const [key, c] of source.counts) {
        const [type, shape] = key.split(SEP);
        if (c.annotated > 0) out.add(type, shape, true, c.annotated);
        if (c.skipped > 0) out.add(type, shape, false, c.skipped);
      }
    }
    return out;
  }

  /** The counts of one type and shape. */
  countsOf(type: string, shape: string): ConventionCounts {
    return this.counts.get(`${type}${SEP}${shape}`) ?? EMPTY;
  }

  /** The smoothed chance that a detection of this type and shape is annotated (see the class comment). */
  probability(type: string, shape: string): number {
    const m = this.strength;
    const shrink = (c: ConventionCounts, prior: number): number => (c.annotated + m * prior) / (c.annotated + c.skipped + m);
    const all = shrink(this.total, 1);
    const ofShape = shrink(this.byShape.get(shape) ?? EMPTY, all);
    return shrink(this.countsOf(type, shape), ofShape);
  }

  /** Whether detecting such a span pays at the operating point (default: the key-cost one). */
  keeps(type: string, shape: string, operatingPoint = detectionOperatingPoint()): boolean {
    return this.probability(type, shape) >= operatingPoint;
  }

  toJSON(): ConventionsJson {
    return [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, c]) => {
      const [type, shape] = key.split(SEP);
      return [type, shape, c.annotated, c.skipped] as const;
    });
  }

  static fromJSON(json: unknown, source = 'annotation conventions', strength = DEFAULT_CONVENTION_STRENGTH): AnnotationConventions {
    if (!Array.isArray(json)) throw new LinkerError('inputFormat', `${source}: the annotation conventions must be a list of [type, shape, annotated, skipped].`, { location: { file: source } });
    const out = new AnnotationConventions(strength);
    json.forEach((row: unknown, i) => {
      const ok = Array.isArray(row) && row.length === 4 && typeof row[0] === 'string' && typeof row[1] === 'string' && [row[2], row[3]].every((n) => Number.isInteger(n) && (n as number) >= 0);
      if (!ok) throw new LinkerError('inputFormat', `${source}: annotation convention ${i} is not [type, shape, annotated, skipped] with counts >= 0.`, { location: { file: source }, hint: 'Delete the entry (or the file) to learn it afresh.' });
      const [type, shape, annotated, skipped] = row as [string, string, number, number];
      if (annotated > 0) out.add(type, shape, true, annotated);
      if (skipped > 0) out.add(type, shape, false, skipped);
    });
    return out;
  }
}

/** A judgement of the annotator memory (learning/annotatorMemory.ts `judgements()`). */
export interface JudgementCounts {
  readonly surface: string;
  readonly entityId: string;
  readonly annotated: number;
  readonly skipped: number;
  /** The detection was part of a longer capitalised name (conventionShape). */
  readonly partOfName?: boolean;
}

/** Conventions from the annotator memory's judgements; `typeOf` gives an entity's KB type (undefined: not in the KB, left out). */
export function conventionsFromJudgements(judgements: readonly JudgementCounts[], typeOf: (entityId: string) => string | undefined, strength = DEFAULT_CONVENTION_STRENGTH): AnnotationConventions {
  const out = new AnnotationConventions(strength);
  for (const j of judgements) {
    const type = typeOf(j.entityId);
    if (type === undefined) continue;
    const shape = conventionShape(j.surface, j.partOfName === true);
    if (j.annotated > 0) out.add(type, shape, true, j.annotated);
    if (j.skipped > 0) out.add(type, shape, false, j.skipped);
  }
  return out;
}

/** What the filter needs of a linked mention. */
interface ConventionMention {
  readonly text: string;
  readonly nil: boolean;
  readonly candidates: readonly { readonly id: string }[];
  /** Part of a longer capitalised name in its text (partsOfLongerNames). */
  readonly partOfName?: boolean;
}

/**
 * What a form's own history says of a detection where it stands one way (a part of a longer name or alone):
 * true to keep it, false to drop it, undefined when its kind decides (formVerdict).
 */
export type FormVerdict = (text: string, partOfName: boolean) => boolean | undefined;

/**
 * The linked mentions the conventions keep: a form's own history outweighs its kind's (`formVerdict`: the
 * annotator memory and the document's decisions); otherwise a mention is dropped when its top entity's type and
 * its shape are not worth detecting (AnnotationConventions.keeps). NIL mentions and mentions without candidates
 * are kept (nothing is known of their type).
 */
export function keptByConvention<M extends ConventionMention>(linked: readonly M[], conventions: AnnotationConventions | undefined, typeOf: (entityId: string) => string | undefined, formVerdict: FormVerdict, operatingPoint = detectionOperatingPoint()): M[] {
  return linked.filter((m) => {
    const top = m.nil ? undefined : m.candidates[0];
    if (top === undefined) return true;
    const own = formVerdict(m.text, m.partOfName === true);
    if (own !== undefined) return own;
    if (conventions === undefined || conventions.size === 0) return true;
    return conventions.keeps(typeOf(top.id) ?? '', conventionShape(m.text, m.partOfName === true), operatingPoint);
  });
}

/** How often a form was annotated and skipped where it stood one way (AnnotatorMemory.judgedCounts). */
export type JudgedCounts = (partOfName: boolean) => { readonly annotated: number; readonly skipped: number };

/**
 * A form's verdict where it stands one way, from its decisions there: detecting it pays while its chance of being
 * annotated, (annotated + t) / (decisions + 1), reaches the operating point t (the rule learnedDetection.ts applies
 * to whole forms). Never decided inside a longer name, a form linked alone is kept there too, until rejected there:
 * "Paris" linked alone, then rejected once in "University of Paris", is no longer proposed in such names but still
 * alone; "Turin" rejected in "Polytechnic Institute of Turin" is still proposed alone. Undefined when never
 * decided (its kind decides).
 */
export function formVerdict(counts: JudgedCounts, partOfName: boolean, operatingPoint = detectionOperatingPoint()): boolean | undefined {
  const own = counts(partOfName);
  const n = own.annotated + own.skipped;
  if (n > 0) return (own.annotated + operatingPoint) / (n + 1) >= operatingPoint;
  return partOfName && counts(false).annotated > 0 ? true : undefined;
}
