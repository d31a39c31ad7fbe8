import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerError } from '../errors';
import { fileTypeName } from '../inputFile';

/**
 * Crash-safe file writes for index and cache files. A reader must never see a half-written file under the final
 * name: everything is written to a temp file in the same folder (rename is only atomic within one file system),
 * flushed to disk, then renamed over the target.
 */

const TEMP_SUFFIX = '.tmp';
const TEMP_PREFIX = '.';

/** A temp name beside `target`, unique per process and call so concurrent writers never share one. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  return path.join(dir, `${TEMP_PREFIX}${base}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** Whether `name` (a bare file name) looks like one of our temp files. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
}

/**
 * Refuses to replace anything but a regular file: a rename over a device node, a FIFO or a symbolic link would
 * swap it for a plain file (as root, /dev/null itself), and over a folder it fails obscurely. A missing target is
 * fine. Every atomic writer (this file's and annotations/atomicTextFile.ts) calls this first.
 */
export function assertReplaceable(target: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (st.isFile()) return;
  throw new LinkerError('inputMissing', `will not write here: the path is ${fileTypeName(st)}; only regular files are replaced.`, {
    location: { file: target },
    hint: st.isSymbolicLink() ? 'Name the file the link points to, or remove the link.' : 'Name a regular file (or a new path).',
  });
}

/**
 * Writes `target` atomically. `write` receives the temp path and must create the file there (by any means: our
 * own fd writes or a native library writing the path itself). The temp file is fsynced, renamed, and the folder
 * fsynced so the rename itself survives a power cut. On failure the temp file is removed and the error rethrown.
 */
export function writeAtomic(target: string, write: (tempPath: string) => void): void {
  assertReplaceable(target);
  const temp = tempPathFor(target);
  try {
    write(temp);
    fsyncPath(temp);
    fs.renameSync(temp, target);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(target));
}

/** Writes the given byte chunks to `target` atomically (chunks avoid one big concatenated copy). */
export function writeBytesAtomic(target: string, chunks: readonly Uint8Array[]): void {
  writeAtomic(target, (temp) => {
    const fd = fs.openSync(temp, 'w');
    try {
      for (const chunk of chunks) {
        writeFully(fd, chunk);
      }
    } finally {
      fs.closeSync(fd);
    }
  });
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.byteLength) {
    offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
  }
}

function fsyncPath(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  // Folders cannot be opened for fsync on Windows; the rename is still atomic there, only less durable.
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort (see above)
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
  }
}

/** Removes temp files a crashed writer left in `dir`. Only names matching our own temp pattern are touched. */
export function removeStaleTempFiles(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (isTempName(name)) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

/** sha256 of a byte sequence given in chunks, hex. */
export function sha256OfChunks(chunks: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) {
    hash.update(chunk);
  }
  return hash.digest('hex');
}

/** sha256 of a file, read in blocks so a 200 MB index never needs a second copy in memory. */
export function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(4 << 20);
  const fd = fs.openSync(file, 'r');
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
