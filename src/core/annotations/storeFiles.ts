import type { Stats } from 'node:fs';
import { copyFile, lstat, readFile, readdir, readlink } from 'node:fs/promises';
import * as path from 'node:path';
import { readTextIfExists } from '../atomicFile';
import { LinkerError } from '../errors';
import { decodeText, fileTypeName } from '../inputFile';
import { corruptError } from './annotationRecord';

/**
 * File handling of the annotation store besides the writes themselves (those are ../atomicFile.ts): backups of
 * corrupt files, and a per-file queue so two saves of the same file never interleave their renames out of order.
 */

/**
 * A store file's bytes, or undefined when there is none. Only a regular file is read: a store file that is a
 * symbolic link (a cloned repository can hold `.entity-links/notes.txt.jsonl -> ~/.ssh/id_rsa`) or anything else
 * is refused unread, as the team-store reader and the atomic writer refuse it. Reading through the link showed
 * the target's first bytes in the parse error and copied the target into the workspace as the corrupt file's backup.
 */
export async function readStoreBytes(file: string): Promise<Buffer | undefined> {
  let st: Stats;
  try {
    st = await lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!st.isFile()) {
    const target = st.isSymbolicLink() ? ` to ${await readlink(file).catch(() => '?')}` : '';
    throw corruptError(file, undefined, `the annotation file is ${fileTypeName(st)}${target}, not a regular file; it was not read.`, st.isSymbolicLink() ? 'Replace the link by a copy of the file it points to, or remove it.' : 'Move it away: the store keeps a document\'s labels in a regular file there.');
  }
  return readFile(file);
}

/**
 * A store file's text, decoded as every other input is (inputFile.decodeText): a byte order mark (a file saved by
 * a Windows editor) is dropped, and bytes that are not UTF-8 make the file corrupt, naming its line. Decoding them
 * to U+FFFD instead would let the next save write those characters over what the file held.
 */
export function decodeStoreFile(bytes: Uint8Array, file: string): string {
  try {
    return decodeText(bytes, file, 'The annotation file').text;
  } catch (e) {
    if (!LinkerError.is(e, 'inputFormat')) throw e;
    const message = e.message.slice(e.message.indexOf('The annotation file'));
    throw corruptError(file, e.location.line, message.replace(/ (Convert|Give) .*$/, ''), 'The file was left as it is: convert it to UTF-8 (or fix that line), then reopen the document.');
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
