import { LinkerError } from '../errors';
import { hasUpperCase, nameKey, tokenize } from '../linker/tokens';
import type { AnnotatorDecision } from './decision';
import { decisionEntity } from './decision';

/**
 * What the annotator's decisions teach beyond ranker weights, per normalised surface form:
 * - which entities the form was linked to, and how often (the annotator's prior p(entity | form); the forms
 *   confirmed for an entity become extra names for retrieval);
 * - how often the form was marked NIL, and how often a span with it was rejected as no mention.
 * Plain maps of counts, so the memory serialises to JSON and merges by adding.
 */
export interface AnnotatorMemoryJson {
  readonly version: 1;
  /** formKey -> entity id -> count. */
  readonly forms: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** entity id -> surface forms as written (first spelling seen per form key; a lower-case one besides a capitalised one). */
  readonly names: Readonly<Record<string, readonly string[]>>;
  /** formKey -> count of reject decisions. */
  readonly rejected: Readonly<Record<string, number>>;
  /** formKey -> count of NIL decisions. */
  readonly nil: Readonly<Record<string, number>>;
  /**
   * Surface as written + "\u0000" + entity id (+ "\u0000part" for a detection that was part of a longer
   * capitalised name, LinkedMention.partOfName) -> [annotated, skipped]: the entity linked (annotated), or the top
   * candidate of a detection rejected (skipped); the annotation conventions learn from it
   * (detection/annotationConventions.ts). Absent in older files.
   */
  readonly judged?: Readonly<Record<string, readonly [number, number]>>;
}

/** One entry of the memory's judgements: a surface form, the entity shown or linked, how often annotated / skipped. */
export interface Judgement {
  readonly surface: string;
  readonly entityId: string;
  readonly annotated: number;
  readonly skipped: number;
  /** The detection was part of a longer capitalised name in its text. */
  readonly partOfName?: boolean;
}

/** The key every memory lookup uses: NFKC, case-folded tokens joined by one space (as name matching). */
export function formKey(text: string): string {
  return nameKey(text);
}

export class AnnotatorMemory {
  private readonly forms = new Map<string, Map<string, number>>();
  private readonly names = new Map<string, string[]>();
  private readonly rejected = new Map<string, number>();
  private readonly nil = new Map<string, number>();
  private readonly judged = new Map<string, [number, number]>();
  private decisions = 0;
  /** Surname key -> entity -> count, derived from the confirmed names (built on first use, dropped on a new link). */
  private surnames: Map<string, Map<string, number>> | undefined;

  /** Decisions observed (or, after fromJSON, the counts they left). */
  get size(): number {
    return this.decisions;
  }

  observe(d: Pick<AnnotatorDecision, 'action' | 'entityId' | 'text'> & Partial<Pick<AnnotatorDecision, 'mention'>>): void {
    const key = formKey(d.text);
    if (key.length === 0) return;
    this.decisions++;
    const id = decisionEntity(d);
    if (id !== undefined) this.link(key, d.text.trim(), id, 1);
    else if (d.action === 'nil') this.nil.set(key, (this.nil.get(key) ?? 0) + 1);
    // A span rejected where it stood inside a longer capitalised name ("Turin" of "Polytechnic Institute of Turin")
    // says nothing of the form standing alone: only its judgement (below) keeps it, for the conventions.
    else if (d.action === 'reject' && d.mention?.partOfName !== true) this.rejected.set(key, (this.rejected.get(key) ?? 0) + 1);
    // What the conventions learn: the linked entity was annotated; the top candidate shown for a rejected span was
    // not. A NIL says the span is annotated but the shown entity is wrong, so nothing of its type; a decision
    // without the linker's answer teaches nothing here.
    this.judge(d, id, 1);
  }

  /**
   * Takes back a decision observed before (the annotator undid it, or changed it: a relink replaces the accept it
   * corrects), as if it had never been made: every count `observe` added for it is taken away (never below 0), and
   * a name no longer confirmed by any link is dropped. `d` must be the decision as observed (same mention).
   */
  retract(d: Pick<AnnotatorDecision, 'action' | 'entityId' | 'text'> & Partial<Pick<AnnotatorDecision, 'mention'>>): void {
    const key = formKey(d.text);
    if (key.length === 0) return;
    this.decisions = Math.max(0, this.decisions - 1);
    const id = decisionEntity(d);
    if (id !== undefined) this.unlink(key, id);
    else if (d.action === 'nil') decrement(this.nil, key);
    else if (d.action === 'reject' && d.mention?.partOfName !== true) decrement(this.rejected, key);
    this.judge(d, id, -1);
  }

  /**
   * Adds `count` (1 for observe, -1 for retract) to the decision's judgement, if it makes one: the linked entity
   * annotated, or the top candidate shown for a rejected span skipped.
   */
  private judge(d: Pick<AnnotatorDecision, 'action' | 'text'> & Partial<Pick<AnnotatorDecision, 'mention'>>, linked: string | undefined, count: number): void {
    const judgedId = linked ?? (d.action === 'reject' ? d.mention?.candidates[0]?.id : undefined);
    if (judgedId === undefined) return;
    const key = `${d.text.trim()}\u0000${judgedId}${d.mention?.partOfName === true ? '\u0000part' : ''}`;
    const slot = linked !== undefined ? 0 : 1;
    const c = this.judged.get(key) ?? [0, 0];
    c[slot] = Math.max(0, c[slot] + count);
    if (c[0] === 0 && c[1] === 0) this.judged.delete(key);
    else this.judged.set(key, c);
  }

  /**
   * How often the form was linked (annotated) and rejected (skipped) where it stood as a part of a longer
   * capitalised name (`partOfName`) or alone, from the judgements; links without a judgement (a decision without
   * the linker's answer) count as alone. "Paris" linked alone says nothing of "Paris" of "University of Paris".
   */
  judgedCounts(form: string, partOfName: boolean): { readonly annotated: number; readonly skipped: number } {
    const key = formKey(form);
    let annotated = 0;
    let skipped = 0;
    let linked = 0;
    for (const [k, c] of this.judged) {
      const [surface, , part] = k.split('\u0000');
      if (formKey(surface) !== key) continue;
      linked += c[0];
      if ((part === 'part') !== partOfName) continue;
      annotated += c[0];
      skipped += c[1];
    }
    return { annotated: partOfName ? annotated : annotated + Math.max(0, this.decidedCount(form) - linked), skipped };
  }

  /** Every judgement: the surface, the entity linked (annotated) or shown and rejected (skipped). */
  judgements(): Judgement[] {
    return [...this.judged].map(([key, [annotated, skipped]]) => {
      const [surface, entityId, part] = key.split('\u0000');
      return { surface, entityId, annotated, skipped, ...(part === 'part' ? { partOfName: true } : {}) };
    });
  }

  /**
   * Smoothed p(entity | form) = c(form, e) / (c(form) + 1); 0 for a form never decided. A form never linked,
   * rejected or marked NIL that is the surname of confirmed names ("Beckett" after "Samuel Beckett") takes
   * their counts (see `surnameCounts`).
   */
  prior(form: string, entityId: string): number {
    const counts = this.linkCounts(formKey(form));
    if (counts === undefined) return 0;
    return (counts.get(entityId) ?? 0) / (sum(counts) + 1);
  }

  /** Entity ids the form (or, as in `prior`, the surname) was linked to, most often first (ties by id). */
  entitiesFor(form: string): string[] {
    const counts = this.linkCounts(formKey(form));
    if (counts === undefined) return [];
    return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  }

  /** Every confirmed name: the entity and the form as first written, and in lower case when confirmed so (detection names, learnedDetection.ts). */
  confirmedNames(): { readonly entityId: string; readonly surface: string }[] {
    return [...this.names].flatMap(([entityId, list]) => list.map((surface) => ({ entityId, surface })));
  }

  /** Form keys rejected or marked NIL at least once. */
  rejectedOrNilForms(): string[] {
    return [...new Set([...this.rejected.keys(), ...this.nil.keys()])];
  }

  /**
   * The link counts of a form; for a form with no decision of its own, those of the confirmed names of two to
   * four capitalised words whose last word it is (a person named by surname after the full name).
   */
  private linkCounts(key: string): ReadonlyMap<string, number> | undefined {
    const own = this.forms.get(key);
    if (own !== undefined || this.rejected.has(key) || this.nil.has(key) || key.includes(' ')) return own;
    return this.surnameCounts().get(key);
  }

  private surnameCounts(): Map<string, Map<string, number>> {
    if (this.surnames !== undefined) return this.surnames;
    const out = new Map<string, Map<string, number>>();
    for (const [id, list] of this.names) {
      for (const surface of list) {
        const surname = surnameOf(surface);
        if (surname === undefined) continue;
        const n = this.forms.get(formKey(surface))?.get(id) ?? 0;
        if (n === 0) continue;
        let counts = out.get(surname);
        if (counts === undefined) out.set(surname, (counts = new Map()));
        counts.set(id, (counts.get(id) ?? 0) + n);
      }
    }
    this.surnames = out;
    return out;
  }

  /** Entity -> count map for a form (empty when never linked). */
  countsFor(form: string): ReadonlyMap<string, number> {
    return this.forms.get(formKey(form)) ?? new Map();
  }

  /** Surface forms confirmed for the entity, as first written. */
  namesOf(entityId: string): readonly string[] {
    return this.names.get(entityId) ?? [];
  }

  decidedCount(form: string): number {
    const counts = this.forms.get(formKey(form));
    return counts === undefined ? 0 : sum(counts);
  }

  rejectedCount(form: string): number {
    return this.rejected.get(formKey(form)) ?? 0;
  }

  nilCount(form: string): number {
    return this.nil.get(formKey(form)) ?? 0;
  }

  toJSON(): AnnotatorMemoryJson {
    const names: Record<string, string[]> = {};
    for (const [id, list] of this.names) names[id] = [...list];
    return {
      version: 1,
      forms: Object.fromEntries([...this.forms].map(([k, m]) => [k, Object.fromEntries(m)])),
      names,
      rejected: Object.fromEntries(this.rejected),
      nil: Object.fromEntries(this.nil),
      ...(this.judged.size === 0 ? {} : { judged: Object.fromEntries([...this.judged].map(([k, c]) => [k, [c[0], c[1]] as const])) }),
    };
  }

  static fromJSON(json: unknown, file = 'annotator memory'): AnnotatorMemory {
    const o = json as Partial<AnnotatorMemoryJson> | null;
    const bad = (what: string): never => {
      throw new LinkerError('inputFormat', `The annotator memory is malformed: ${what}.`, {
        location: { file },
        hint: 'Delete the file to start the memory afresh (the annotations themselves are kept elsewhere).',
      });
    };
    if (typeof o !== 'object' || o === null || o.version !== 1) return bad('expected {"version": 1, ...}');
    const memory = new AnnotatorMemory();
    for (const [key, counts] of Object.entries(o.forms ?? {})) {
      const m = new Map<string, number>();
      for (const [id, c] of Object.entries(counts)) {
        if (!isCount(c)) return bad(`count of "${id}" for "${key}" is not a positive integer`);
        m.set(id, c);
        memory.decisions += c;
      }
      memory.forms.set(key, m);
    }
    for (const [id, list] of Object.entries(o.names ?? {})) {
      if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) return bad(`names of "${id}" are not a list of strings`);
      memory.names.set(id, [...list]);
    }
    for (const [target, field] of [[memory.rejected, o.rejected], [memory.nil, o.nil]] as const) {
      for (const [key, c] of Object.entries(field ?? {})) {
        if (!isCount(c)) return bad(`count for "${key}" is not a positive integer`);
        target.set(key, c);
        memory.decisions += c;
      }
    }
    for (const [key, c] of Object.entries(o.judged ?? {})) {
      const ok = key.includes('\u0000') && Array.isArray(c) && c.length === 2 && c.every((n) => Number.isInteger(n) && n >= 0);
      if (!ok) return bad(`judgement "${key}" is not "surface\\u0000entity": [annotated, skipped]`);
      memory.judged.set(key, [c[0], c[1]]);
    }
    return memory;
  }

  /** One link of the form to the entity fewer; the entity loses the form's spellings when none is left. */
  private unlink(key: string, id: string): void {
    const counts = this.forms.get(key);
    const n = counts?.get(id);
    if (counts === undefined || n === undefined) return;
    this.surnames = undefined;
    if (n > 1) {
      counts.set(id, n - 1);
      return;
    }
    counts.delete(id);
    if (counts.size === 0) this.forms.delete(key);
    const list = this.names.get(id)?.filter((surface) => formKey(surface) !== key);
    if (list === undefined) return;
    if (list.length === 0) this.names.delete(id);
    else this.names.set(id, list);
  }

  private link(key: string, surface: string, id: string, count: number): void {
    this.surnames = undefined;
    let counts = this.forms.get(key);
    if (counts === undefined) this.forms.set(key, (counts = new Map()));
    counts.set(id, (counts.get(id) ?? 0) + count);
    let list = this.names.get(id);
    if (list === undefined) this.names.set(id, (list = []));
    // One spelling per form, and a lower-case one besides a capitalised one: a form confirmed in lower case
    // ("professor" after "Professor Rutherford") is a common noun, detected in lower case from then on.
    if (!list.some((n) => formKey(n) === key && (hasUpperCase(surface) || !hasUpperCase(n)))) list.push(surface);
  }
}

/**
 * The case-folded last word of a name of two to four capitalised words (initials allowed, no lower-case
 * particle), three letters or more: "Samuel Beckett" -> "beckett", "T. S. Eliot" -> "eliot"; undefined otherwise
 * ("University of Turin", "Cher").
 */
export function surnameOf(name: string): string | undefined {
  const toks = tokenize(name);
  const words = toks.filter((t) => t.word);
  const last = toks[toks.length - 1];
  if (last === undefined || !last.word || last.surface.length < 3 || words.length < 2 || words.length > 4) return undefined;
  return words.every((t) => /^\p{Lu}/u.test(t.surface)) ? last.folded : undefined;
}

function sum(counts: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const c of counts.values()) s += c;
  return s;
}

function isCount(c: unknown): c is number {
  return typeof c === 'number' && Number.isInteger(c) && c > 0;
}

/** One fewer for `key`, dropping it at 0. */
function decrement(counts: Map<string, number>, key: string): void {
  const n = counts.get(key) ?? 0;
  if (n <= 1) counts.delete(key);
  else counts.set(key, n - 1);
}
