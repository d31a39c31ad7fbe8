/**
 * Third-person pronouns: what each can refer to (its agreement class) and its grammatical role, and where they
 * occur in a text. English only; first and second person never name a KB entity the document introduced.
 */
import { tokenize } from '../linker/tokens';
import type { Span } from '../linker/types';

/** What a pronoun agrees with: a male or female person, a thing (organisation, place, work), or several. */
export type PronounClass = 'male' | 'female' | 'neuter' | 'plural';

export type PronounRole = 'subject' | 'object' | 'possessive' | 'reflexive';

export interface PronounInfo {
  readonly class: PronounClass;
  readonly role: PronounRole;
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

/** Every class: what a given pronoun span is resolved as by default (docs/BENCHMARKS.md, coreference cross-validation). */
export const ALL_PRONOUN_CLASSES: readonly PronounClass[] = ['male', 'female', 'neuter', 'plural'];

/** The pronoun a mention's text is (case-insensitive, surrounding spaces ignored), or undefined. */
export function pronounOf(text: string): PronounInfo | undefined {
  return LEXICON.get(text.trim().toLowerCase().replace(/\u2019/g, "'"));
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
