import * as path from 'node:path';
import type { HnswParams } from './hnswIndex';
import type { VectorIndex } from './vectorIndex';
import { readRegularFileSync } from '../inputFile';

/**
 * The manifest that makes an index folder self-describing: what built it (model, KB, text template, graph
 * parameters) decides whether it can be reused, and per-file checksums catch a truncated or damaged file before
 * a native reader sees it (hnswlib trusts its input and can crash or allocate wildly on garbage).
 */
export const INDEX_MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export type IndexKind = VectorIndex['kind'];

/** The data file each kind keeps beside the manifest. */
export const DATA_FILE: Readonly<Record<IndexKind, string>> = { exact: 'vectors.f32', hnsw: 'graph.hnsw' };

export interface IndexFileEntry {
  readonly sha256: string;
  readonly bytes: number;
}

/** Graph-shaping parameters only; efSearch is a search-time setting and never invalidates an index. */
export type IndexBuildParams = Partial<Pick<HnswParams, 'm' | 'efConstruction'>>;

export interface IndexManifest {
  readonly version: number;
  readonly kind: IndexKind;
  readonly dims: number;
  readonly metric: 'ip';
  readonly params: IndexBuildParams;
  readonly size: number;
  readonly modelId: string;
  readonly kbHash: string;
  readonly templateId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** File name (relative to the folder) to its checksum and length. */
  readonly files: Readonly<Record<string, IndexFileEntry>>;
}

/** What the caller expects the folder to hold; `size` is checked only when known without embedding. */
export interface IndexKey {
  readonly kind: IndexKind;
  readonly dims: number;
  readonly params: IndexBuildParams;
  readonly modelId: string;
  readonly kbHash: string;
  readonly templateId: string;
  readonly size?: number;
}

/** Why a folder cannot be opened as it is. `file` names the file at fault when there is one. */
export interface IndexProblem {
  readonly kind: 'missing' | 'stale' | 'corrupt';
  readonly message: string;
  readonly file?: string;
}

export type ManifestRead = { readonly ok: true; readonly manifest: IndexManifest } | { readonly ok: false; readonly problem: IndexProblem };

export function readManifest(dir: string): ManifestRead {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readRegularFileSync(file).toString('utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ok: false, problem: { kind: 'missing', message: `no index in ${dir} yet`, file } };
    }
    return { ok: false, problem: { kind: 'corrupt', message: `${file} could not be read (${(e as Error).message})`, file } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: { kind: 'corrupt', message: `${file} is not valid JSON (${(e as Error).message})`, file } };
  }
  const shapeError = manifestShapeError(parsed);
  if (shapeError !== undefined) {
    return { ok: false, problem: { kind: 'corrupt', message: `${file} is malformed: ${shapeError}`, file } };
  }
  return { ok: true, manifest: parsed as IndexManifest };
}

function manifestShapeError(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return 'not an object';
  }
  const m = value as Record<string, unknown>;
  const strings = ['kind', 'metric', 'modelId', 'kbHash', 'templateId', 'createdAt'];
  for (const key of strings) {
    if (typeof m[key] !== 'string') {
      return `"${key}" must be a string`;
    }
  }
  for (const key of ['version', 'dims', 'size']) {
    if (typeof m[key] !== 'number' || !Number.isInteger(m[key])) {
      return `"${key}" must be an integer`;
    }
  }
  if (typeof m.params !== 'object' || m.params === null) {
    return '"params" must be an object';
  }
  if (typeof m.files !== 'object' || m.files === null) {
    return '"files" must be an object';
  }
  for (const [name, entry] of Object.entries(m.files as Record<string, unknown>)) {
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.sha256 !== 'string' || typeof e.bytes !== 'number') {
      return `"files.${name}" must hold a sha256 and a byte count`;
    }
    if (name !== path.basename(name)) {
      return `"files.${name}" must be a plain file name`;
    }
  }
  return undefined;
}

/** The first key on which the manifest differs from what the caller expects, said for a human; undefined when it
 * matches. Version first: a manifest from another format version says nothing reliable about the rest. */
export function staleReason(manifest: IndexManifest, expected: IndexKey): string | undefined {
  const changed = (what: string, was: unknown, now: unknown): string => `${what} changed (index has ${show(was)}, wanted ${show(now)})`;
  if (manifest.version !== INDEX_MANIFEST_VERSION) {
    return changed('format version', manifest.version, INDEX_MANIFEST_VERSION);
  }
  if (manifest.kind !== expected.kind) {
    return changed('index kind', manifest.kind, expected.kind);
  }
  if (manifest.metric !== 'ip') {
    return changed('metric', manifest.metric, 'ip');
  }
  if (manifest.modelId !== expected.modelId) {
    return changed('modelId', manifest.modelId, expected.modelId);
  }
  if (manifest.dims !== expected.dims) {
    return changed('dims', manifest.dims, expected.dims);
  }
  if (manifest.kbHash !== expected.kbHash) {
    return changed('kbHash', manifest.kbHash, expected.kbHash);
  }
  if (manifest.templateId !== expected.templateId) {
    return changed('templateId', manifest.templateId, expected.templateId);
  }
  for (const key of ['m', 'efConstruction'] as const) {
    if (manifest.params[key] !== expected.params[key]) {
      return changed(`params.${key}`, manifest.params[key], expected.params[key]);
    }
  }
  if (expected.size !== undefined && manifest.size !== expected.size) {
    return changed('size', manifest.size, expected.size);
  }
  if (!(DATA_FILE[manifest.kind] in manifest.files)) {
    return `the manifest lists no ${DATA_FILE[manifest.kind]}`;
  }
  return undefined;
}

function show(value: unknown): string {
  const text = value === undefined ? 'none' : String(value);
  return text.length > 24 ? `${text.slice(0, 12)}…${text.slice(-8)}` : text;
}
