import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXECUTION_PROVIDER_CHOICES, type ExecutionProviderChoice } from '../core/encoder/encoder';
import { PRECISION_CHOICES, type PrecisionChoice } from '../core/encoder/precision';
import { LinkerError } from '../core/errors';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options every command that loads a KB and a model shares. */
export const ENGINE_OPTIONS = {
  kb: { type: 'string', multiple: true },
  'kb-config': { type: 'string' },
  model: { type: 'string' },
  provider: { type: 'string' },
  'cuda-provider-dir': { type: 'string' },
  precision: { type: 'string' },
  cache: { type: 'string' },
  index: { type: 'string' },
  store: { type: 'string' },
  lenient: { type: 'boolean' },
  detection: { type: 'string' },
  fuzzy: { type: 'boolean' },
  coreference: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/** The --precision line, shared by every command that loads the built-in encoder. */
export const PRECISION_HELP = `  --precision P       built-in model: ${PRECISION_CHOICES.join(' | ')} (default auto: int8 on CPUs with AVX-512 VNNI or AVX-VNNI)`;

export const ENGINE_OPTIONS_HELP = `  --kb SRC            a KB source, repeatable; FORMAT:PATH or PATH (format sniffed). Formats: jsonl,
                      zeshel, blink, brat, sparql-json, csv, tsv, wordnet. Default: WordNet nouns.
  --kb-config FILE    JSON {"sources":[{"path","format","columns":{"id","title","text","aliases","type"}}]}
  --model DIR         model folder (default: the bundled USE-lite model)
  --provider P        execution provider: ${EXECUTION_PROVIDER_CHOICES.join(' | ')} (default auto)
  --cuda-provider-dir DIR  onnxruntime CUDA provider libraries you have (Linux; same version as onnxruntime-node)
${PRECISION_HELP}
  --cache DIR         embedding and index cache (default: $XDG_CACHE_HOME/entity-linker)
  --index KIND        hnsw | exact (default hnsw)
  --store URL         a PostgreSQL KB store built by \`index --store\`: postgres://USER@HOST:PORT/DB[?schema=NAME]
                      (sslmode and other libpq parameters pass through; password from the URL, PGPASSWORD or ~/.pgpass)
  --lenient           skip bad KB records (each reported) instead of stopping at the first
  --detection MODE    names (capitalised names, default) | all-words (every KB name, common nouns too)
  --fuzzy             also detect names misspelt by one edit per word (OCR, historical spelling)
  --coreference MODE  pronouns (he/she) linked to their antecedent's entity: spans (given spans, default) |
                      detect (also propose the pronouns an earlier mention resolves) | off
  -v, --verbose       log every step to stderr
  -h, --help          this help`;

/**
 * Parses a command's arguments. A command whose arguments are all options (`takesPositionals` false) refuses a
 * stray word, which would otherwise be ignored (`agreement ws` read the current folder, not `ws`).
 */
export function parseCommandArgs<T extends OptionSpecs>(args: readonly string[], options: T, usage: string, takesPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    // The message alone, not the whole usage (fifty lines that push it off the screen); --help has the rest.
    const command = /^Usage: entity-linker (\S+)/.exec(usage)?.[1];
    throw new LinkerError('usage', `${(e as Error).message}\n`, { hint: command === undefined ? usage : `Run 'entity-linker ${command} --help' for its options.` });
  }
  // An empty value is an unset shell variable (--cache "$CACHE", --out "$OUT"), never a wish: as a path it would
  // resolve to the current folder, where --cache wrote the whole embedding cache and --model read the folder.
  for (const [name, value] of Object.entries(parsed.values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && v.trim() === '') {
        throw new LinkerError('usage', `--${name} was given an empty value.`, { hint: `Give --${name} a value (an unset shell variable?), or leave the option out.` });
      }
    }
  }
  if (parsed.positionals.some((p) => p.trim() === '')) {
    throw new LinkerError('usage', 'an argument is an empty string.', { hint: 'Name a file (an unset shell variable?).' });
  }
  if (!takesPositionals && parsed.positionals.length > 0) {
    throw new LinkerError('usage', `unexpected argument '${parsed.positionals[0]}': this command takes only options (--name VALUE).`, { hint: 'Put the option name before the value (for example --dir PATH or --gold PATH); see --help.' });
  }
  return parsed;
}

export function parseProvider(value: string | undefined): ExecutionProviderChoice {
  if (value === undefined) {
    return 'auto';
  }
  if (!(EXECUTION_PROVIDER_CHOICES as readonly string[]).includes(value)) {
    throw new LinkerError('usage', `Unknown provider '${value}'.`, { hint: `Use one of: ${EXECUTION_PROVIDER_CHOICES.join(', ')}.` });
  }
  return value as ExecutionProviderChoice;
}

export function parsePrecision(value: string | undefined): PrecisionChoice {
  return parseChoice('precision', value, PRECISION_CHOICES, 'auto');
}

/** The largest count a flag takes unless it names its own limit: beyond it a typo, not a wish (1e9 epochs, top-k). */
export const MAX_COUNT = 1_000_000;

export function parsePositiveInt(name: string, value: string | undefined, fallback: number, max = MAX_COUNT): number {
  if (value === undefined) {
    return fallback;
  }
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new LinkerError('usage', `--${name} needs a positive integer (1 to ${max.toLocaleString('en-US')}), got '${value}'.`);
  }
  if (n > max) {
    throw new LinkerError('usage', `--${name} ${value} is more than ${max.toLocaleString('en-US')}, the most it takes.`, { hint: `Give a number from 1 to ${max.toLocaleString('en-US')}.` });
  }
  return n;
}

export function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) {
    return fallback;
  }
  if (!(choices as readonly string[]).includes(value)) {
    throw new LinkerError('usage', `--${name} must be one of ${choices.join(', ')}, got '${value}'.`);
  }
  return value as T;
}

export function parseNumber(name: string, value: string | undefined, fallback: number, min = 0, max = Number.MAX_VALUE): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new LinkerError('usage', `--${name} needs a number ${max === Number.MAX_VALUE ? `of at least ${min}` : `from ${min} to ${max}`}, got '${value}'.`);
  }
  return n;
}

/**
 * A number flag checked by the rule its value must follow (`problem` says why a value cannot be used): the same
 * rules as the editor's inputs, so `export --dev-fraction 5` fails here as it would there.
 */
export function parseCheckedNumber(name: string, value: string | undefined, fallback: number, problem: (x: number) => string | undefined): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  const why = problem(n);
  if (why !== undefined) throw new LinkerError('usage', `--${name} '${value}': ${why}.`);
  return n;
}
