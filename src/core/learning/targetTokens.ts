import type { TokenStates } from '../encoder/encoder';

/*
 * Target-word vectors (LMMS-style) for WSD probes (bench/wsdProbe.ts). Session 10 wired them into the exemplar
 * memory and the `exemplar` feature (commit 015e038 on branch wsd) and took that out again: they gained in both
 * cross-validations on the training corpora and lost 0.9 on the test corpora (docs/BENCHMARKS.md "Session 10 (wsd)").
 */

/** What splits a text into the encoder's tokens, in the order its token states come (e.g. UseLiteEncoder.tokenize). */
export interface TokenCounter {
  tokenize(text: string): readonly number[];
}

/**
 * The token positions [from, to) of the marked mention in an in-context mention text (textTemplates.mentionText:
 * `left [ mention ] right`): the tokens of the text up to the opening marker come first, then the mention's own.
 * Counted by tokenizing the two prefixes, which is exact for a tokenizer that never joins across a space (the
 * built-in SentencePiece vocabulary); undefined when the marked mention is not found or has no tokens left after
 * the encoder's length limit.
 */
export function targetTokenRange(tokenizer: TokenCounter, contextText: string, markers: readonly [string, string], tokenCount: number): [number, number] | undefined {
  const open = contextText.indexOf(`${markers[0]} `);
  const close = open < 0 ? -1 : contextText.indexOf(` ${markers[1]}`, open + markers[0].length + 1);
  if (open < 0 || close < 0) return undefined;
  const from = tokenizer.tokenize(contextText.slice(0, open + markers[0].length)).length;
  const to = Math.min(tokenizer.tokenize(contextText.slice(0, close)).length, tokenCount);
  return to > from ? [from, to] : undefined;
}

/** The mean of token states [from, to) (a zero vector for an empty range). */
export function meanState(states: TokenStates, from: number, to: number): Float32Array {
  const out = new Float32Array(states.dims);
  if (to <= from) return out;
  for (let t = from; t < to; t++) for (let k = 0; k < states.dims; k++) out[k] += states.data[t * states.dims + k];
  for (let k = 0; k < states.dims; k++) out[k] /= to - from;
  return out;
}

/**
 * The target word's vector in context, as LMMS (Loureiro & Jorge 2019) builds sense embeddings: the mean of the
 * encoder's token states at the mention's own tokens (its sub-word pieces) inside the marked context text.
 * Undefined when the mention's tokens cannot be located (see targetTokenRange).
 */
export function targetTokenMean(tokenizer: TokenCounter, contextText: string, markers: readonly [string, string], states: TokenStates): Float32Array | undefined {
  const range = targetTokenRange(tokenizer, contextText, markers, states.tokens);
  return range === undefined ? undefined : meanState(states, range[0], range[1]);
}
