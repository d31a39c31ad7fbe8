import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import type { ProgressListener } from '../log';
import { throwIfAborted } from '../errors';
import { type TextEncoding, badTextError, badUtf16Error, locateBadUtf8, scanUtf8, sniffEncoding, statInput } from '../inputFile';

/** One line of a file with its 1-based number. */
export interface NumberedLine {
  readonly line: string;
  readonly lineNo: number;
}

/** Reports `done` bytes of `total`, at most about once per percent, plus a final call. */
export class ByteProgress {
  private lastReported = -1;
  private readonly step: number;

  constructor(
    private readonly stage: string,
    private readonly total: number,
    private readonly listener: ProgressListener | undefined,
  ) {
    this.step = Math.max(64 * 1024, Math.floor(total / 100));
  }

  update(done: number): void {
    if (this.listener === undefined) return;
    if (done - this.lastReported >= this.step || (done >= this.total && this.lastReported < this.total)) {
      this.lastReported = done;
      this.listener({ stage: this.stage, done, total: this.total });
    }
  }

  finish(): void {
    this.update(this.total);
  }
}

/** Stat a KB file (never opening a pipe or a device), turning "not there" into a typed error that names it. */
export async function statKbFile(file: string): Promise<number> {
  return (await statInput(file, 'The KB source', 'file')).size;
}

/**
 * Streams a text file as decoded chunks with byte progress. The encoding comes from the byte order mark (UTF-8
 * or UTF-16 LE/BE; none: UTF-8) and is named in the progress stage when it is not UTF-8; progress counts the
 * bytes of the file itself (never re-encoded text, which overshot 100% on UTF-16 input). The BOM is dropped.
 * Bytes that are not text (invalid UTF-8, a NUL byte of a binary file or of UTF-16 without a BOM, an unpaired
 * UTF-16 surrogate) are an input error naming the file, line and byte, never U+FFFD characters in entity names.
 */
export async function* readTextChunks(file: string, options: { signal?: AbortSignal; onProgress?: ProgressListener; stage?: string } = {}): AsyncGenerator<string> {
  const total = await statKbFile(file);
  let progress: ByteProgress | undefined;
  let decoder: TextDecoder | undefined;
  let encoding: TextEncoding = 'utf-8';
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  let pending: Buffer | undefined;
  const decode = async (chunk: Buffer | undefined): Promise<string> => {
    try {
      if (encoding === 'utf-8' && chunk !== undefined && chunk.indexOf(0) >= 0) throw new TypeError('NUL');
      return chunk === undefined ? decoder!.decode() : decoder!.decode(chunk, { stream: true });
    } catch {
      throw encoding === 'utf-8' ? badTextError(file, 'The KB source', await locateBadUtf8InFile(file)) : badUtf16Error(file, 'The KB source', encoding);
    }
  };
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      throwIfAborted(options.signal);
      bytes += raw.length;
      let chunk = raw;
      if (decoder === undefined) {
        // The first chunk holds the BOM (256 KiB chunks; a file of one or two bytes is decoded at the end).
        chunk = pending === undefined ? raw : Buffer.concat([pending, raw]);
        if (chunk.length < 3 && bytes < total) {
          pending = chunk;
          continue;
        }
        const sniffed = sniffEncoding(chunk);
        encoding = sniffed.encoding;
        decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
        progress = new ByteProgress(`${options.stage ?? `read ${file}`}${encoding === 'utf-8' ? '' : ` (${encoding.toUpperCase()})`}`, total, options.onProgress);
        chunk = chunk.subarray(sniffed.bom);
      }
      const text = await decode(chunk);
      progress?.update(bytes);
      if (text !== '') yield text;
    }
    if (decoder === undefined && pending !== undefined) {
      const sniffed = sniffEncoding(pending);
      encoding = sniffed.encoding;
      decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
      const text = await decode(pending.subarray(sniffed.bom));
      if (text !== '') yield text;
    }
    const tail = decoder === undefined ? '' : await decode(undefined);
    if (tail !== '') yield tail;
    (progress ?? new ByteProgress(options.stage ?? `read ${file}`, total, options.onProgress)).finish();
  } finally {
    stream.destroy();
  }
}

/**
 * The first byte of a UTF-8 file that is not text, found by a second pass once decoding failed (so reading a good
 * file costs nothing extra): sequences cut at a chunk's end are carried into the next chunk.
 */
async function locateBadUtf8InFile(file: string): Promise<ReturnType<typeof locateBadUtf8>> {
  let carry: Buffer = Buffer.alloc(0);
  let from = { byte: 0, line: 1 };
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      const chunk = carry.length === 0 ? raw : Buffer.concat([carry, raw]);
      const scan = scanUtf8(chunk);
      if ('bad' in scan) return locateBadUtf8(chunk, from);
      const done = locateBadUtf8(chunk.subarray(0, scan.complete), from);
      from = { byte: done.byte, line: done.line };
      carry = chunk.subarray(scan.complete);
    }
  } finally {
    stream.destroy();
  }
  // Only a sequence cut short by the end of the file is left.
  return { ...from, nul: false };
}

/**
 * Streams a text file (see readTextChunks) as batches of lines (LF or CRLF; one batch per 256 KiB chunk)
 * without holding it whole. Batches rather than single lines because one await per line (as readline's async
 * iterator costs) was most of the load time of a million-line KB; the split itself is indexOf on the chunk.
 * Cancellation is checked between chunks.
 */
export async function* readLineBatches(file: string, options: { signal?: AbortSignal; onProgress?: ProgressListener; stage?: string } = {}): AsyncGenerator<NumberedLine[]> {
  let rest = '';
  let lineNo = 0;
  for await (const chunk of readTextChunks(file, options)) {
    const text = rest === '' ? chunk : rest + chunk;
    const batch: NumberedLine[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      batch.push({ line: text.slice(start, end), lineNo: ++lineNo });
      start = nl + 1;
    }
    // A line longer than a chunk grows here until its newline arrives; it is never more than one line.
    rest = start === 0 ? text : text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (rest !== '') {
    const end = rest.charCodeAt(rest.length - 1) === 0x0d ? rest.length - 1 : rest.length;
    yield [{ line: rest.slice(0, end), lineNo: ++lineNo }];
  }
}

/** The lines of a file one by one (see readLineBatches), for readers where per-line cost does not matter. */
export async function* readLines(file: string, options: { signal?: AbortSignal; onProgress?: ProgressListener; stage?: string } = {}): AsyncGenerator<NumberedLine> {
  for await (const batch of readLineBatches(file, options)) yield* batch;
}
