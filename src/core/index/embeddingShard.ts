import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { writeAtomic } from '../atomicFile';
import { openRegularFileSync } from '../inputFile';

/**
 * One file of the embedding cache: the vectors of a set of texts, keyed by sha256(text). A hand-rolled binary
 * layout because the cache must hold ~100k x 512 floats compactly, be read without per-vector objects, and
 * detect truncation and bit rot; JSON or a key-value store would be several times larger and slower.
 *
 *   magic "ELEMBED1" (8 bytes)
 *   u32 LE: format version, dims, count, modelId byte length L
 *   modelId (UTF-8, L bytes), zero-padded to a multiple of 4 (keeps the float block aligned)
 *   count x 32-byte keys (sha256 of the text)
 *   count x dims float32 LE vectors, in key order
 *   sha256 of every byte above (32 bytes)
 */
const MAGIC = Buffer.from('ELEMBED1', 'ascii');
const SHARD_VERSION = 1;
const FIXED_HEADER = MAGIC.length + 16;
export const KEY_BYTES = 32;
const CHECKSUM_BYTES = 32;
/** Rows are read and written in blocks of about this many bytes, so memory stays flat for any shard size. */
const BLOCK_BYTES = 4 << 20;

export function textKey(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function headerBytes(modelId: string, dims: number, count: number): Buffer {
  const id = Buffer.from(modelId, 'utf8');
  const padded = Math.ceil(id.length / 4) * 4;
  const header = Buffer.alloc(FIXED_HEADER + padded);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(SHARD_VERSION, 8);
  header.writeUInt32LE(dims, 12);
  header.writeUInt32LE(count, 16);
  header.writeUInt32LE(id.length, 20);
  id.copy(header, FIXED_HEADER);
  return header;
}

/**
 * Writes the rows `positions` of `source` (row-major, `dims` wide) with their keys to `file`, atomically. Rows are
 * gathered block by block, so no second copy of the vectors is made.
 */
export function writeShard(file: string, modelId: string, dims: number, keys: readonly string[], positions: ArrayLike<number>, source: Float32Array): void {
  const count = positions.length;
  const header = headerBytes(modelId, dims, count);
  const keyBlock = Buffer.alloc(count * KEY_BYTES);
  for (let i = 0; i < count; i++) {
    keyBlock.write(keys[positions[i]!]!, i * KEY_BYTES, KEY_BYTES, 'hex');
  }
  writeAtomic(file, (temp) => {
    const hash = createHash('sha256');
    const fd = fs.openSync(temp, 'w');
    try {
      const put = (bytes: Uint8Array): void => {
        hash.update(bytes);
        let offset = 0;
        while (offset < bytes.byteLength) {
          offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
        }
      };
      put(header);
      put(keyBlock);
      const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (dims * 4)));
      const block = new Float32Array(Math.min(count, rowsPerBlock) * dims);
      for (let start = 0; start < count; start += rowsPerBlock) {
        const end = Math.min(count, start + rowsPerBlock);
        for (let i = start; i < end; i++) {
          const from = positions[i]! * dims;
          block.set(source.subarray(from, from + dims), (i - start) * dims);
        }
        put(new Uint8Array(block.buffer, 0, (end - start) * dims * 4));
      }
      const digest = hash.digest();
      fs.writeSync(fd, digest);
    } finally {
      fs.closeSync(fd);
    }
  });
}

export type ShardRead =
  | { readonly status: 'ok'; readonly rows: number; readonly used: number }
  /** Written for another model or width: not an error, just not ours to use. */
  | { readonly status: 'foreign'; readonly message: string }
  | { readonly status: 'corrupt'; readonly message: string };

/**
 * Copies the vectors of the wanted keys (key -> row of `out`) found in `file` into `out` and sets `filled`.
 * One sequential pass hashes the file while copying; if the checksum fails at the end, the rows copied from this
 * file are un-marked again, so nothing from a damaged file is ever used.
 */
export function readShardInto(
  file: string,
  modelId: string,
  dims: number,
  wanted: ReadonlyMap<string, number>,
  out: Float32Array,
  filled: Uint8Array,
): ShardRead {
  const fd = openRegularFileSync(file);
  const copied: number[] = [];
  try {
    const size = fs.fstatSync(fd).size;
    const fixed = Buffer.alloc(FIXED_HEADER);
    if (fs.readSync(fd, fixed, 0, FIXED_HEADER, 0) < FIXED_HEADER || !fixed.subarray(0, MAGIC.length).equals(MAGIC)) {
      return { status: 'corrupt', message: 'has no embedding-cache header' };
    }
    const version = fixed.readUInt32LE(8);
    const fileDims = fixed.readUInt32LE(12);
    const count = fixed.readUInt32LE(16);
    const idLength = fixed.readUInt32LE(20);
    if (version !== SHARD_VERSION) {
      return { status: 'foreign', message: `has format version ${version}, not ${SHARD_VERSION}` };
    }
    const headerLength = FIXED_HEADER + Math.ceil(idLength / 4) * 4;
    const expected = headerLength + count * KEY_BYTES + count * fileDims * 4 + CHECKSUM_BYTES;
    if (size !== expected) {
      return { status: 'corrupt', message: `is ${size} bytes but its header implies ${expected} (truncated?)` };
    }
    const header = Buffer.alloc(headerLength);
    readExactly(fd, header, 0);
    const fileModel = header.toString('utf8', FIXED_HEADER, FIXED_HEADER + idLength);
    if (fileModel !== modelId || fileDims !== dims) {
      return { status: 'foreign', message: `belongs to model ${fileModel} (${fileDims} dims)` };
    }
    const hash = createHash('sha256').update(header);
    const keyBlock = Buffer.alloc(count * KEY_BYTES);
    readExactly(fd, keyBlock, headerLength);
    hash.update(keyBlock);
    const target = new Int32Array(count).fill(-1);
    for (let row = 0; row < count; row++) {
      const pos = wanted.get(keyBlock.toString('hex', row * KEY_BYTES, (row + 1) * KEY_BYTES));
      if (pos !== undefined && filled[pos] === 0) {
        target[row] = pos;
      }
    }
    const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (dims * 4)));
    const block = new Float32Array(Math.min(Math.max(count, 1), rowsPerBlock) * dims);
    let offset = headerLength + keyBlock.length;
    for (let start = 0; start < count; start += rowsPerBlock) {
      const end = Math.min(count, start + rowsPerBlock);
      const bytes = new Uint8Array(block.buffer, 0, (end - start) * dims * 4);
      readExactly(fd, bytes, offset);
      offset += bytes.byteLength;
      hash.update(bytes);
      for (let row = start; row < end; row++) {
        const pos = target[row]!;
        if (pos >= 0 && filled[pos] === 0) {
          out.set(block.subarray((row - start) * dims, (row - start + 1) * dims), pos * dims);
          filled[pos] = 1;
          copied.push(pos);
        }
      }
    }
    const checksum = Buffer.alloc(CHECKSUM_BYTES);
    readExactly(fd, checksum, offset);
    if (!hash.digest().equals(checksum)) {
      for (const pos of copied) {
        filled[pos] = 0;
      }
      return { status: 'corrupt', message: 'failed its sha256 checksum' };
    }
    return { status: 'ok', rows: count, used: copied.length };
  } catch (e) {
    for (const pos of copied) {
      filled[pos] = 0;
    }
    return { status: 'corrupt', message: `could not be read (${(e as Error).message})` };
  } finally {
    fs.closeSync(fd);
  }
}

function readExactly(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.byteLength) {
    const read = fs.readSync(fd, target, done, target.byteLength - done, position + done);
    if (read === 0) {
      throw new Error(`unexpected end of file at byte ${position + done}`);
    }
    done += read;
  }
}
