import { type Stats, closeSync, constants as fsConstants, fstatSync, openSync, readFileSync } from 'node:fs';
import { type FileHandle, lstat, open, readlink, stat } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { LinkerError } from './errors';

/*
 * Every file the user names (a document, a KB, a KB config, gold data) is checked here before it is opened and
 * decoded here after it is read. Opening a FIFO blocks until a writer appears, and a device such as /dev/zero
 * never ends, so the file type is checked with stat (which never blocks) first. Text is decoded by its byte
 * order mark: UTF-8 (with or without BOM) and UTF-16 LE/BE are read; bytes that are not valid UTF-8, or NUL
 * bytes (a binary file, or UTF-16 without a BOM), are refused with the file named, never turned into U+FFFD
 * characters that would silently link to "0 mentions".
 */

export type InputKind = 'file' | 'file-or-folder';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** What a non-regular file is, in words. */
export function fileTypeName(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** What an OS error code means for the user, and what to do about it. */
export function osErrorAdvice(code: string | undefined): { what: string; hint: string } | undefined {
  switch (code) {
    case 'ENOENT':
      return { what: 'does not exist (no such file or folder)', hint: 'Check the path.' };
    case 'EACCES':
    case 'EPERM':
      return { what: 'is not accessible (permission denied)', hint: 'Check the permissions of the file and of its folders.' };
    case 'ENOTDIR':
      return { what: 'has a part that is not a folder', hint: 'Check the path: a file name is used as a folder in it.' };
    case 'EISDIR':
      return { what: 'is a folder', hint: 'Name a file.' };
    case 'EEXIST':
      return { what: 'exists already', hint: 'Remove it or choose another path.' };
    case 'ELOOP':
      return { what: 'is a loop of symbolic links', hint: 'Check the links in the path.' };
    case 'ENAMETOOLONG':
      return { what: 'has a name that is too long', hint: 'Use a shorter path.' };
    case 'EROFS':
      return { what: 'is on a read-only file system', hint: 'Write somewhere else.' };
    case 'ENOSPC':
    case 'EDQUOT':
      return { what: 'cannot be written: the disk is full', hint: 'Free some space or write somewhere else.' };
    case 'EMFILE':
    case 'ENFILE':
      return { what: 'cannot be opened: too many open files', hint: 'Raise the open-file limit (ulimit -n).' };
    case 'EBUSY':
      return { what: 'is busy', hint: 'Close the program using it and retry.' };
    case 'ENOTEMPTY':
      return { what: 'is a folder that is not empty (another run may have written it meanwhile)', hint: 'Choose another path, or remove that folder and run again.' };
    case 'EIO':
      return { what: 'cannot be read or written: the device reported an I/O error', hint: 'Check the disk (or the network file system) and retry.' };
    default:
      return undefined;
  }
}

/** An OS error (EACCES, ENOTDIR ...) on `file` as an input error naming the file, or undefined when `e` is not one. */
export function osInputError(e: unknown, file: string, what: string): LinkerError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const advice = osErrorAdvice(code);
  if (advice === undefined) return undefined;
  return new LinkerError('inputMissing', `${what} ${advice.what} (${code}).`, { location: { file }, hint: advice.hint, cause: e });
}

/**
 * Stats an input without opening it and refuses anything that is not a regular file (or, for 'file-or-folder',
 * a folder). `what` names the input in the message ("The KB config", "The gold file").
 */
export async function statInput(file: string, what: string, kind: InputKind = 'file'): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(file);
  } catch (e) {
    throw osInputError(e, file, what) ?? e;
  }
  if (st.isFile() || (kind === 'file-or-folder' && st.isDirectory())) return st;
  throw new LinkerError('inputMissing', `${what} is ${fileTypeName(st)}, not a ${kind === 'file' ? 'regular file' : 'regular file or folder'}.`, {
    location: { file },
    hint: kind === 'file' ? 'Name a regular file (pipes and devices are not read: they may never end).' : 'Name a regular file or a folder.',
  });
}

/** The encoding a byte order mark announces, and the BOM's length. */
export function sniffEncoding(head: Uint8Array): { encoding: TextEncoding; bom: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return { encoding: 'utf-8', bom: 0 };
}

/** Decodes a whole file's bytes (see the top of this file); refuses binary and invalid UTF-8 with the file and line named. */
export function decodeText(bytes: Uint8Array, file: string, what: string): { text: string; encoding: TextEncoding } {
  const { encoding, bom } = sniffEncoding(bytes);
  const body = bytes.subarray(bom);
  if (encoding === 'utf-8' && body.indexOf(0) >= 0) throw badTextError(file, what, locateBadUtf8(bytes));
  try {
    return { text: new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body), encoding };
  } catch {
    throw encoding === 'utf-8' ? badTextError(file, what, locateBadUtf8(bytes)) : badUtf16Error(file, what, encoding);
  }
}

/** Where the first byte that is not UTF-8 text is (see scanUtf8) in a file's bytes, with its 1-based line. */
export interface BadTextByte {
  /** Offset of the byte in the file. */
  readonly byte: number;
  readonly line: number;
  /** A NUL byte (binary, or UTF-16 without a byte order mark) rather than an invalid UTF-8 sequence. */
  readonly nul: boolean;
}

/**
 * Scans UTF-8 bytes: `bad` is the offset of the first byte that starts or continues no well-formed sequence
 * (overlong forms, surrogates and code points above U+10FFFF included, as TextDecoder refuses them) or is a NUL;
 * otherwise `complete` is how many bytes end at a sequence boundary (a sequence cut at the end of `bytes` is
 * left for the next chunk of a stream).
 */
export function scanUtf8(bytes: Uint8Array): { bad: number } | { complete: number } {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b === 0) return { bad: i };
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return { bad: i };
    // The second byte's range is narrower after E0 (no overlongs), ED (no surrogates), F0 (no overlongs), F4 (<= U+10FFFF).
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return { complete: i };
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : (c & 0xc0) !== 0x80) return { bad: i };
    }
    i += need + 1;
  }
  return { complete: bytes.length };
}

/** The first byte of a UTF-8 file's bytes that is not text (see scanUtf8), or the end when the text is cut short. */
export function locateBadUtf8(bytes: Uint8Array, from: { byte: number; line: number } = { byte: 0, line: 1 }): BadTextByte {
  const scan = scanUtf8(bytes);
  const at = 'bad' in scan ? scan.bad : scan.complete;
  return { byte: from.byte + at, line: from.line + countNewlines(bytes, at), nul: 'bad' in scan && bytes[at] === 0 };
}

/** How many LF bytes the first `end` bytes hold. */
export function countNewlines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** The error for bytes that are not UTF-8 text, naming the file, the line and the byte. */
export function badTextError(file: string, what: string, at: BadTextByte): LinkerError {
  return at.nul
    ? new LinkerError('inputFormat', `${what} holds a NUL byte at byte ${at.byte}: it is binary, or UTF-16 without a byte order mark.`, {
        location: { file, line: at.line },
        hint: 'Give a text file in UTF-8 (or UTF-16 with a byte order mark).',
      })
    : new LinkerError('inputFormat', `${what} is not valid UTF-8 text (first bad byte at ${at.byte}).`, {
        location: { file, line: at.line },
        hint: 'Convert it to UTF-8, e.g. iconv -f LATIN1 -t UTF-8 (name its real encoding).',
      });
}

/** The error for UTF-16 text with an unpaired surrogate. */
export function badUtf16Error(file: string, what: string, encoding: TextEncoding): LinkerError {
  return new LinkerError('inputFormat', `${what} is not valid ${encoding.toUpperCase()} text (an unpaired surrogate).`, {
    location: { file },
    hint: 'Save it again as UTF-8 (or UTF-16 with a byte order mark) from a program that writes whole characters.',
  });
}

/** Reads a regular text file whole: type checked first, decoded by its BOM, OS errors as input errors. */
export async function readTextInput(file: string, what: string): Promise<string> {
  await statInput(file, what, 'file');
  let bytes: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw osInputError(e, file, what) ?? e;
  }
  return decodeText(bytes, file, what).text;
}

/** The first `max` bytes of a regular file, decoded leniently (for sniffing a format only). */
export async function readTextHead(file: string, what: string, max = 64 * 1024): Promise<string> {
  await statInput(file, what, 'file');
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(max);
      const { bytesRead } = await handle.read(buffer, 0, max, 0);
      const head = buffer.subarray(0, bytesRead);
      const { encoding, bom } = sniffEncoding(head);
      return new TextDecoder(encoding, { ignoreBOM: true }).decode(head.subarray(bom));
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw osInputError(e, file, what) ?? e;
  }
}

const READ_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Opens a file the program itself keeps (cache files: snapshots, shards, manifests, indexes) for a synchronous
 * read without ever blocking: with O_NONBLOCK a FIFO put in its place opens at once instead of waiting for a
 * writer (a synchronous open blocks the main thread, where not even Ctrl-C or SIGTERM is handled any more), and
 * anything but a regular file is refused as `indexCorrupt` naming it, which readers treat as a damaged file.
 */
export function openRegularFileSync(file: string): number {
  // With an OS error's code too, so readers that tell OS errors (a damaged file) from bugs take it as one.
  return openNonBlockingRegularSync(file, (st) =>
    Object.assign(new LinkerError('indexCorrupt', `is ${fileTypeName(st)}, not a regular file.`, { location: { file }, hint: 'Delete it: the program rebuilds what it keeps there.' }), { code: 'EFTYPE' }),
  );
}

/** Opens `file` with O_NONBLOCK and returns its descriptor when it is a regular file; else closes it and throws `refuse`'s error. */
function openNonBlockingRegularSync(file: string, refuse: (st: Stats) => Error): number {
  const fd = openSync(file, READ_FLAGS);
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  if (st.isFile()) return fd;
  closeSync(fd);
  throw refuse(st);
}

/** Throws as openRegularFileSync does unless `file` is a regular file (for native readers that open it themselves). */
export function assertRegularFileSync(file: string): void {
  closeSync(openRegularFileSync(file));
}

/** Reads a whole file the program keeps (see openRegularFileSync). */
export function readRegularFileSync(file: string): Buffer {
  const fd = openRegularFileSync(file);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What to say when a file the program reads is not a regular file. */
export interface RegularFileRefusal {
  /** The file in words, capitalised ("The ranker weights"); the message names the file too. */
  readonly what: string;
  /** What to do about it. */
  readonly hint: string;
  /** The error's code; `modelLoad` unless said. */
  readonly code?: 'modelLoad' | 'inputMissing' | 'inputFormat';
  /** Refuse a symbolic link unread (a cloned workspace can point a state file at a secret). */
  readonly noFollow?: boolean;
}

function notRegularError(file: string, st: Stats, refusal: RegularFileRefusal, target = ''): LinkerError {
  return new LinkerError(refusal.code ?? 'modelLoad', `${refusal.what} (${file.split(/[\\/]/).pop()}) is ${fileTypeName(st)}${target}, not a regular file; it was not read.`, {
    location: { file },
    hint: refusal.hint,
  });
}


/**
 * Reads a whole file of a model folder or a state file (ranker.json, learned.json, a manifest, the vocabulary)
 * asynchronously without ever blocking; undefined when it does not exist. Opened with O_NONBLOCK and checked with
 * fstat, so a FIFO (or folder) put in its place is refused at once naming it: read as it was, a FIFO held a libuv
 * threadpool thread for good (four such reads, the whole pool, and with it every later file read). With
 * `noFollow` a symbolic link is refused unread, naming its target.
 */
export async function readRegularFileIfExists(file: string, refusal: RegularFileRefusal): Promise<Buffer | undefined> {
  if (refusal.noFollow === true) {
    let st: Stats;
    try {
      st = await lstat(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw osInputError(e, file, refusal.what) ?? e;
    }
    if (st.isSymbolicLink()) throw notRegularError(file, st, refusal, ` to ${await readlink(file).catch(() => '?')}`);
  }
  let handle: FileHandle;
  try {
    handle = await open(file, READ_FLAGS | (refusal.noFollow === true ? (fsConstants.O_NOFOLLOW ?? 0) : 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw osInputError(e, file, refusal.what) ?? e;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw notRegularError(file, st, refusal);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** readRegularFileIfExists for synchronous readers (a FIFO there blocked the main thread itself). */
export function readRegularFileIfExistsSync(file: string, refusal: RegularFileRefusal): Buffer | undefined {
  let fd: number;
  try {
    fd = openNonBlockingRegularSync(file, (st) => notRegularError(file, st, refusal));
  } catch (e) {
    if (e instanceof LinkerError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw osInputError(e, file, refusal.what) ?? e;
  }
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
