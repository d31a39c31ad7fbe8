import type { AnnotatorDecision } from '../learning/decision';
import { tokenize, type Token } from '../linker/tokens';
import { FUNCTION_WORDS, isSentenceStart } from './functionWords';

/** An annotated span: where it is and the entity it was linked to. */
export interface AnnotatedSpan {
  readonly start: number;
  readonly end: number;
  readonly entityId: string;
}

const capitalised = /^\p{Lu}/u;

/** True for a form "A, B" whose parts around a comma start with capitals ("Springfield, Illinois"). */
export function isPlaceChain(form: string): boolean {
  const tokens = tokenize(form);
  const name = (i: number): boolean => tokens[i] !== undefined && tokens[i].word && capitalised.test(tokens[i].surface);
  return name(0) && tokens.some((t, i) => t.surface === ',' && name(i - 1) && name(i + 1));
}

/**
 * How an annotated document treats place chains "A, B", as annotator decisions for an AnnotatorMemory (whose
 * votes LearnedDetection.wholeCommaChains reads): a chain annotated as one span is a chain linked whole
 * (accept); two capitalised spans separated only by a comma ("Paris" ", " "France") are a chain annotated as
 * its parts (a rejection of the whole). Lets gold documents teach the convention that the editor learns from
 * an annotator's links and rejections.
 */
export function chainDecisions(text: string, spans: readonly AnnotatedSpan[]): Pick<AnnotatorDecision, 'action' | 'entityId' | 'text'>[] {
  const out: Pick<AnnotatorDecision, 'action' | 'entityId' | 'text'>[] = [];
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  sorted.forEach((s, i) => {
    const form = text.slice(s.start, s.end);
    if (isPlaceChain(form)) out.push({ action: 'add', entityId: s.entityId, text: form });
    const next = sorted[i + 1];
    if (next === undefined || !/^\s*,\s*$/.test(text.slice(s.end, next.start)) || !capitalised.test(form) || !capitalised.test(text.slice(next.start, next.end))) return;
    out.push({ action: 'reject', entityId: null, text: text.slice(s.start, next.end) });
  });
  return out;
}

/** What chainTails needs of a detection candidate: its token range and KB rows. */
interface ChainCandidate {
  readonly first: number;
  readonly last: number;
  readonly rows: readonly number[];
}

/**
 * For an annotator who links place chains whole ("Muscatine, Iowa" as one mention of Muscatine;
 * LearnedDetection.wholeCommaChains), the candidates that are the tail of a chain whose head detection could not
 * join them: a capitalised candidate right after "Name, " (a capitalised word before the comma, a function word
 * opening the sentence aside) whose KB entities share a type with the entities of the chains the annotator linked
 * whole (`chainTypes`: the shape of the decision, not its form). The chain's head is unknown to the dictionary
 * ("Muscatine", "Noank") or of another type ("Jesus College, Cambridge"), so the chain cannot be proposed; the
 * annotator annotates the chain, not its tail, so proposing the tail alone costs a rejection. Returns the indices
 * of such tails in `found` (commaChains has run: chains of known heads are one candidate already).
 */
export function chainTails(text: string, tokens: readonly Token[], found: readonly ChainCandidate[], chainTypes: ReadonlySet<string>, typeOfRow: (row: number) => string | undefined): number[] {
  if (chainTypes.size === 0) return [];
  const headWord = (i: number): boolean => tokens[i] !== undefined && tokens[i].word && capitalised.test(tokens[i].surface) && !(FUNCTION_WORDS.has(tokens[i].folded) && isSentenceStart(text, tokens, i));
  const out: number[] = [];
  found.forEach((c, k) => {
    const t = tokens[c.first];
    if (t === undefined || !t.word || !capitalised.test(t.surface) || tokens[c.first - 1]?.surface !== ',' || !headWord(c.first - 2)) return;
    // A tail ends the name: "Eugene" of "Massachusetts, Eugene Smith" starts another one.
    const after = tokens[c.last + 1];
    if (after !== undefined && after.word && capitalised.test(after.surface)) return;
    if (c.rows.some((r) => chainTypes.has(typeOfRow(r) ?? ''))) out.push(k);
  });
  return out;
}
