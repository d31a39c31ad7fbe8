import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeBytesAtomic } from '../atomicFile';
import { readRegularFileSync } from '../inputFile';

/**
 * A record, beside a large cache file, that its sha256 was checked: the file's identity (device, inode), size,
 * modification and change times when it passed. While all of them are unchanged the file has not been written
 * through the file system since (any write, truncation, rename over it or `touch` moves the change time, which
 * no user call can set back), so the check need not read the whole file again: opening a cached 200 MB index
 * then costs a stat instead of a hash. Times within two seconds of the check are not trusted (a write in the same
 * coarse clock tick), so a file written just before it is hashed once more on its next open. Damage that bypasses the file system (a failing disk) is not seen, as
 * it is not by a page-cached read either.
 */
export const STAMP_FILE = 'verified.json';

/** File times within this of the check are not trusted: a write in the same coarse clock tick leaves them equal. */
const RACY_MS = 2000;

interface Stamp {
  readonly sha256: string;
  /** Date.now() when checked. */
  readonly checkedAtMs: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
}

function identity(st: fs.Stats): Omit<Stamp, 'sha256' | 'checkedAtMs'> {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev };
}

function readStamps(dir: string): Record<string, Stamp> {
  try {
    const parsed = JSON.parse(readRegularFileSync(path.join(dir, STAMP_FILE)).toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, Stamp>) : {};
  } catch {
    return {};
  }
}

/** Whether `name` in `dir` was verified to have `sha256` and has not changed since. */
export function verifiedUnchanged(dir: string, name: string, sha256: string): boolean {
  const stamp = readStamps(dir)[name];
  if (stamp === undefined || stamp.sha256 !== sha256) return false;
  let st: fs.Stats;
  try {
    st = fs.statSync(path.join(dir, name));
  } catch {
    return false;
  }
  const now = identity(st);
  // A file changed in the clock tick of its check could keep its times (git's "racily clean" case): hash it then.
  if (now.ctimeMs >= stamp.checkedAtMs - RACY_MS || now.mtimeMs >= stamp.checkedAtMs - RACY_MS) return false;
  return (Object.keys(now) as (keyof typeof now)[]).every((k) => stamp[k] === now[k]);
}

/** Records that `name` in `dir` has just been checked (or written) with `sha256`. Best effort: a failure only costs a hash next time. */
export function stampVerified(dir: string, name: string, sha256: string): void {
  try {
    const stamps = { ...readStamps(dir), [name]: { sha256, checkedAtMs: Date.now(), ...identity(fs.statSync(path.join(dir, name))) } };
    writeBytesAtomic(path.join(dir, STAMP_FILE), [Buffer.from(`${JSON.stringify(stamps, null, 2)}\n`, 'utf8')]);
  } catch {
    // a read-only cache folder: the file is hashed on every open, as before
  }
}
