/**
 * Pronoun resolution by salience (after Lappin & Leass 1994, without a parser): each entity mentioned earlier in
 * the document gathers salience from its mentions, weighted by how sure each mention's entity is, decaying with
 * the sentence distance and doubled for a mention that opens its sentence (a subject, in the simple sentences of
 * encyclopaedic and news text). A pronoun takes the most salient entity that agrees with it (he/she: a person of
 * no other gender; it/they: not a person); a resolved pronoun becomes a mention of that entity for the
 * pronouns after it, so "Natta ... He ... his ..." keeps the chain going across sentences.
 */
import type { EntityTraits } from './entityTraits';
import type { PronounInfo, PronounClass } from './pronouns';
import { GIVEN_SPAN_CLASSES, PERSON_CLASSES } from './pronouns';
import { SentenceIndex } from './sentences';

export interface CoreferenceOptions {
  /** Resolve pronoun spans the linker is asked to link (gold spans, a selection). */
  readonly link: boolean;
  /** Propose the pronouns of a document as mentions when detecting (only those an antecedent resolves). */
  readonly detect: boolean;
  /** The anaphor classes resolved on the spans the linker is asked to link ('nominal': "the company"). */
  readonly classes: readonly PronounClass[];
  /** The pronoun classes detection proposes and resolves (`detect`): he/she only, "it" is often expletive. */
  readonly detectClasses: readonly PronounClass[];
  /** Mentions at most this many sentences back count. */
  readonly window: number;
  /** Salience kept per sentence of distance. */
  readonly decay: number;
  /** Salience factor of a mention that is the first of its sentence. */
  readonly subjectWeight: number;
  /** Use the description's gender evidence (he/she counts, gendered nouns). */
  readonly gender: boolean;
  /** Later mentions in the pronoun's own sentence count too ("In his youth, Curie ..."), with this factor (0: off). */
  readonly cataphora: number;
  /** Least EntityTraits.person for he/she (and above which it/they do not apply). */
  readonly minPerson: number;
  /** Salience of "no antecedent here" in the confidence's denominator. */
  readonly noneSalience: number;
  /** A resolution with a confidence below this is left unresolved. */
  readonly minConfidence: number;
}

/**
 * Salience options chosen on the training files oke-2015-train + oke-2016-train (bench/coreference.ts; mostly on
 * their copies of oke-2015-eval documents, see docs/BENCHMARKS.md). `classes` (it/its/they and definite
 * descriptions on given spans) chosen by a file-level cross-validation over the leak-free training documents and
 * the 7 held-out elevant files (`--part=cv`): in every fold the option chosen on the other files resolves it/they
 * too, and definite descriptions in 6 of 7 (the training files hold no such gold).
 */
export const DEFAULT_COREFERENCE_OPTIONS: CoreferenceOptions = {
  link: true,
  detect: false,
  classes: GIVEN_SPAN_CLASSES,
  detectClasses: PERSON_CLASSES,
  window: 3,
  decay: 0.5,
  subjectWeight: 3,
  gender: true,
  cataphora: 0.3,
  minPerson: 0.5,
  noneSalience: 0.1,
  minConfidence: 0.2,
};

/** An earlier mention with its entity: an annotator's decision (confidence 1) or a prediction (its probability). */
export interface AntecedentMention {
  readonly start: number;
  readonly end: number;
  readonly entityId: string;
  readonly confidence: number;
}

export interface PronounMention {
  readonly start: number;
  readonly end: number;
  readonly info: PronounInfo;
}

export interface Resolution {
  readonly entityId: string;
  /** How sure the pick is: the best entity's share of the agreeing salience (noneSalience beside it), 0..1. */
  readonly confidence: number;
  /** How likely the pronoun names the entity: `confidence` times the surest of the entity's counted mentions. */
  readonly probability: number;
  /** The nearest mention of the entity before the pronoun (or after it, by cataphora). */
  readonly antecedent: { readonly start: number; readonly end: number };
}

interface ChainMention extends AntecedentMention {
  readonly sentence: number;
  readonly subject: boolean;
}

/**
 * Resolves `pronouns` (any order) against `antecedents`; `traitsOf` answers for an entity id (undefined: not in
 * the KB, never an antecedent). Returns one entry per pronoun, in the order given.
 */
export function resolvePronouns(
  text: string,
  pronouns: readonly PronounMention[],
  antecedents: readonly AntecedentMention[],
  traitsOf: (entityId: string) => EntityTraits | undefined,
  options: CoreferenceOptions = DEFAULT_COREFERENCE_OPTIONS,
): (Resolution | undefined)[] {
  const sentences = new SentenceIndex(text);
  const order = pronouns.map((_, i) => i).sort((a, b) => pronouns[a].start - pronouns[b].start);
  const firstInSentence = firstMentionStarts(sentences, [...antecedents, ...pronouns]);
  const chain: ChainMention[] = antecedents.map((a) => {
    const sentence = sentences.sentenceOf(a.start);
    return { ...a, sentence, subject: firstInSentence.get(sentence) === a.start };
  });
  const out: (Resolution | undefined)[] = pronouns.map(() => undefined);
  for (const i of order) {
    const p = pronouns[i];
    if (!options.classes.includes(p.info.class)) continue;
    const sentence = sentences.sentenceOf(p.start);
    const salience = new Map<string, number>();
    const latest = new Map<string, number>();
    const surest = new Map<string, number>();
    for (const m of chain) {
      const before = m.end <= p.start;
      const cataphor = !before && options.cataphora > 0 && m.start >= p.end && m.sentence === sentence;
      if ((!before && !cataphor) || sentence - m.sentence > options.window) continue;
      const traits = traitsOf(m.entityId);
      if (traits === undefined || !agrees(p.info, traits, options)) continue;
      const w = m.confidence * options.decay ** (sentence - m.sentence) * (m.subject ? options.subjectWeight : 1) * (cataphor ? options.cataphora : 1);
      salience.set(m.entityId, (salience.get(m.entityId) ?? 0) + w);
      if (before) latest.set(m.entityId, Math.max(latest.get(m.entityId) ?? -1, m.end));
      surest.set(m.entityId, Math.max(surest.get(m.entityId) ?? 0, m.confidence));
    }
    // Equal salience goes to the entity mentioned last.
    let best: string | undefined;
    let total = options.noneSalience;
    for (const [id, s] of salience) {
      total += s;
      const bs = best === undefined ? -1 : salience.get(best) ?? 0;
      if (best === undefined || s > bs || (s === bs && (latest.get(id) ?? -1) > (latest.get(best) ?? -1))) best = id;
    }
    if (best === undefined) continue;
    const confidence = (salience.get(best) ?? 0) / total;
    if (confidence < options.minConfidence) continue;
    const antecedent = nearest(chain, best, p);
    const probability = confidence * (surest.get(best) ?? 0);
    out[i] = { entityId: best, confidence, probability, antecedent };
    chain.push({ start: p.start, end: p.end, entityId: best, confidence: probability, sentence, subject: firstInSentence.get(sentence) === p.start });
  }
  return out;
}

function agrees(info: PronounInfo, traits: EntityTraits, options: CoreferenceOptions): boolean {
  const cls = info.class;
  if (cls === 'nominal') {
    const head = info.head ?? '';
    return traits.words !== undefined && head !== '' && (traits.words.has(head) || (head.length > 3 && head.endsWith('s') && traits.words.has(head.slice(0, -1))));
  }
  if (cls === 'neuter' || cls === 'plural') return traits.person < options.minPerson;
  if (traits.person < options.minPerson) return false;
  return !options.gender || traits.gender === undefined || traits.gender === cls;
}

/** The start of the first mention (antecedent or pronoun) of each sentence. */
function firstMentionStarts(sentences: SentenceIndex, mentions: readonly { readonly start: number }[]): Map<number, number> {
  const first = new Map<number, number>();
  for (const m of mentions) {
    const s = sentences.sentenceOf(m.start);
    const known = first.get(s);
    if (known === undefined || m.start < known) first.set(s, m.start);
  }
  return first;
}

function nearest(chain: readonly ChainMention[], entityId: string, p: PronounMention): { start: number; end: number } {
  let best: ChainMention | undefined;
  for (const m of chain) {
    if (m.entityId !== entityId) continue;
    const d = m.end <= p.start ? p.start - m.end : m.start - p.end + 1e6;
    const bd = best === undefined ? Infinity : best.end <= p.start ? p.start - best.end : best.start - p.end + 1e6;
    if (d < bd) best = m;
  }
  return best === undefined ? { start: p.start, end: p.end } : { start: best.start, end: best.end };
}
