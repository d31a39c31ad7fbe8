import type { NameVariant, TrieNode } from './gazetteer';

/** Strings given one by one (a snapshot decodes each only when asked). */
export interface StringList {
  readonly count: number;
  at(i: number): string;
}

/**
 * A Gazetteer's dictionary in flat form, for a snapshot: its name variants grouped by their first (case-folded)
 * token. A Gazetteer made from it (the constructor's `saved`) builds the trie below a first token only when a text
 * first has that token, so opening a 150k-name dictionary costs a map of its first tokens.
 */
export interface GazetteerSaved {
  readonly nameCount: number;
  /** First token of each group; group g holds variants [groupStart[g], groupStart[g + 1]). */
  readonly groupFirst: StringList;
  readonly groupStart: Int32Array;
  /** Variant v's trie path (folded tokens) and surface tokens are items [tokenStart[v], tokenStart[v + 1]). */
  readonly tokenStart: Int32Array;
  readonly folded: StringList;
  readonly surfaces: StringList;
  /** Variant v's KB rows are rows[rowStart[v] .. rowStart[v + 1]). */
  readonly rowStart: Int32Array;
  readonly rows: Int32Array;
  /** Per variant: bit 0 exact case, bit 1 capitalised. */
  readonly flags: Uint8Array;
  /** Every word token of every name (the fuzzy matcher's vocabulary). */
  readonly nameTokens: StringList;
}

const EXACT = 1;
const CAPITALISED = 2;

/** The flat form of a fully built trie (depth-first, so each first token's variants are contiguous). */
export function saveTrie(root: TrieNode, nameCount: number, nameTokens: ReadonlySet<string>): GazetteerSaved {
  const groupFirst: string[] = [];
  const groupStart: number[] = [];
  const tokenStart: number[] = [0];
  const folded: string[] = [];
  const surfaces: string[] = [];
  const rowStart: number[] = [0];
  const rows: number[] = [];
  const flags: number[] = [];
  const path: string[] = [];
  const walk = (node: TrieNode): void => {
    for (const v of node.variants ?? []) {
      folded.push(...path);
      surfaces.push(...v.surfaces);
      tokenStart.push(folded.length);
      rows.push(...v.rows);
      rowStart.push(rows.length);
      flags.push((v.exactCase ? EXACT : 0) | (v.capitalised ? CAPITALISED : 0));
    }
    for (const [token, child] of node.children ?? []) {
      path.push(token);
      walk(child);
      path.pop();
    }
  };
  for (const [first, child] of root.children ?? []) {
    groupFirst.push(first);
    groupStart.push(flags.length);
    path.push(first);
    walk(child);
    path.pop();
  }
  groupStart.push(flags.length);
  return {
    nameCount,
    groupFirst: listOf(groupFirst),
    groupStart: Int32Array.from(groupStart),
    tokenStart: Int32Array.from(tokenStart),
    folded: listOf(folded),
    surfaces: listOf(surfaces),
    rowStart: Int32Array.from(rowStart),
    rows: Int32Array.from(rows),
    flags: Uint8Array.from(flags),
    nameTokens: listOf([...nameTokens]),
  };
}

export function listOf(strings: readonly string[]): StringList {
  return { count: strings.length, at: (i) => strings[i] };
}

export function allStrings(list: StringList): string[] {
  const out = new Array<string>(list.count);
  for (let i = 0; i < list.count; i++) out[i] = list.at(i);
  return out;
}

/**
 * The trie root's children, each first token's subtree built the first time it is looked up. The trie's walk only
 * calls `get`, which is all this serves lazily (iteration sees only the subtrees built so far).
 */
export class LazyTrieRoot extends Map<string, TrieNode> {
  private readonly pending = new Map<string, number>();

  constructor(private readonly saved: GazetteerSaved) {
    super();
    for (let g = 0; g < saved.groupFirst.count; g++) this.pending.set(saved.groupFirst.at(g), g);
  }

  override get(token: string): TrieNode | undefined {
    const built = super.get(token);
    if (built !== undefined) return built;
    const g = this.pending.get(token);
    if (g === undefined) return undefined;
    this.pending.delete(token);
    const node = this.buildGroup(g);
    this.set(token, node);
    return node;
  }

  private buildGroup(g: number): TrieNode {
    const s = this.saved;
    const top: TrieNode = {};
    for (let v = s.groupStart[g]; v < s.groupStart[g + 1]; v++) {
      let node = top;
      const surfaces: string[] = [];
      for (let t = s.tokenStart[v]; t < s.tokenStart[v + 1]; t++) {
        surfaces.push(s.surfaces.at(t));
        if (t === s.tokenStart[v]) continue; // the first token is this group's own
        node.children ??= new Map();
        const key = s.folded.at(t);
        let next = node.children.get(key);
        if (next === undefined) {
          next = {};
          node.children.set(key, next);
        }
        node = next;
      }
      const variant: NameVariant = {
        surfaces,
        rows: Array.from(s.rows.subarray(s.rowStart[v], s.rowStart[v + 1])),
        exactCase: (s.flags[v] & EXACT) !== 0,
        capitalised: (s.flags[v] & CAPITALISED) !== 0,
      };
      (node.variants ??= []).push(variant);
    }
    return top;
  }
}
