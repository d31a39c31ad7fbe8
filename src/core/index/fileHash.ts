import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { openRegularFileSync } from '../inputFile';

/** Hashing and byte views for index files (written with ../atomicFile.ts). */

/** sha256 of a file, read in blocks so a 200 MB index never needs a second copy in memory. */
export function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(4 << 20);
  const fd = openRegularFileSync(file);
  try {
    for (;;) {
      const read = fs.readSync(fd, block, 0, block.length, null);
      if (read === 0) {
        break;
      }
      hash.update(block.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** A byte view of a Float32Array (no copy), for writing and hashing. */
export function bytesOf(vectors: Float32Array): Uint8Array {
  return new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
}
