/**
 * SentencePiece unigram tokenizer for the USE-lite vocabulary (`vocab.json`: [piece, score] pairs, ids 0-5
 * reserved). Written here rather than taken from a library because the encoder was trained with, and must be
 * fed exactly like, the TF.js reference tokenizer: its quirks (which positions count as reachable, how ties
 * break, how unknown characters are stepped over) decide the token ids, and a general SentencePiece library
 * resolves those cases differently. The parity test compares ids with the reference on a varied test set.
 */

/** A vocabulary as shipped in vocab.json: index = token id. */
export type SentencePieceVocabulary = ReadonlyArray<readonly [string, number]>;

/** U+2581, SentencePiece's visible word-boundary marker. */
export const WORD_BOUNDARY = '\u2581';

/** Id of the unknown piece. */
export const UNKNOWN_ID = 0;

const DEFAULT_RESERVED = 6;

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** Token id of the piece that ends here, or -1. */
  id: number;
  score: number;
}

function newNode(): TrieNode {
  return { children: new Map(), id: -1, score: 0 };
}

/** A match starting at some position: `length` code points long. */
interface PieceMatch {
  readonly length: number;
  readonly id: number;
  readonly score: number;
}

export class SentencePieceUnigramTokenizer {
  private readonly root: TrieNode = newNode();
  /** Length of each piece in UTF-16 units: the back-trace steps by it (see `encode`). */
  private readonly pieceLength: Int32Array;

  constructor(vocabulary: SentencePieceVocabulary, reservedCount: number = DEFAULT_RESERVED) {
    this.pieceLength = new Int32Array(vocabulary.length);
    vocabulary.forEach(([piece], id) => {
      this.pieceLength[id] = piece.length;
    });
    for (let id = reservedCount; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id];
      this.insert(piece, score, id);
    }
  }

  private insert(piece: string, score: number, id: number): void {
    let node = this.root;
    for (const ch of piece) {
      let next = node.children.get(ch);
      if (next === undefined) {
        next = newNode();
        node.children.set(ch, next);
      }
      node = next;
    }
    if (node !== this.root) {
      node.id = id;
      node.score = score;
    }
  }

  /** Every vocabulary piece that starts at `start`; a lone unknown character when none does. */
  private matchesAt(symbols: readonly string[], start: number): PieceMatch[] {
    const found: PieceMatch[] = [];
    let node = this.root.children.get(symbols[start]);
    for (let i = start; node !== undefined; ) {
      if (node.id >= 0) {
        found.push({ length: i - start + 1, id: node.id, score: node.score });
      }
      i++;
      node = i < symbols.length ? node.children.get(symbols[i]) : undefined;
    }
    // Only a character with no piece at all starting with it becomes an unknown; a character that merely
    // begins longer pieces does not, so some positions can stay unreachable (the reference behaves so too).
    if (found.length === 0) {
      found.push({ length: 1, id: UNKNOWN_ID, score: 0 });
    }
    return found;
  }

  /** Token ids of one text; an empty text gives an empty array. */
  encode(text: string): number[] {
    const normalised = text.normalize('NFKC');
    if (normalised.length === 0) {
      return [];
    }
    const symbols = Array.from(WORD_BOUNDARY + normalised.replace(/ /g, WORD_BOUNDARY));
    const n = symbols.length;
    // Edges grouped by end position, in increasing start order: the order ties are decided in.
    const edgesByEnd: PieceMatch[][] = Array.from({ length: n + 1 }, () => []);
    const startOf: number[][] = Array.from({ length: n + 1 }, () => []);
    for (let start = 0; start < n; start++) {
      for (const match of this.matchesAt(symbols, start)) {
        edgesByEnd[start + match.length].push(match);
        startOf[start + match.length].push(start);
      }
    }
    // Viterbi over log-probability scores. 0 doubles as "not reached yet", so the first edge into a position
    // always wins and a later edge wins ties; unreachable positions keep score 0 and id 0 (unknown).
    const best = new Float64Array(n + 1);
    const bestId = new Int32Array(n + 1);
    for (let end = 1; end <= n; end++) {
      const edges = edgesByEnd[end];
      for (let k = 0; k < edges.length; k++) {
        const score = edges[k].score + best[startOf[end][k]];
        if (best[end] === 0 || score >= best[end]) {
          best[end] = score;
          bestId[end] = edges[k].id;
        }
      }
    }
    // The back-trace steps by the chosen piece's UTF-16 length, as the reference does, not by code points.
    const reversed: number[] = [];
    for (let pos = n; pos > 0; pos -= this.pieceLength[bestId[pos]]) {
      reversed.push(bestId[pos]);
    }
    return mergeUnknownRuns(reversed.reverse());
  }
}

/** Collapses each run of consecutive unknown ids into one. */
function mergeUnknownRuns(ids: readonly number[]): number[] {
  const merged: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] === UNKNOWN_ID && i > 0 && ids[i - 1] === UNKNOWN_ID)) {
      merged.push(ids[i]);
    }
  }
  return merged;
}
