import * as path from 'node:path';
import { LinkerError } from '../errors';
import { DEFAULT_RANKER_WEIGHTS } from './defaultRankerWeights';
import { readRegularFileIfExists } from '../inputFile';

/**
 * The ranker: a score over named signals per (mention, candidate), softmax over the retrieved set: a linear
 * term plus, from version 3 of ranker.json, a few tanh hidden units over the same named features (a residual
 * MLP: with no hidden units it is the linear ranker). Small and named so that a trainer
 * (src/core/learning/rankerTrainer.ts) can fit it on the feature vectors the linker returns
 * (`RankedCandidate.features`, in FEATURE_NAMES order), and so that a user can read what a weight does.
 * Version 1 of ranker.json knew the first five features; version 2 adds the rest; version 3 adds `hidden`;
 * version 4 adds `profiles`, weights per KB kind (rankerProfiles.ts: WordNet senses vs entity KBs).
 */
export const FEATURE_NAMES_V1 = ['dense', 'lexical', 'exactName', 'exactTitle', 'denseMissing'] as const;
export const FEATURE_NAMES = [
  ...FEATURE_NAMES_V1,
  'nameDense',
  'ngram',
  'tokenOverlap',
  'edit',
  'exactCase',
  'acronym',
  'givenPrior',
  'kbPrior',
  'annotatorPrior',
  'discourse',
  'coherence',
  'typeAgreement',
  'nameCount',
  'formPrior',
  'exemplar',
  'demonym',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * The kinds of candidate set a ranker may keep its own weights for (version 4 `profiles`, rankerProfiles.ts):
 * `senses` a caller-given list of WordNet senses (one lemma's, as WSD data gives them), `entities` an entity KB's,
 * `retrievedSenses` WordNet synsets the linker retrieved for a name (the built-in KB in the editor and `link`).
 * A ranker without a `retrievedSenses` profile scores those with its `senses` profile (ranker.json of session 7
 * and before). New kinds go at the end: the worker's packed examples number the kinds in this order.
 */
export type KbKind = 'senses' | 'entities' | 'retrievedSenses';
export const KB_KINDS: readonly KbKind[] = ['senses', 'entities', 'retrievedSenses'];

/** One profile: a linear term and, optionally, hidden units (as the top level of a version-3 ranker). */
export interface RankerProfile {
  readonly weights: Readonly<Partial<Record<FeatureName, number>>>;
  readonly hidden?: readonly HiddenUnit[];
}

/**
 * - dense: cosine of the mention-in-context and entity vectors; when the dense retriever did not return the
 *   entity and its vector was not computed, the lowest dense score retrieved for the mention (an upper bound
 *   of the true value) stands in and `denseMissing` is 1;
 * - lexical: 1 when every token of the mention occurs in one name of the entity, else `ngram`;
 * - exactName: 1 when the mention equals one of the entity's names (or a form the annotator confirmed for it)
 *   after normalisation; exactTitle: 1 when it equals the title itself with the same case;
 * - denseMissing: 1 when `dense` was imputed;
 * - nameDense: cosine of the bare mention (no context) and the entity vector (imputed like `dense`);
 * - ngram: character-trigram similarity to the closest name; tokenOverlap: word-token Jaccard with the closest
 *   name; edit: 1 - Levenshtein distance / longer length, to the closest name (archaic and OCR spellings);
 * - exactCase: the mention equals a name (title or alias) with the same case; acronym: the mention is an
 *   acronym of a name ("WHO" - "World Health Organization");
 * - givenPrior: 1 / (1 + position) in a caller-given candidate list (WordNet lists senses by frequency), 0 when
 *   not given; kbPrior: the entity's share of the KB prior (`Entity.prior`, e.g. WordNet sense counts) among
 *   the candidates, add-one smoothed, 0 when no candidate has one;
 * - annotatorPrior: p(entity | surface form) from the annotator's decisions, c(form, e) / (c(form) + 1);
 * - discourse: the share of this document's decisions on the same form that chose the entity;
 * - coherence: cosine of the entity vector and the mean vector of the entities decided, or confidently
 *   predicted, elsewhere in the document;
 * - typeAgreement: the share of decisions on the same form (annotator memory and this document) whose entity
 *   has this entity's type;
 * - nameCount: log(1 + the number of the entity's names in the KB) / log(21): a KB-intrinsic popularity cue
 *   (entities that are often meant collect many aliases), for KBs without an explicit prior;
 * - formPrior: log(1 + the KB's count of the entity under the mention's word) / log(1001), e.g. WordNet's tag
 *   count of the sense (the synset's lemma closest to the mention): how often this word means this entity, where
 *   kbPrior counts the entity under all its names; 0 without a per-form prior (LinkerInit.formPrior).
 * - exemplar: cosine of the mention's in-context vector and the centroid of the in-context vectors of the
 *   mentions confirmed for the entity (learned state's exemplar memory, src/core/learning/exemplarMemory.ts);
 *   0 when the entity has none.
 * - demonym: 1 when the mention is a demonym or pertainym of one of the entity's names by WordNet ("American" ->
 *   United States, "French" -> France, "Soviets" -> Soviet Union; demonyms.ts), else 0.
 */
export interface RankerWeights {
  readonly version: 1 | 2 | 3 | 4;
  /** The linear term. A missing feature weighs 0 (a version-1 file names only the first five). */
  readonly weights: Readonly<Partial<Record<FeatureName, number>>>;
  /** Version 3: hidden units added to the linear score, each `out * tanh(bias + sum of weights x features)`. */
  readonly hidden?: readonly HiddenUnit[];
  /**
   * Version 4: weights per KB kind; a mention is scored with its candidates' kind's profile (rankerForKind), a
   * kind without one with the top-level `weights` and `hidden`.
   */
  readonly profiles?: Readonly<Partial<Record<KbKind, RankerProfile>>>;
  /** Overrides of the linker's NIL decision (see LinkerOptions). */
  readonly nilThreshold?: number;
  readonly minScore?: number;
  /** Where the weights came from (a file, "defaults", a training run). */
  readonly source?: string;
}

/** One hidden unit of a version-3 ranker: it adds `out * tanh(bias + sum over features of weights[f] * f)`. */
export interface HiddenUnit {
  readonly bias: number;
  /** A missing feature weighs 0. */
  readonly weights: Readonly<Partial<Record<FeatureName, number>>>;
  readonly out: number;
}

/**
 * The hand-set version-1 weights (grid search on the elevant oke train files, 248 mentions): what a model
 * folder without ranker.json got before trained weights shipped; kept as the trainers' reference point.
 */
export const HAND_SET_RANKER_WEIGHTS: RankerWeights = {
  version: 1,
  weights: { dense: 5, lexical: 8, exactName: 4, exactTitle: 2, denseMissing: 0 },
  source: 'hand-set v1',
};

export { DEFAULT_RANKER_WEIGHTS };

export const RANKER_FILE = 'ranker.json';

export function featureVector(f: Readonly<Partial<Record<FeatureName, number>>>): number[] {
  return FEATURE_NAMES.map((n) => f[n] ?? 0);
}

/** The weights in FEATURE_NAMES order (0 for a feature the weights do not name). */
export function weightVector(w: RankerWeights): number[] {
  return FEATURE_NAMES.map((n) => w.weights[n] ?? 0);
}

/** Whether the ranker reads the feature at all (a non-zero weight in the linear term or a hidden unit, of any profile). */
export function usesFeature(w: RankerWeights, name: FeatureName): boolean {
  const reads = (p: RankerProfile): boolean => (p.weights[name] ?? 0) !== 0 || (p.hidden ?? []).some((u) => (u.weights[name] ?? 0) !== 0);
  return reads(w) || Object.values(w.profiles ?? {}).some(reads);
}

/** A ranker as arrays in FEATURE_NAMES order, for scoring many rows (compileRanker). */
export interface CompiledRanker {
  readonly linear: Float64Array;
  /** Per hidden unit: its bias, its input weights (FEATURE_NAMES order) and its output weight. */
  readonly bias: Float64Array;
  readonly inputs: readonly Float64Array[];
  readonly out: Float64Array;
}

export function compileRanker(w: RankerWeights): CompiledRanker {
  const hidden = w.hidden ?? [];
  return {
    linear: Float64Array.from(weightVector(w)),
    bias: Float64Array.from(hidden.map((u) => u.bias)),
    inputs: hidden.map((u) => Float64Array.from(FEATURE_NAMES.map((n) => u.weights[n] ?? 0))),
    out: Float64Array.from(hidden.map((u) => u.out)),
  };
}

/** The score of one feature row (FEATURE_NAMES order; a missing feature counts 0). */
export function compiledScore(m: CompiledRanker, features: readonly number[]): number {
  const d = m.linear.length;
  let s = 0;
  for (let k = 0; k < d; k++) s += m.linear[k] * (features[k] ?? 0);
  for (let j = 0; j < m.out.length; j++) {
    const u = m.inputs[j];
    let a = m.bias[j];
    for (let k = 0; k < d; k++) a += u[k] * (features[k] ?? 0);
    s += m.out[j] * Math.tanh(a);
  }
  return s;
}

export function scoreFeatures(w: RankerWeights, features: readonly number[]): number {
  return compiledScore(compileRanker(w), features);
}

/** Softmax, shifted by the maximum so large weights do not overflow. */
export function softmax(scores: readonly number[]): number[] {
  if (scores.length === 0) return [];
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * The JSON object to write as ranker.json: version 1 (readable by older builds) when only the first five
 * features have non-zero weights and there are no hidden units, version 2 (every feature named) when linear,
 * version 3 with hidden units, version 4 with profiles per KB kind.
 */
export function serializeRankerWeights(w: RankerWeights, source = w.source): Record<string, unknown> {
  const hidden = w.hidden ?? [];
  const profiles = KB_KINDS.filter((k) => w.profiles?.[k] !== undefined);
  const v1 = hidden.length === 0 && profiles.length === 0 && FEATURE_NAMES.every((n) => (FEATURE_NAMES_V1 as readonly string[]).includes(n) || (w.weights[n] ?? 0) === 0);
  const names: readonly FeatureName[] = v1 ? FEATURE_NAMES_V1 : FEATURE_NAMES;
  const named = (ws: RankerWeights['weights']): Record<string, number> => Object.fromEntries(names.map((n) => [n, ws[n] ?? 0]));
  const units = (hs: readonly HiddenUnit[] | undefined): Record<string, unknown> => (hs === undefined || hs.length === 0 ? {} : { hidden: hs.map((u) => ({ bias: u.bias, weights: named(u.weights), out: u.out })) });
  return {
    version: profiles.length > 0 ? 4 : v1 ? 1 : hidden.length === 0 ? 2 : 3,
    weights: named(w.weights),
    ...units(hidden),
    ...(profiles.length === 0 ? {} : { profiles: Object.fromEntries(profiles.map((k) => [k, { weights: named(w.profiles![k]!.weights), ...units(w.profiles![k]!.hidden) }])) }),
    ...(w.nilThreshold === undefined ? {} : { nilThreshold: w.nilThreshold }),
    ...(w.minScore === undefined ? {} : { minScore: w.minScore }),
    ...(source === undefined ? {} : { source }),
  };
}

/** Reads `<modelDir>/ranker.json`; the defaults when the file does not exist. */
export async function loadRankerWeights(modelDir: string): Promise<RankerWeights> {
  const file = path.join(modelDir, RANKER_FILE);
  const bytes = await readRegularFileIfExists(file, { what: 'The ranker weights', hint: 'Put back the ranker.json that `finetune` wrote, or remove it to use the default weights.' });
  if (bytes === undefined) return DEFAULT_RANKER_WEIGHTS;
  return parseRankerWeights(bytes.toString('utf8'), file);
}

/**
 * Parses ranker.json. Version 1 names only the first five features (the rest weigh 0, which is what a
 * version-1 ranker computed); version 2 may name any of FEATURE_NAMES (a feature it omits weighs 0); version 3
 * adds `hidden` units (a feature a unit omits weighs 0 in it); version 4 adds `profiles`, {"senses" |
 * "entities" | "retrievedSenses": {"weights": {...}, "hidden"?: [...]}}, each checked like the top level.
 */
export function parseRankerWeights(raw: string, file = RANKER_FILE): RankerWeights {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new LinkerError('inputFormat', `The ranker weights are not valid JSON (${(e as Error).message}).`, {
      location: { file },
      hint: `Fix the file or delete it to use the default weights.`,
      cause: e,
    });
  }
  return rankerWeightsFromJson(json, file);
}

/**
 * Checks a parsed ranker.json object (also the weights inside a learned state). The result's `source` is the
 * file, or with `keepSource` the object's own `source` when it has one.
 */
export function rankerWeightsFromJson(json: unknown, file = RANKER_FILE, keepSource = false): RankerWeights {
  const o = json as { version?: unknown; weights?: unknown; hidden?: unknown; profiles?: unknown; nilThreshold?: unknown; minScore?: unknown; source?: unknown };
  if (typeof o !== 'object' || o === null || (o.version !== 1 && o.version !== 2 && o.version !== 3 && o.version !== 4) || !isObject(o.weights)) {
    throw new LinkerError('inputFormat', 'The ranker weights must be {"version": 1, 2, 3 or 4, "weights": {...}} (version 3 may add "hidden": [...], version 4 "profiles": {...}).', {
      location: { file },
      hint: `Expected weights for: ${FEATURE_NAMES.join(', ')}.`,
    });
  }
  const version = o.version;
  const known: readonly string[] = version === 1 ? FEATURE_NAMES_V1 : FEATURE_NAMES;
  const weights: Partial<Record<FeatureName, number>> = version === 1 ? { ...HAND_SET_RANKER_WEIGHTS.weights } : {};
  Object.assign(weights, namedWeights(o.weights, known, version, file, 'weights'));
  if (o.hidden !== undefined && version < 3) {
    throw new LinkerError('inputFormat', `Hidden units need ranker.json version 3, not ${version}.`, { location: { file }, hint: 'Set "version": 3 or remove "hidden".' });
  }
  if (o.profiles !== undefined && version !== 4) {
    throw new LinkerError('inputFormat', `Profiles per KB kind need ranker.json version 4, not ${version}.`, { location: { file }, hint: 'Set "version": 4 or remove "profiles".' });
  }
  const hidden = version >= 3 ? hiddenUnits(o.hidden, file, 'hidden') : [];
  const profiles = version === 4 ? rankerProfiles(o.profiles, file) : undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const nilThreshold = num(o.nilThreshold);
  const minScore = num(o.minScore);
  return {
    version,
    weights,
    ...(hidden.length === 0 ? {} : { hidden }),
    ...(profiles === undefined ? {} : { profiles }),
    ...(nilThreshold === undefined ? {} : { nilThreshold }),
    ...(minScore === undefined ? {} : { minScore }),
    source: keepSource && typeof o.source === 'string' ? o.source : file,
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A {feature: weight} object checked against the known features; `where` names it in the error ("hidden[2].weights"). */
function namedWeights(ws: Record<string, unknown>, known: readonly string[], version: number, file: string, where: string): Partial<Record<FeatureName, number>> {
  const out: Partial<Record<FeatureName, number>> = {};
  for (const [k, v] of Object.entries(ws)) {
    if (!known.includes(k)) {
      throw new LinkerError('inputFormat', `Unknown ranker feature for version ${version} in ${where}: "${k}".`, {
        location: { file },
        hint: `Known features: ${known.join(', ')}.`,
      });
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      // JSON.parse reads 1e999 as Infinity: say so rather than "non-numeric".
      const what = typeof v === 'number' ? `${v} (not a finite number; a literal like 1e999 overflows)` : `not a number (${JSON.stringify(v)})`;
      throw new LinkerError('inputFormat', `The ranker weight of "${k}" in ${where} is ${what}.`, {
        location: { file },
        hint: 'Weights are finite numbers; retrain with `entity-linker finetune` or fix the value by hand.',
      });
    }
    out[k as FeatureName] = v;
  }
  return out;
}

/** Version 3's `hidden` (`at` names it: "hidden", "profiles.senses.hidden"): an array of {bias, weights: {feature: weight}, out}. */
function hiddenUnits(hidden: unknown, file: string, at: string): HiddenUnit[] {
  if (hidden === undefined) return [];
  const bad = (what: string): LinkerError =>
    new LinkerError('inputFormat', `The ranker's hidden units are malformed: ${what}.`, {
      location: { file },
      hint: 'Version 3 expects "hidden": [{"bias": number, "weights": {feature: number}, "out": number}, ...]; regenerate the file with `entity-linker finetune` or delete it to use the default ranker.',
    });
  if (!Array.isArray(hidden)) throw bad(`"${at}" is not an array`);
  return hidden.map((u: unknown, j) => {
    if (!isObject(u)) throw bad(`${at}[${j}] is not an object`);
    if (typeof u.bias !== 'number' || !Number.isFinite(u.bias)) throw bad(`${at}[${j}].bias is not a number`);
    if (typeof u.out !== 'number' || !Number.isFinite(u.out)) throw bad(`${at}[${j}].out is not a number`);
    if (!isObject(u.weights)) throw bad(`${at}[${j}].weights is not an object`);
    return { bias: u.bias, weights: namedWeights(u.weights, FEATURE_NAMES, 3, file, `${at}[${j}].weights`), out: u.out };
  });
}

/** Version 4's `profiles`: {kind: {weights, hidden?}} for the kinds of KB_KINDS. */
function rankerProfiles(profiles: unknown, file: string): Partial<Record<KbKind, RankerProfile>> | undefined {
  if (profiles === undefined) return undefined;
  const bad = (what: string): LinkerError =>
    new LinkerError('inputFormat', `The ranker's profiles are malformed: ${what}.`, {
      location: { file },
      hint: `Version 4 expects "profiles": {${KB_KINDS.map((k) => `"${k}"`).join(' or ')}: {"weights": {feature: number}, "hidden"?: [...]}}; regenerate the file or delete it to use the default ranker.`,
    });
  if (!isObject(profiles)) throw bad('"profiles" is not an object');
  const out: Partial<Record<KbKind, RankerProfile>> = {};
  for (const [kind, p] of Object.entries(profiles)) {
    if (!(KB_KINDS as readonly string[]).includes(kind)) throw bad(`"profiles.${kind}" is not a KB kind (${KB_KINDS.join(', ')})`);
    if (!isObject(p) || !isObject(p.weights)) throw bad(`"profiles.${kind}.weights" is missing or not an object`);
    const hidden = hiddenUnits(p.hidden, file, `profiles.${kind}.hidden`);
    out[kind as KbKind] = { weights: namedWeights(p.weights, FEATURE_NAMES, 4, file, `profiles.${kind}.weights`), ...(hidden.length === 0 ? {} : { hidden }) };
  }
  return out;
}
