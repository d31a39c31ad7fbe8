import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, writeBytesAtomic } from '../../atomicFile';
import { ANNOTATION_DIR } from '../../annotations/annotationPaths';
import { LinkerError } from '../../errors';
import { readRegularFileIfExistsSync } from '../../inputFile';
import { type HeadWeights, headBytes, headFromBytes } from './head';

/**
 * A fine-tuned model folder: a trained scoring head over a parent model folder, which stays where it is.
 *
 *   manifest.json  {kind: "finetuned", parent {path, modelId}, dims, head {file, bytes, sha256}, modelId,
 *                   dataHash, hyperparameters, seed, metrics {before, after}, createdAt, ...}
 *   head.bin       float32 little-endian: mention residual (dims x dims), entity residual (dims x dims), log scale
 *   ranker.json    the ranker weights the linker uses with this model
 *
 * The model id is sha256(parent model id + head bytes), so embedding caches and indexes keyed by it are rebuilt
 * for the new model and never mixed with the parent's.
 */
export const FINETUNED_KIND = 'finetuned';
export const FINETUNED_VERSION = 1;
export const HEAD_FILE = 'head.bin';
export const MANIFEST_FILE = 'manifest.json';

export interface DevMetricsRecord {
  readonly mentions: number;
  readonly 'recall@1': number;
  readonly 'recall@10': number;
  readonly 'recall@64': number;
}

export interface FinetunedManifest {
  readonly kind: typeof FINETUNED_KIND;
  readonly version: number;
  readonly modelId: string;
  readonly parent: { readonly path: string; readonly modelId: string };
  readonly dims: number;
  readonly head: { readonly file: string; readonly bytes: number; readonly sha256: string };
  /** sha256 of the training data (mention texts, gold ids, split) and the KB content. */
  readonly dataHash: string;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly metrics: {
    readonly before: DevMetricsRecord;
    readonly after: DevMetricsRecord;
    readonly bestEpoch: number;
    /** The whole linker's dev accuracy: the parent as it was, and this folder (head, ranker, learned state). */
    readonly linker?: { readonly before: number; readonly after: number; readonly selectedOn: string };
  };
  readonly createdAt: string;
  /** Anything else the trainer wants to keep (epoch reports, data counts, the KB hash). */
  readonly training?: Readonly<Record<string, unknown>>;
}

export function finetunedModelId(parentModelId: string, head: Buffer): string {
  return createHash('sha256').update(`finetuned:${parentModelId}\u0000`, 'utf8').update(head).digest('hex');
}

export interface FinetunedModelContent {
  readonly parentDir: string;
  readonly parentModelId: string;
  readonly head: HeadWeights;
  /** Written as ranker.json. */
  readonly rankerJson: unknown;
  readonly dataHash: string;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly metrics: FinetunedManifest['metrics'];
  readonly training?: Readonly<Record<string, unknown>>;
  /** Further JSON files of the folder by name (e.g. learned.json, what the training data taught beyond weights). */
  readonly jsonFiles?: Readonly<Record<string, unknown>>;
  readonly now?: () => Date;
}

/**
 * Where a fine-tuned model may be written (checked before training, so a bad --out fails at once, and again when
 * writing): a new path, or with `overwrite` an earlier fine-tuned model folder (its manifest says so) or an empty
 * folder. Never a file, a folder of something else (`--out . --overwrite` would delete it), the parent model the
 * new one is trained from, or a path inside an annotation store folder (`.entity-links`): that folder is the
 * store's, and a model there would be read as annotation files or committed with them. Resolves to whether the
 * target exists.
 */
export function checkModelOutDir(outDir: string, options: { overwrite?: boolean; parentDir?: string } = {}): boolean {
  const target = path.resolve(outDir);
  const refuse = (why: string, hint: string): never => {
    throw new LinkerError('usage', `${target} ${why}`, { location: { file: target }, hint });
  };
  if (options.parentDir !== undefined && path.resolve(options.parentDir) === target) {
    refuse('is the model being fine-tuned: writing over it would destroy the parent the new model is built on.', 'Choose another --out folder.');
  }
  if (target.split(path.sep).includes(ANNOTATION_DIR)) {
    refuse(`is inside an annotation store folder (${ANNOTATION_DIR}): the store keeps its annotation files there, and a model in it would be taken for them or committed with them.`, `Choose an --out folder outside ${ANNOTATION_DIR}.`);
  }
  const info = fs.lstatSync(target, { throwIfNoEntry: false });
  if (info === undefined) return false;
  if (!info.isDirectory()) refuse(`already exists and is not a folder (a ${info.isSymbolicLink() ? 'link' : 'file'}); a model is written as a folder, and ${info.isSymbolicLink() ? 'a link' : 'a file'} is never replaced by one.`, 'Choose another --out folder.');
  if (options.overwrite !== true) refuse('already exists.', 'Choose another --out folder, or pass --overwrite.');
  const entries = fs.readdirSync(target);
  if (entries.length > 0 && !isFinetunedFolder(target)) {
    refuse('is not a fine-tuned model folder (no manifest.json of one), so --overwrite does not replace it.', 'Choose another --out folder (--overwrite replaces only an earlier fine-tuned model or an empty folder).');
  }
  return true;
}

function isFinetunedFolder(dir: string): boolean {
  try {
    const manifest = JSON.parse(readRegularFileIfExistsSync(path.join(dir, MANIFEST_FILE), { what: 'The manifest', hint: FINETUNED_HINT })?.toString('utf8') ?? '{}') as { kind?: unknown };
    return manifest.kind === FINETUNED_KIND;
  } catch {
    return false;
  }
}

/**
 * Writes the folder under a temporary name beside `outDir` and renames it into place at the end, so a run killed
 * part-way never leaves a half-written model under the final name. An existing `outDir` is replaced only with
 * `overwrite` (moved aside first, removed after the rename).
 */
export function writeFinetunedModel(outDir: string, content: FinetunedModelContent, options: { overwrite?: boolean } = {}): FinetunedManifest {
  const target = path.resolve(outDir);
  const exists = checkModelOutDir(target, { overwrite: options.overwrite, parentDir: content.parentDir });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const bytes = headBytes(content.head);
  const manifest: FinetunedManifest = {
    kind: FINETUNED_KIND,
    version: FINETUNED_VERSION,
    modelId: finetunedModelId(content.parentModelId, bytes),
    parent: { path: path.resolve(content.parentDir), modelId: content.parentModelId },
    dims: content.head.dims,
    head: { file: HEAD_FILE, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
    dataHash: content.dataHash,
    hyperparameters: content.hyperparameters,
    seed: content.seed,
    metrics: content.metrics,
    createdAt: (content.now?.() ?? new Date()).toISOString(),
    ...(content.training === undefined ? {} : { training: content.training }),
  };
  try {
    fs.mkdirSync(temp);
    // Each file written atomically (fsynced) inside the temp folder, so the folder renamed into place below is
    // complete on disk, not only in the page cache.
    writeBytesAtomic(path.join(temp, HEAD_FILE), [bytes]);
    writeBytesAtomic(path.join(temp, 'ranker.json'), [Buffer.from(`${JSON.stringify(content.rankerJson, null, 2)}\n`)]);
    for (const [name, json] of Object.entries(content.jsonFiles ?? {})) writeBytesAtomic(path.join(temp, path.basename(name)), [Buffer.from(`${JSON.stringify(json)}\n`)]);
    writeBytesAtomic(path.join(temp, MANIFEST_FILE), [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)]);
    if (exists) {
      const aside = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
      fs.renameSync(target, aside);
      fs.renameSync(temp, target);
      fs.rmSync(aside, { recursive: true, force: true });
    } else {
      fs.renameSync(temp, target);
    }
    fsyncDir(path.dirname(target));
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  return manifest;
}

const FINETUNED_HINT = 'The fine-tuned model folder is damaged or from another version: fine-tune again, or switch back to its parent model.';

function modelError(message: string, file: string, cause?: unknown): LinkerError {
  return new LinkerError('modelLoad', message, { location: { file }, hint: FINETUNED_HINT, cause });
}

/** Reads and checks a fine-tuned folder: the manifest's shape, the head's size and checksum, the parent's path. */
export function readFinetunedModel(dir: string): { manifest: FinetunedManifest; head: HeadWeights } {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  let manifest: FinetunedManifest;
  try {
    const read = readRegularFileIfExistsSync(manifestFile, { what: 'The fine-tuned model manifest', hint: FINETUNED_HINT });
    if (read === undefined) throw new Error('the file does not exist');
    manifest = JSON.parse(read.toString('utf8')) as FinetunedManifest;
  } catch (e) {
    if (LinkerError.is(e)) throw e;
    throw modelError(`cannot read the manifest: ${(e as Error).message}.`, manifestFile, e);
  }
  if (manifest.kind !== FINETUNED_KIND || typeof manifest.dims !== 'number' || typeof manifest.parent?.path !== 'string' || typeof manifest.head?.file !== 'string') {
    throw modelError('the manifest is not a fine-tuned model manifest (kind, dims, parent.path, head.file).', manifestFile);
  }
  const headFile = path.join(dir, manifest.head.file);
  let bytes: Buffer;
  try {
    const read = readRegularFileIfExistsSync(headFile, { what: 'The fine-tuned head weights', hint: FINETUNED_HINT });
    if (read === undefined) throw new Error('the file does not exist');
    bytes = read;
  } catch (e) {
    if (LinkerError.is(e)) throw e;
    throw modelError(`cannot read the head weights: ${(e as Error).message}.`, headFile, e);
  }
  const sum = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== manifest.head.bytes || sum !== manifest.head.sha256) {
    throw modelError('the head weights fail their size or sha256 check.', headFile);
  }
  return { manifest, head: headFromBytes(bytes, manifest.dims, headFile) };
}
