/**
 * Finds the name tokens within one edit (substitution, insertion, deletion, adjacent transposition) of a
 * misspelt text token, e.g. "dublyn" -> "dublin".
 *
 * Written here rather than taken from minisearch's fuzzy search because detection needs it per token inside
 * the trie walk, thousands of times per document: a symmetric-delete table (every name token and its
 * one-character deletions point back to the token) answers in a few map lookups instead of a Levenshtein
 * automaton walk over the whole vocabulary. The first character must agree: OCR and spelling variants
 * rarely change it, and requiring it removes most false friends.
 */
export class FuzzyTokenIndex {
  private readonly table = new Map<string, string[]>();
  private readonly minLength: number;

  constructor(tokens: Iterable<string>, minLength: number) {
    this.minLength = minLength;
    for (const t of tokens) {
      if ([...t].length < minLength) continue;
      this.put(t, t);
      for (const d of deletions(t)) this.put(d, t);
    }
  }

  private put(key: string, token: string): void {
    const list = this.table.get(key);
    if (list === undefined) this.table.set(key, [token]);
    else if (list[list.length - 1] !== token) list.push(token);
  }

  /** Name tokens at edit distance exactly 1 from `token` (none for tokens shorter than the minimum). */
  neighbours(token: string): string[] {
    if ([...token].length < this.minLength) return [];
    const found = new Set<string>();
    for (const key of [token, ...deletions(token)]) {
      for (const cand of this.table.get(key) ?? []) {
        if (cand !== token && cand[0] === token[0] && withinOneEdit(token, cand)) found.add(cand);
      }
    }
    return [...found].sort();
  }
}

function deletions(t: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) out.push(t.slice(0, i) + t.slice(i + 1));
  return out;
}

/** Damerau distance <= 1, checked directly (cheaper than a full dynamic programme for one edit). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
