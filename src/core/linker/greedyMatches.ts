import type { Token } from './tokens';

/**
 * Greedy left-to-right longest match over tokens, shared by the name dictionary (gazetteer.ts) and the learned
 * detection names (detection/learnedDetection.ts): at each word token take the longest match starting there,
 * then continue after it; where none starts, move one token on. Matches never overlap and come in text order.
 */
export function greedyLongestMatches<M>(tokens: readonly Token[], longestAt: (i: number) => M | undefined, lastToken: (match: M, first: number) => number): { readonly first: number; readonly last: number; readonly match: M }[] {
  const out: { first: number; last: number; match: M }[] = [];
  let i = 0;
  while (i < tokens.length) {
    const match = tokens[i].word ? longestAt(i) : undefined;
    if (match === undefined) {
      i++;
      continue;
    }
    const last = lastToken(match, i);
    out.push({ first: i, last, match });
    i = last + 1;
  }
  return out;
}
