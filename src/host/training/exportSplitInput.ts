import { DEFAULT_DEV_FRACTION, DEFAULT_SPLIT_SEED, MAX_SEED, devFractionProblem, seedProblem } from '../../core/formats/documentSplit';

/**
 * The two questions of Export Training Data's dev split (no `vscode` here, so the checks are unit-tested): the
 * share of documents for dev and the seed of the split, with the rules and defaults of the CLI's
 * `export --dev-fraction` and `--seed` (src/core/formats/documentSplit.ts), so both accept the same values.
 */
export interface SplitQuestion {
  readonly title: string;
  readonly prompt: string;
  readonly value: string;
  /** The error shown under the box, or undefined when the text is a usable value. */
  readonly validateInput: (text: string) => string | undefined;
  /** The value of a text that passed validateInput. */
  readonly parse: (text: string) => number;
}

function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text.trim());
}

/** Says why in a sentence, naming the text typed. */
function check(problem: (x: number) => string | undefined): (text: string) => string | undefined {
  return (text) => {
    const why = problem(numberOf(text));
    return why === undefined ? undefined : `'${text}' cannot be used: ${why}.`;
  };
}

export function devShareQuestion(): SplitQuestion {
  return {
    title: 'Entity Linker: Export Training Data - dev split (1/2)',
    prompt: `Share of documents for a dev set, from 0 up to 1 (split by document, seeded; 0 for no dev set). As the CLI's export --dev-fraction (default ${DEFAULT_DEV_FRACTION}).`,
    value: String(DEFAULT_DEV_FRACTION),
    validateInput: check(devFractionProblem),
    parse: numberOf,
  };
}

export function splitSeedQuestion(): SplitQuestion {
  return {
    title: 'Entity Linker: Export Training Data - dev split (2/2)',
    prompt: `Seed of the split, a whole number from 0 to ${MAX_SEED}: the same seed gives the same dev documents. As the CLI's export --seed (default ${DEFAULT_SPLIT_SEED}).`,
    value: String(DEFAULT_SPLIT_SEED),
    validateInput: check(seedProblem),
    parse: numberOf,
  };
}
