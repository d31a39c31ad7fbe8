import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { assertReplaceable } from '../index/atomicFile';

/**
 * Crash-safe text writes for annotation files. The index code has a synchronous twin (index/atomicFile.ts); the
 * store needs the async one so a save never blocks the extension host, plus a per-file queue so two saves of the
 * same file never interleave their renames out of order.
 */

const TEMP_SUFFIX = '.tmp';

export function tempNameFor(target: string): string {
  // Hidden (leading dot) and ending in .tmp so no reader mistakes it for a store file; the pid lets a later
  // process tell a dead writer's leftovers from a live writer's file.
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Writes `content` to `target`: temp file in the same folder, fsync, rename over the target, fsync the folder.
 * Only a regular file (or nothing) is replaced (see assertReplaceable).
 */
export async function writeTextAtomic(target: string, content: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  assertReplaceable(target);
  const temp = tempNameFor(target);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDir(path.dirname(target));
}

async function syncDir(dir: string): Promise<void> {
  // Folders cannot be opened for fsync on Windows; the rename is still atomic there, only less durable.
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort, see above
  } finally {
    await handle?.close();
  }
}

/** Reads a file, or undefined when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Removes temp files of `target` left by writers that are no longer running. A live process's temp file (another
 * VS Code window saving the same document right now) is left alone.
 */
export async function removeDeadTempFiles(target: string): Promise<number> {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      await rm(path.join(dir, name), { force: true });
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

/**
 * Copies a corrupt file to `<file>.corrupt-<timestamp>.bak` unless a backup with the same bytes exists already
 * (reopening a broken file must not litter the folder with copies). Returns the backup path.
 */
export async function backupCorruptFile(file: string, now: Date): Promise<string> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const content = await readFile(file);
  for (const name of await readdir(dir)) {
    if (name.startsWith(`${base}.corrupt-`) && name.endsWith('.bak')) {
      const existing = await readFile(path.join(dir, name)).catch(() => undefined);
      if (existing !== undefined && existing.equals(content)) return path.join(dir, name);
    }
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let backup = path.join(dir, `${base}.corrupt-${stamp}.bak`);
  for (let n = 2; await exists(backup); n++) {
    backup = path.join(dir, `${base}.corrupt-${stamp}-${n}.bak`);
  }
  await copyFile(file, backup);
  return backup;
}

async function exists(file: string): Promise<boolean> {
  return (await readTextIfExists(file)) !== undefined;
}

/** Runs tasks one after another per key; a failed task does not block the ones queued after it. */
export class SerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
