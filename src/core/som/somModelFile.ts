import * as fs from 'node:fs';
import { writeTextAtomic } from '../atomicFile';
import { LinkerError } from '../errors';
import type { SomProjections } from './somScorer';

/**
 * A trained SOM scorer as plain JSON (`som.json` in a model folder): the two projections, how many token states
 * each side keeps, the temperature the projections were trained with, and, when fitted, the weight of the SOM
 * score (mean of the maxima, in [-1, 1]) added to the ranker's score.
 */
export interface SomModel extends SomProjections {
  /** Token states kept per text (the first ones); scoring must use the value the model was trained with. */
  readonly maxTokens: number;
  /** Logit scale of the listwise loss: logits = scale * som / mention tokens. */
  readonly scale: number;
  /** Weight of `som / mention tokens` added to the ranker's score when re-ranking (absent: SOM alone). */
  readonly mixWeight?: number;
  /** What trained it (free text: data, seed). */
  readonly source?: string;
}

const FORMAT = 'entity-linker-som';
const HINT = 'Write it with bench/som.ts (or delete it to link without the SOM re-ranker).';

export function somModelToJson(model: SomModel): Record<string, unknown> {
  return {
    format: FORMAT,
    version: 1,
    inDims: model.inDims,
    outDims: model.outDims,
    maxTokens: model.maxTokens,
    scale: model.scale,
    ...(model.mixWeight === undefined ? {} : { mixWeight: model.mixWeight }),
    ...(model.source === undefined ? {} : { source: model.source }),
    mention: Array.from(model.mention),
    entity: Array.from(model.entity),
  };
}

/** Validates a parsed som.json; every error names `file` and the field at fault. */
export function somModelFromJson(json: unknown, file: string): SomModel {
  const fail = (what: string): never => {
    throw new LinkerError('modelLoad', `This is not a valid SOM scorer file: ${what}.`, { location: { file }, hint: HINT });
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('expected a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== FORMAT) fail(`"format" is ${JSON.stringify(o.format)}, expected "${FORMAT}"`);
  if (o.version !== 1) fail(`"version" is ${JSON.stringify(o.version)}, this build reads version 1`);
  const int = (key: string): number => {
    const v = o[key];
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fail(`"${key}" must be a positive integer (it is ${JSON.stringify(v)})`);
  };
  const num = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : fail(`"${key}" must be a finite number (it is ${JSON.stringify(v)})`);
  };
  const inDims = int('inDims');
  const outDims = int('outDims');
  const maxTokens = int('maxTokens');
  const matrix = (key: string): Float32Array => {
    const v = o[key];
    if (!Array.isArray(v)) return fail(`"${key}" must be an array of ${outDims * inDims} numbers`);
    if (v.length !== outDims * inDims) fail(`"${key}" holds ${v.length} numbers, expected outDims x inDims = ${outDims * inDims}`);
    const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) fail(`"${key}"[${bad}] is ${JSON.stringify(v[bad])}, not a finite number`);
    return Float32Array.from(v as number[]);
  };
  const scale = num('scale') ?? fail('"scale" is missing');
  const mixWeight = num('mixWeight');
  const source = o.source === undefined ? undefined : typeof o.source === 'string' ? o.source : fail('"source" must be a string');
  return {
    inDims,
    outDims,
    maxTokens,
    scale,
    mention: matrix('mention'),
    entity: matrix('entity'),
    ...(mixWeight === undefined ? {} : { mixWeight }),
    ...(source === undefined ? {} : { source }),
  };
}

/** Writes som.json atomically. */
export async function saveSomModel(file: string, model: SomModel): Promise<void> {
  await writeTextAtomic(file, `${JSON.stringify(somModelToJson(model))}\n`);
}

export function loadSomModel(file: string): SomModel {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LinkerError('modelMissing', `The SOM scorer file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, { location: { file }, hint: HINT, cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LinkerError('modelLoad', `The SOM scorer file is not valid JSON (${(e as Error).message}).`, { location: { file }, hint: HINT, cause: e });
  }
  return somModelFromJson(json, file);
}
