/**
 * The linker's coreference step: pronoun mentions get the entity of their antecedent at the top of their
 * candidate list. Antecedents are the annotator's decisions in the document (the document context) and the
 * linker's own non-NIL predictions for the other mentions, weighted by their probability.
 */
import type { DocumentDecision, LinkedMention, RankedCandidate, Span } from '../linker/types';
import type { EntityTraits } from './entityTraits';
import { anaphorOf, pronounSpans } from './pronouns';
import type { AntecedentMention, CoreferenceOptions, PronounMention, Resolution } from './resolver';
import { resolvePronouns } from './resolver';

export interface PronounLinkingInput {
  /** The mentions just linked: pronoun ones among them are resolved. */
  readonly linked: readonly LinkedMention[];
  /** The annotator's decisions in the document (antecedents before any prediction at the same span). */
  readonly decisions?: readonly DocumentDecision[];
  /** Mentions of the document linked earlier and kept (relinking a changed region). */
  readonly others?: readonly LinkedMention[];
  /** Detection: look for pronouns (of `options.detectClasses`) in this range of the text and add those an antecedent resolves. */
  readonly propose?: readonly [number, number];
  /** Detection: a linked pronoun no antecedent resolves is dropped (else it stays, NIL). */
  readonly dropUnresolved: boolean;
  /** The entity's traits and title by id (undefined: not in the KB). */
  readonly traitsOf: (entityId: string) => EntityTraits | undefined;
  readonly titleOf: (entityId: string) => string | undefined;
  readonly options: CoreferenceOptions;
}

/**
 * `linked` with pronoun mentions (and, with the 'nominal' class, definite descriptions) resolved and, with
 * `propose`, resolved pronouns added; in text order.
 */
export function linkPronouns(text: string, input: PronounLinkingInput): LinkedMention[] {
  const { linked } = input;
  // Detecting, the proposal classes apply to the linked mentions too (a detected "It" stays a name when "it" is not proposed).
  const options = input.propose === undefined ? input.options : { ...input.options, classes: input.options.detectClasses };
  const isPronoun = (m: LinkedMention): boolean => anaphorOf(m.text, options.classes) !== undefined;
  const pronouns: (PronounMention & { readonly linked?: LinkedMention })[] = [];
  for (const m of linked) {
    const info = anaphorOf(m.text, options.classes);
    if (info !== undefined) pronouns.push({ start: m.start, end: m.end, info, linked: m });
  }
  const taken = (s: Span): boolean => linked.some((m) => m.start < s.end && s.start < m.end);
  if (input.propose !== undefined) {
    for (const p of pronounSpans(text, options.classes, input.propose[0], input.propose[1])) if (!taken(p)) pronouns.push(p);
  }
  if (pronouns.length === 0) return [...linked];
  const resolutions = resolvePronouns(text, pronouns, antecedents(input, isPronoun), input.traitsOf, options);
  const byStart = new Map<number, LinkedMention | null>();
  pronouns.forEach((p, i) => {
    const r = resolutions[i];
    const title = r === undefined ? undefined : input.titleOf(r.entityId);
    if (r === undefined || title === undefined) {
      // An unresolved definite description keeps its name-ranked result ("the company" may name the class itself).
      if (p.info.class === 'nominal' && p.linked !== undefined) byStart.set(p.start, p.linked);
      else byStart.set(p.start, p.linked === undefined || input.dropUnresolved ? null : { ...p.linked, nil: true });
    } else {
      byStart.set(p.start, resolvedMention(text, p, p.linked, r, title));
    }
  });
  const out: LinkedMention[] = [];
  for (const m of linked) {
    const replaced = byStart.get(m.start);
    if (replaced === undefined || !isPronoun(m)) out.push(m);
    else if (replaced !== null) out.push(replaced);
    byStart.delete(m.start);
  }
  for (const added of byStart.values()) if (added !== null) out.push(added);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Decisions first; a prediction counts where no decision covers its span. The pronouns being resolved are not
 * antecedents (they join the chain as they resolve); a kept mention's resolved pronoun is, with its probability,
 * as it was in the chain when its document was linked whole.
 */
function antecedents(input: PronounLinkingInput, isPronoun: (m: LinkedMention) => boolean): AntecedentMention[] {
  const out: AntecedentMention[] = [];
  for (const d of input.decisions ?? []) if (d.entityId !== null) out.push({ start: d.start, end: d.end, entityId: d.entityId, confidence: 1 });
  const decided = (m: Span): boolean => (input.decisions ?? []).some((d) => d.start < m.end && m.start < d.end);
  const add = (m: LinkedMention, kept: boolean): void => {
    const top = m.candidates[0];
    if (m.nil || top === undefined || decided(m)) return;
    if (isPronoun(m) && !(kept && top.signals.coreference !== undefined)) return;
    out.push({ start: m.start, end: m.end, entityId: top.id, confidence: top.probability });
  };
  for (const m of input.linked) add(m, false);
  for (const m of input.others ?? []) add(m, true);
  return out;
}

/**
 * The pronoun with the antecedent's entity first, its probability the resolution's (Resolution.probability); the linker's
 * other candidates follow with the rest of the probability mass. Ranker features are left off: a pronoun's
 * decision says nothing about how names rank (the online refit skips candidates without features).
 */
function resolvedMention(text: string, p: PronounMention, linked: LinkedMention | undefined, r: Resolution, title: string): LinkedMention {
  const rest = (linked?.candidates ?? []).filter((c) => c.id !== r.entityId);
  const known = linked?.candidates.find((c) => c.id === r.entityId);
  const topScore = linked?.candidates[0]?.score ?? 0;
  const first: RankedCandidate = {
    id: r.entityId,
    title,
    // Above every name-ranked candidate, by the confidence: the list stays sorted by score.
    score: Math.max(topScore, known?.score ?? topScore) + r.probability,
    probability: r.probability,
    signals: { ...(known?.signals ?? { retrievedBy: [] }), coreference: r.antecedent },
  };
  const others = rest.map((c) => ({ id: c.id, title: c.title, score: c.score, probability: c.probability * (1 - r.probability), signals: c.signals }));
  const topK = Math.max(1, linked?.candidates.length ?? 1);
  return {
    start: p.start,
    end: p.end,
    text: text.slice(p.start, p.end),
    candidates: [first, ...others].slice(0, topK),
    nil: false,
    margin: others.length === 0 ? Infinity : first.score - others[0].score,
    hardNegatives: others.slice(0, linked?.hardNegatives.length ?? 0),
  };
}
