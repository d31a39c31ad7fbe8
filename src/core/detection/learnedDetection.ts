import { pronounOf } from '../coreference/pronouns';
import { AnnotatorMemory, surnameOf } from '../learning/annotatorMemory';
import { greedyLongestMatches } from '../linker/greedyMatches';
import type { Token } from '../linker/tokens';
import { hasUpperCase, nameKey, tokenize } from '../linker/tokens';
import { detectionOperatingPoint } from '../simulation/keyCosts';
import type { Entity } from '../kb/entity';
import { isRoleWord } from './roleTitles';
import { builtInWordFrequencies, type WordFrequencies } from './wordFrequencies';

/**
 * Detection names learned from the annotator's decisions (the annotator memory), corpus-independent:
 * - a form the annotator linked (accepted, chose, or selected and linked with Link Selection) is detected
 *   wherever it occurs again, in any document ("country" linked by hand once is proposed next time); a form
 *   only ever confirmed with an upper-case letter needs one in the text too, as the gazetteer's 'names' mode;
 *   a form confirmed in lower case (a common noun) also matches its plural or singular ("professors");
 * - the last word of a confirmed multi-word capitalised name ("Samuel Beckett" -> "Beckett") is detected as a
 *   name of the same entity when written capitalised: later mentions of a person by surname;
 * - once the annotator has linked ROLE_LINKS lower-case role words ("professor", "lawyer": WordNet person nouns
 *   that are the titles of KB entities, roleTitles.ts), every lower-case role word the KB has as a title is
 *   detected ("lawyer" never seen before): a practice learned from decisions on other forms;
 * - a form the annotator rejected or marked NIL is suppressed once proposing it no longer pays: its chance of
 *   being a mention, (links + t) / (decisions + 1), falls below the key-cost operating point t
 *   (simulation/keyCosts.ts, detectionOperatingPoint: a false proposal costs one key, a missed mention several).
 *   The prior is one decision at t, where proposing and not proposing cost the same: one rejection of a form
 *   never linked withdraws it; a form linked once needs five rejections (at t = 0.2). Measured on the oke train
 *   files, the uniform prior of the rule of succession ((links + 1) / (decisions + 2)) kept proposing rejected
 *   forms and cost 0.2-0.5 keys per mention more.
 */
export interface LearnedMatch {
  /** Token indices, inclusive. */
  readonly first: number;
  readonly last: number;
  /** KB rows of the entities the form was linked to. */
  readonly rows: readonly number[];
  /** True for a surname derived from a longer confirmed name. */
  readonly derived: boolean;
}

interface LearnedForm {
  /** Folded tokens; a common noun's last token without a plural ending (see `plural`). */
  readonly tokens: readonly string[];
  readonly rows: number[];
  /** Needs an upper-case letter in the text. */
  readonly capitalised: boolean;
  /** Its last token is compared with plural endings folded. */
  readonly commonNoun: boolean;
  readonly derived: boolean;
}

/** "professors" -> "professor", "churches" -> "church"; other words unchanged. */
function singular(folded: string): string {
  if (folded.length > 4 && folded.endsWith('es') && /(?:s|x|z|ch|sh)es$/.test(folded)) return folded.slice(0, -2);
  if (folded.length > 3 && folded.endsWith('s') && !folded.endsWith('ss')) return folded.slice(0, -1);
  return folded;
}

const isCapitalisedWord = (t: Token): boolean => t.word && /^\p{Lu}/u.test(t.surface);

/** How often a case-folded form was linked, rejected and marked NIL (AnnotatorMemory, or several summed). */
export interface FormCounts {
  decidedCount(form: string): number;
  rejectedCount(form: string): number;
  nilCount(form: string): number;
}

/**
 * How the annotator treats place chains "A, B" whose parts are names ("Springfield, Illinois"): links of a
 * chain as one mention vote for whole chains, rejections of a chain (proposed whole) vote for the parts.
 */
interface ChainVotes {
  readonly whole: number;
  readonly split: number;
  /** KB rows of the entities of the chains linked whole ("Springfield, Illinois" -> Springfield). */
  readonly rows: readonly number[];
}

/** KB rows by case-folded title, for the titles that are role words (roleTitleRows). */
export type RoleTitleRows = ReadonlyMap<string, readonly number[]>;

/**
 * Lower-case role words linked (distinct forms) from which every role word the KB has as a title is detected
 * (chosen on the leak-free training files, session 9: 1 saves keys on oke-2016-train, 2 changes nothing there).
 */
export const ROLE_LINKS = 1;

/** The KB's one-word titles that are role words (roleTitles.ts isRoleWord), case-folded, with their rows. */
export function roleTitleRows(entities: readonly Entity[] | undefined, frequencies: WordFrequencies | undefined = builtInWordFrequencies()): RoleTitleRows {
  const out = new Map<string, number[]>();
  if (frequencies === undefined || entities === undefined) return out;
  entities.forEach((e, row) => {
    const folded = e.title.toLowerCase();
    if (!/^\p{L}+$/u.test(folded) || !isRoleWord(folded, frequencies)) return;
    const rows = out.get(folded);
    if (rows === undefined) out.set(folded, [row]);
    else rows.push(row);
  });
  return out;
}

/** A form with a comma between two words ("springfield , illinois"). */
const isChainKey = (key: string): boolean => /\p{L}.* , .*\p{L}/u.test(key);

export class LearnedDetection {
  private readonly byFirst = new Map<string, LearnedForm[]>();
  private readonly suppressed: ReadonlySet<string>;

  /** `parent`: the workspace's forms under a document's own (forDocument); the longer match wins. */
  private constructor(forms: readonly LearnedForm[], suppressed: ReadonlySet<string>, private readonly parent?: LearnedDetection, private readonly chains: ChainVotes = { whole: 0, split: 0, rows: [] }, private readonly roles?: RoleTitleRows) {
    for (const f of forms) {
      const list = this.byFirst.get(f.tokens[0]);
      if (list === undefined) this.byFirst.set(f.tokens[0], [f]);
      else list.push(f);
    }
    // Longest first, so the first match at a position is the longest.
    for (const list of this.byFirst.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
    this.suppressed = suppressed;
  }

  /**
   * Forms learned so far; `rowOf` maps entity ids to KB rows (an entity no longer in the KB is left out);
   * `counts` (default: the memory's) decide what pays.
   */
  static fromMemory(memory: AnnotatorMemory, rowOf: (id: string) => number | undefined, operatingPoint = detectionOperatingPoint(), counts: FormCounts = memory, roles?: RoleTitleRows): LearnedDetection {
    const pays = paysAt(counts, operatingPoint);
    const forms = new Map<string, LearnedForm>();
    const suppressed = new Set<string>();
    const add = (toks: readonly Token[], row: number, derived: boolean): void => {
      const commonNoun = !toks.some((t) => t.word && hasUpperCase(t.surface));
      const folded = toks.map((t) => t.folded);
      if (commonNoun) folded[folded.length - 1] = singular(folded[folded.length - 1]);
      const id = `${derived ? 'd' : 'f'}\u0000${folded.join(' ')}`;
      const known = forms.get(id);
      if (known === undefined) forms.set(id, { tokens: folded, rows: [row], capitalised: !commonNoun, commonNoun, derived });
      else {
        if (!known.rows.includes(row)) known.rows.push(row);
        // One lower-case confirmation is enough for the form to match in any case.
        if (commonNoun && known.capitalised) forms.set(id, { ...known, capitalised: false });
      }
    };
    for (const { entityId, surface } of memory.confirmedNames()) {
      const row = rowOf(entityId);
      const toks = tokenize(surface);
      const key = toks.map((t) => t.folded).join(' ');
      // A pronoun linked to a person ("he" -> Beckett) names whoever the text is about: coreference resolves it, not a name.
      if (row === undefined || toks.length === 0 || !toks[0].word || !pays(key) || pronounOf(surface) !== undefined) continue;
      add(toks, row, false);
      // A person-like name ("Samuel Beckett"): its surname alone names the same entity, when never decided itself.
      const surname = surnameOf(surface);
      if (surname !== undefined && counts.decidedCount(surname) === 0 && counts.rejectedCount(surname) + counts.nilCount(surname) === 0) add([toks[toks.length - 1]], row, true);
    }
    for (const key of memory.rejectedOrNilForms()) if (!pays(key)) suppressed.add(key);
    // Role words linked in lower case (distinct forms, singular): the annotator annotates roles.
    const rolesLinked = new Set([...forms.values()].filter((f) => f.commonNoun && !f.derived && f.tokens.length === 1 && roles?.has(f.tokens[0]) === true).map((f) => f.tokens[0]));
    return new LearnedDetection([...forms.values()], suppressed, undefined, chainVotes(memory, rowOf), rolesLinked.size >= ROLE_LINKS ? roles : undefined);
  }

  /**
   * What detection knows while one document is linked: the workspace's forms (`base`, from `memory`) with the
   * document's decisions on top (entity null: NIL or rejected), counted together. Costs the document's
   * decisions only, not the memory's size.
   */
  static forDocument(
    base: LearnedDetection | undefined,
    memory: AnnotatorMemory | undefined,
    decisions: readonly { readonly text: string; readonly entityId: string | null }[],
    rowOf: (id: string) => number | undefined,
    operatingPoint = detectionOperatingPoint(),
  ): LearnedDetection {
    const doc = new AnnotatorMemory();
    for (const d of decisions) doc.observe(d.entityId === null ? { action: 'reject', entityId: null, text: d.text } : { action: 'accept', entityId: d.entityId, text: d.text });
    const counts: FormCounts = memory === undefined ? doc : {
      decidedCount: (f) => doc.decidedCount(f) + memory.decidedCount(f),
      rejectedCount: (f) => doc.rejectedCount(f) + memory.rejectedCount(f),
      nilCount: (f) => doc.nilCount(f) + memory.nilCount(f),
    };
    const own = LearnedDetection.fromMemory(doc, rowOf, operatingPoint, counts);
    if (base === undefined) return own;
    const pays = paysAt(counts, operatingPoint);
    const suppressed = new Set([...base.suppressed, ...own.suppressed].filter((key) => !pays(key)));
    return new LearnedDetection([...own.byFirst.values()].flat(), suppressed, base, { whole: base.chains.whole + own.chains.whole, split: base.chains.split + own.chains.split, rows: [...new Set([...base.chains.rows, ...own.chains.rows])] });
  }

  /**
   * Whether place chains "A, B" (parts that are names, separated by a comma) are one mention for this
   * annotator: true once chains linked whole outnumber chains rejected, false the other way round, undefined
   * without evidence (the dictionary's default: MentionDetector splits "A, B" into its names). Annotation
   * guidelines differ here (OKE marks "Springfield, Illinois" whole in some documents, "Stockholm" and "Sweden"
   * in others); a missed chain costs select + Link Selection + search against a rejection or two, so the
   * annotator's own practice decides.
   */
  get wholeCommaChains(): boolean | undefined {
    const { whole, split } = this.chains;
    return whole + split === 0 ? undefined : whole > split;
  }

  /**
   * KB rows of the entities of the chains this annotator linked whole, while chains are whole for them
   * (wholeCommaChains); empty otherwise. Their types are the kind of chain the annotator links whole (places):
   * a chain tail of such a type whose head detection cannot join is not proposed alone (chainConvention.ts
   * chainTails).
   */
  get wholeChainRows(): readonly number[] {
    return this.wholeCommaChains === true ? this.chains.rows : [];
  }

  get size(): number {
    let n = this.parent?.size ?? 0;
    for (const list of this.byFirst.values()) n += list.length;
    return n;
  }

  /** True when the annotator linked the case-folded form ("somerset"; a common noun by its singular), here or in the workspace. */
  confirms(surfaceKey: string): boolean {
    const tokens = surfaceKey.split(' ');
    const same = (f: LearnedForm): boolean => !f.derived && f.tokens.length === tokens.length && f.tokens.every((t, k) => t === tokens[k] || (f.commonNoun && k === tokens.length - 1 && t === singular(tokens[k])));
    return (this.byFirst.get(tokens[0]) ?? []).some(same) || this.parent?.confirms(surfaceKey) === true;
  }

  /** True when the annotator rejected (or marked NIL) the case-folded form too often for proposing it to pay. */
  suppresses(surfaceKey: string): boolean {
    return this.suppressed.has(surfaceKey);
  }

  /** Learned forms among `tokens`, longest at each position, not overlapping, in text order. */
  matches(tokens: readonly Token[]): LearnedMatch[] {
    return greedyLongestMatches(tokens, (i) => this.longestAt(tokens, i), (found, first) => first + found.tokens.length - 1).map(({ first, last, match }) => ({ first, last, rows: match.rows, derived: match.derived }));
  }

  private longestAt(tokens: readonly Token[], i: number): LearnedForm | undefined {
    const own = this.ownLongestAt(tokens, i);
    const inherited = this.parent?.longestAt(tokens, i);
    return (inherited !== undefined && (own === undefined || inherited.tokens.length > own.tokens.length) ? inherited : own) ?? this.roleAt(tokens[i]);
  }

  /** A lower-case role word the KB has as a title, when the annotator annotates roles (see the class comment). */
  private roleAt(t: Token): LearnedForm | undefined {
    if (this.roles === undefined || !t.word || hasUpperCase(t.surface)) return undefined;
    const folded = singular(t.folded);
    const rows = this.roles.get(folded);
    return rows === undefined ? undefined : { tokens: [folded], rows: [...rows], capitalised: false, commonNoun: true, derived: false };
  }

  private ownLongestAt(tokens: readonly Token[], i: number): LearnedForm | undefined {
    const firsts = [tokens[i].folded, singular(tokens[i].folded)];
    for (const first of new Set(firsts)) {
      for (const f of this.byFirst.get(first) ?? []) {
        if (i + f.tokens.length > tokens.length) continue;
        const span = tokens.slice(i, i + f.tokens.length);
        const same = f.tokens.every((t, k) => {
          const last = k === f.tokens.length - 1;
          return span[k].folded === t || (last && f.commonNoun && singular(span[k].folded) === t);
        });
        if (!same) continue;
        if (f.derived && !isCapitalisedWord(span[0])) continue;
        if (f.capitalised && !span.some((t) => t.word && hasUpperCase(t.surface))) continue;
        if (!span[span.length - 1].word) continue;
        return f;
      }
    }
    return undefined;
  }
}

/** Chain votes of one memory: its links of chain forms (whole) and rejections of them (split). */
function chainVotes(memory: AnnotatorMemory, rowOf: (id: string) => number | undefined): ChainVotes {
  const chains = memory.confirmedNames().filter((n) => isChainKey(nameKey(n.surface)));
  const linked = new Set(chains.map((n) => nameKey(n.surface)));
  const rows = [...new Set(chains.map((n) => rowOf(n.entityId)).filter((r): r is number => r !== undefined))];
  let whole = 0;
  for (const key of linked) whole += memory.decidedCount(key);
  let split = 0;
  for (const key of memory.rejectedOrNilForms()) if (isChainKey(key)) split += memory.rejectedCount(key);
  return { whole, split, rows };
}

/**
 * Whether proposing a form pays: its chance of being a mention, one prior decision at the operating point t,
 * (links + t) / (decisions + 1), reaches t (see the class comment).
 */
function paysAt(counts: FormCounts, t: number): (key: string) => boolean {
  return (key) => {
    const links = counts.decidedCount(key);
    return (links + t) / (links + counts.rejectedCount(key) + counts.nilCount(key) + 1) >= t;
  };
}

/**
 * Whether a decision bears on detection elsewhere in its document: the decided form, or the surname of a
 * decided full name, occurs again outside the decided span (case-folded). The editor links such a document
 * again at once, with the decision in its context, so the other occurrences are proposed (or withdrawn).
 */
export function recursInText(text: string, decided: { readonly start: number; readonly end: number; readonly text: string }): boolean {
  const forms = [decided.text, ...(() => {
    const surname = surnameOf(decided.text);
    return surname === undefined ? [] : [surname];
  })()].map((f) => f.trim().toLowerCase()).filter((f) => f.length > 0);
  const lower = text.toLowerCase();
  return forms.some((f) => {
    for (let at = lower.indexOf(f); at >= 0; at = lower.indexOf(f, at + 1)) {
      const before = at === 0 ? '' : lower[at - 1];
      const after = lower[at + f.length] ?? '';
      if ((at < decided.start || at >= decided.end) && !/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    }
    return false;
  });
}
