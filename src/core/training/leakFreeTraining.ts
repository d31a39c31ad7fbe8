/**
 * Training documents that cannot leak into a test: every training document whose text (whitespace normalised)
 * is the text of a test document is left out, and a text met twice among the training documents is kept once
 * (the first). elevant's oke-2016-train holds 88 of the 101 oke-2015-eval documents and 86 of oke-2015-train's.
 */

/** The text a document is compared by: whitespace runs as one space, trimmed. */
export function documentTextKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface LeakFreeTraining<D> {
  /** The training documents kept, in their order. */
  readonly train: D[];
  /** Training documents left out because a test document has the same text. */
  readonly inTest: number;
  /** Training documents left out because an earlier training document has the same text. */
  readonly repeats: number;
  /** How many training documents there were before. */
  readonly before: number;
}

export function leakFreeTraining<D extends { readonly text: string }>(train: readonly D[], test: readonly { readonly text: string }[]): LeakFreeTraining<D> {
  const testTexts = new Set(test.map((d) => documentTextKey(d.text)));
  const seen = new Set<string>();
  const kept: D[] = [];
  let inTest = 0;
  let repeats = 0;
  for (const d of train) {
    const key = documentTextKey(d.text);
    if (testTexts.has(key)) inTest++;
    else if (seen.has(key)) repeats++;
    else {
      seen.add(key);
      kept.push(d);
    }
  }
  return { train: kept, inTest, repeats, before: train.length };
}

/** One line for a bench's log: how many training documents were kept and why the others were left out. */
export function describeLeakFree(name: string, r: LeakFreeTraining<unknown>): string {
  return `${name}: ${r.train.length} of ${r.before} training documents kept (${r.inTest} left out as test documents, ${r.repeats} as repeats of a training text)`;
}
