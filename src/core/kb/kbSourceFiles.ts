import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The files a KB is read from, with what a cache needs to tell whether they changed: size and modification time
 * (the fast check, a stat per file) and the sha256 of their bytes (the slow, exact one). A folder source (brat,
 * WordNet's dict) stands for every regular file under it, so adding, removing or editing any of them counts.
 */
export interface SourceFileStat {
  /** Absolute path. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Files under a folder source, at most this many (a KB folder with more is not fingerprinted file by file). */
const MAX_FOLDER_FILES = 100_000;

/**
 * Size and mtime of every file `paths` stand for (a file, or each regular file under a folder, sorted), or the
 * reason they cannot be listed (a missing path: the loader then reports it properly).
 */
export function statSourceFiles(paths: readonly string[]): SourceFileStat[] | string {
  const out: SourceFileStat[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      return `${abs} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
    if (st.isFile()) {
      out.push({ path: abs, size: st.size, mtimeMs: st.mtimeMs });
      continue;
    }
    if (!st.isDirectory()) return `${abs} is not a file or folder`;
    const files = filesUnder(abs);
    if (typeof files === 'string') return files;
    for (const f of files) out.push(f);
  }
  return out;
}

function filesUnder(dir: string): SourceFileStat[] | string {
  const out: SourceFileStat[] = [];
  const walk = (d: string): string | undefined => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      return `${d} could not be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        const problem = walk(p);
        if (problem !== undefined) return problem;
      } else if (entry.isFile()) {
        if (out.length >= MAX_FOLDER_FILES) return `${dir} holds more than ${MAX_FOLDER_FILES} files`;
        const st = fs.statSync(p);
        out.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    return undefined;
  };
  const problem = walk(dir);
  return problem ?? out;
}

/** sha256 over every file's path and bytes, in order (the exact check behind a changed mtime). */
export function sourceFilesHash(files: readonly SourceFileStat[]): string {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(1 << 20);
  for (const f of files) {
    hash.update(`${f.path.length}:${f.path}\u0000`);
    const fd = fs.openSync(f.path, 'r');
    try {
      let read: number;
      while ((read = fs.readSync(fd, block, 0, block.length, null)) > 0) hash.update(block.subarray(0, read));
    } finally {
      fs.closeSync(fd);
    }
  }
  return hash.digest('hex');
}

/** Whether two listings name the same files with the same sizes (mtimes aside). */
export function sameFilesAndSizes(a: readonly SourceFileStat[], b: readonly SourceFileStat[]): boolean {
  return a.length === b.length && a.every((f, i) => f.path === b[i].path && f.size === b[i].size);
}

/**
 * The first file whose size or mtime differs, said for a human; undefined when all match. A file modified within
 * `racyMs` before `writtenAtMs` (when given) is reported too: a change made in the same clock tick as the snapshot
 * (same size, same mtime) would otherwise pass unseen (git's "racily clean" case).
 */
export function changedFile(recorded: readonly SourceFileStat[], now: readonly SourceFileStat[], writtenAtMs?: number, racyMs = 2000): string | undefined {
  if (recorded.length !== now.length) return `the KB now has ${now.length} source files, not ${recorded.length}`;
  for (let i = 0; i < now.length; i++) {
    const r = recorded[i];
    const n = now[i];
    if (r.path !== n.path) return `${n.path} is new (was ${r.path})`;
    if (r.size !== n.size) return `${n.path} changed size (${r.size} -> ${n.size} bytes)`;
    if (r.mtimeMs !== n.mtimeMs) return `${n.path} was modified`;
    if (writtenAtMs !== undefined && n.mtimeMs >= writtenAtMs - racyMs) return `${n.path} was modified around the time the snapshot was written`;
  }
  return undefined;
}
