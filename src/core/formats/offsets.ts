/**
 * Offset conversions. NIF (the 2.0 spec), brat standoff and the Python tools around them count Unicode code points; JavaScript strings and
 * the linker count UTF-16 code units. They differ after every astral character (emoji, rare CJK).
 */

/** Maps code-point offsets to UTF-16 offsets in `text`. Built once per text; `toUtf16(n)` is O(1). */
export class CodePointOffsets {
  private readonly utf16ByCodePoint: Uint32Array;

  constructor(text: string) {
    const offsets: number[] = [];
    let i = 0;
    while (i < text.length) {
      offsets.push(i);
      const code = text.codePointAt(i) ?? 0;
      i += code > 0xffff ? 2 : 1;
    }
    offsets.push(text.length);
    this.utf16ByCodePoint = Uint32Array.from(offsets);
  }

  /** Number of code points in the text. */
  get length(): number {
    return this.utf16ByCodePoint.length - 1;
  }

  /** The UTF-16 offset of code point `n`, or undefined when `n` is outside 0..length. */
  toUtf16(n: number): number | undefined {
    return Number.isInteger(n) && n >= 0 && n < this.utf16ByCodePoint.length ? this.utf16ByCodePoint[n] : undefined;
  }
}

/** UTF-16 offset -> code-point offset, for one text (O(1) per call after one pass). */
export function codePointIndex(text: string): (utf16: number) => number {
  if (!/[\uD800-\uDBFF]/.test(text)) return (i) => i;
  const map = new Uint32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (!(c >= 0xd800 && c <= 0xdbff && i + 1 < text.length)) cp++;
  }
  map[text.length] = cp;
  return (i) => map[i]!;
}

export function hasAstral(text: string): boolean {
  return /[\uD800-\uDBFF]/.test(text);
}

export interface TokenSpan {
  readonly start: number;
  readonly end: number;
}

/** Character spans of the whitespace-separated tokens of `text` (Zeshel's tokenisation). */
export function whitespaceTokens(text: string): TokenSpan[] {
  const tokens: TokenSpan[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    const start = m.index ?? 0;
    tokens.push({ start, end: start + m[0].length });
  }
  return tokens;
}
