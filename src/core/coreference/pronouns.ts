/**
 * Third-person pronouns: what each can refer to (its agreement class) and its grammatical role, and where they
 * occur in a text. English only; first and second person never name a KB entity the document introduced.
 */
import { tokenize } from '../linker/tokens';
import type { Span } from '../linker/types';

/**
 * What an anaphor agrees with: a male or female person, a thing (organisation, place, work), several; or, for a
 * definite description ("the company"), an entity whose type or description holds its head noun.
 */
export type PronounClass = 'male' | 'female' | 'neuter' | 'plural' | 'nominal';

export type PronounRole = 'subject' | 'object' | 'possessive' | 'reflexive';

export interface PronounInfo {
  readonly class: PronounClass;
  readonly role: PronounRole;
  /** A definite description's head noun (folded), which the antecedent's type or description must hold. */
  readonly head?: string;
}

const LEXICON: ReadonlyMap<string, PronounInfo> = new Map<string, PronounInfo>([
  ['he', { class: 'male', role: 'subject' }],
  ['him', { class: 'male', role: 'object' }],
  ['his', { class: 'male', role: 'possessive' }],
  ['himself', { class: 'male', role: 'reflexive' }],
  ['she', { class: 'female', role: 'subject' }],
  // "her" is object and possessive; the role only weighs salience, so one entry is enough.
  ['her', { class: 'female', role: 'possessive' }],
  ['hers', { class: 'female', role: 'possessive' }],
  ['herself', { class: 'female', role: 'reflexive' }],
  ['it', { class: 'neuter', role: 'subject' }],
  ['its', { class: 'neuter', role: 'possessive' }],
  ['itself', { class: 'neuter', role: 'reflexive' }],
  ['they', { class: 'plural', role: 'subject' }],
  ['them', { class: 'plural', role: 'object' }],
  ['their', { class: 'plural', role: 'possessive' }],
  ['theirs', { class: 'plural', role: 'possessive' }],
  ['themselves', { class: 'plural', role: 'reflexive' }],
]);

/** The person classes (he/she): what detection proposes by default (an "it" is often expletive: "it rained"). */
export const PERSON_CLASSES: readonly PronounClass[] = ['male', 'female'];

/** Every pronoun class (he/she/it/they). */
export const ALL_PRONOUN_CLASSES: readonly PronounClass[] = ['male', 'female', 'neuter', 'plural'];

/**
 * What a given span (linkSpans: gold spans, Link Selection) is resolved as by default: every pronoun and definite
 * descriptions ("the company"); chosen by a file-level cross-validation (docs/BENCHMARKS.md, Coreference, session 5).
 */
export const GIVEN_SPAN_CLASSES: readonly PronounClass[] = [...ALL_PRONOUN_CLASSES, 'nominal'];

/** The pronoun a mention's text is (case-insensitive, surrounding spaces ignored), or undefined. */
export function pronounOf(text: string): PronounInfo | undefined {
  return LEXICON.get(text.trim().toLowerCase().replace(/\u2019/g, "'"));
}

/** A definite description: a determiner and lower-case words only ("the company", "this species"); no name in it. */
const DEFINITE_DESCRIPTION = /^(?:[Tt]he|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose)\s+\p{Ll}[\p{Ll}\p{N}'-]*(?:\s+\p{Ll}[\p{Ll}\p{N}'-]*){0,3}$/u;

/** The definite description a mention's text is, with its head noun (the last word, folded), or undefined. */
export function nominalOf(text: string): PronounInfo | undefined {
  const t = text.trim();
  if (!DEFINITE_DESCRIPTION.test(t)) return undefined;
  const words = tokenize(t).filter((w) => w.word);
  const head = words[words.length - 1]?.folded;
  return head === undefined ? undefined : { class: 'nominal', role: 'subject', head };
}

/** The pronoun or, where `classes` has 'nominal', the definite description a mention's text is, if of `classes`. */
export function anaphorOf(text: string, classes: readonly PronounClass[]): PronounInfo | undefined {
  const info = pronounOf(text) ?? (classes.includes('nominal') ? nominalOf(text) : undefined);
  return info !== undefined && classes.includes(info.class) ? info : undefined;
}

/** The pronouns of the given classes in `text.slice(from, to)`, as spans of `text`, in text order. */
export function pronounSpans(text: string, classes: readonly PronounClass[], from = 0, to = text.length): (Span & { readonly text: string; readonly info: PronounInfo })[] {
  const out: (Span & { readonly text: string; readonly info: PronounInfo })[] = [];
  for (const t of tokenize(text.slice(from, to))) {
    if (!t.word) continue;
    const info = LEXICON.get(t.folded);
    if (info !== undefined && classes.includes(info.class)) out.push({ start: from + t.start, end: from + t.end, text: text.slice(from + t.start, from + t.end), info });
  }
  return out;
}
