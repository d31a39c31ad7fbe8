import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { LinkerError } from './errors';
import { fileTypeName } from './inputFile';

/**
 * The one crash-safe file writer. A reader must never see a half-written file under the final name, and only a
 * regular file is ever replaced. Every write, synchronous (index, cache and snapshot files, written where
 * blocking is fine) or asynchronous (annotation saves, exports, model files: the extension host must not block),
 * runs the same steps:
 *   1. `prepareReplace`: refuse anything but a regular file (or nothing) at the target; pick a temp name beside
 *      it (rename is only atomic within one file system);
 *   2. the caller's writer creates the temp file (by any means: our own writes or a native library writing the
 *      path itself);
 *   3. the temp file is fsynced and renamed over the target, then the folder is fsynced so the rename itself
 *      survives a power cut. On failure the temp file is removed and the error rethrown.
 */

const TEMP_SUFFIX = '.tmp';
const TEMP_PREFIX = '.';

/**
 * A temp name beside `target`, unique per process and call so concurrent writers never share one. Hidden
 * (leading dot) and ending in .tmp so no reader mistakes it for a real file; the pid lets a later process tell a
 * dead writer's leftovers from a live writer's file.
 */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `${TEMP_PREFIX}${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** Whether `name` (a bare file name) looks like one of our temp files. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
}

/** The writing process of a temp file of `target` named `name`, or undefined when `name` is not one. */
function tempWriterPid(target: string, name: string): number | undefined {
  const prefix = `${TEMP_PREFIX}${path.basename(target)}.`;
  if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) return undefined;
  const pid = Number(name.slice(prefix.length).split('.')[0]);
  return Number.isInteger(pid) ? pid : undefined;
}

/**
 * Refuses to replace anything but a regular file: a rename over a device node, a FIFO or a symbolic link would
 * swap it for a plain file (as root, /dev/null itself), and over a folder it fails obscurely. A missing target is
 * fine.
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

/** Step 1 of every write (see the top of this file): the checks, and the temp path to write. */
function prepareReplace(target: string): string {
  assertReplaceable(target);
  return tempPathFor(target);
}

/** Writes `target` atomically; `write` must create the file at the temp path it receives. */
export function writeAtomic(target: string, write: (tempPath: string) => void): void {
  const temp = prepareReplace(target);
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

/** The asynchronous twin of writeAtomic: the same steps, none of them blocking the thread. */
export async function writeAtomicAsync(target: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const temp = prepareReplace(target);
  try {
    await write(temp);
    await fsyncPathAsync(temp);
    await fsp.rename(temp, target);
  } catch (e) {
    await fsp.rm(temp, { force: true });
    throw e;
  }
  await fsyncDirAsync(path.dirname(target));
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

/** Writes `content` (UTF-8) to `target` atomically, creating its folder when missing. */
export async function writeTextAtomic(target: string, content: string): Promise<void> {
  await fsp.mkdir(path.dirname(target), { recursive: true });
  await writeAtomicAsync(target, (temp) => fsp.writeFile(temp, content, 'utf8'));
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

async function fsyncPathAsync(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a folder's entries (a rename into it) to disk. Folders cannot be opened for fsync on Windows; a rename
 * is still atomic there, only less durable: best effort.
 */
export function fsyncDir(dir: string): void {
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

async function fsyncDirAsync(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort (see fsyncDir)
  } finally {
    await handle?.close();
  }
}

/** Removes every temp file a crashed writer left in `dir` (a folder only one process writes at a time). */
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

/**
 * Removes temp files of `target` left by writers that are no longer running. A live process's temp file (another
 * VS Code window saving the same document right now) is left alone. Returns how many were removed.
 */
export async function removeDeadTempFiles(target: string): Promise<number> {
  const dir = path.dirname(target);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = tempWriterPid(target, name);
    if (pid !== undefined && pid !== process.pid && !processAlive(pid)) {
      await fsp.rm(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a file, or undefined when it does not exist (the read that goes with writeTextAtomic). */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
