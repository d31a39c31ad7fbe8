import { createReadStream, promises as fs } from 'node:fs';
import type { ProgressListener } from '../log';
import { LinkerError, throwIfAborted } from '../errors';

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

/** Stat a KB file, turning "not there" into a typed error that names it. */
export async function statKbFile(file: string): Promise<number> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) {
      throw new LinkerError('inputMissing', `KB source is not a file: ${file}.`, { hint: 'Give a file path, or the folder form only where the format allows one (zeshel).' });
    }
    return st.size;
  } catch (e) {
    if (LinkerError.is(e)) throw e;
    throw new LinkerError('inputMissing', `Cannot read KB source ${file}: ${(e as Error).message}.`, { hint: 'Check the path (relative paths are resolved against the working folder or the KB config file).', cause: e });
  }
}

/**
 * Streams a UTF-8 text file as batches of lines (LF or CRLF; one batch per 256 KiB chunk) without holding it
 * whole, reporting bytes read; a leading BOM is dropped. Batches rather than single lines because one await
 * per line (as readline's async iterator costs) was most of the load time of a million-line KB; the split
 * itself is indexOf on the chunk. Cancellation is checked between chunks.
 */
export async function* readLineBatches(file: string, options: { signal?: AbortSignal; onProgress?: ProgressListener; stage?: string } = {}): AsyncGenerator<NumberedLine[]> {
  const total = await statKbFile(file);
  const progress = new ByteProgress(options.stage ?? `read ${file}`, total, options.onProgress);
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let bytes = 0;
  let rest = '';
  let lineNo = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      throwIfAborted(options.signal);
      bytes += Buffer.byteLength(chunk, 'utf8');
      let text = rest === '' ? chunk : rest + chunk;
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      const batch: NumberedLine[] = [];
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
        batch.push({ line: text.slice(start, end), lineNo: ++lineNo });
        start = nl + 1;
      }
      // A line longer than a chunk grows here until its newline arrives; it is never more than one line.
      rest = start === 0 ? text : text.slice(start);
      progress.update(bytes);
      if (batch.length > 0) yield batch;
    }
    if (rest !== '') {
      const end = rest.charCodeAt(rest.length - 1) === 0x0d ? rest.length - 1 : rest.length;
      yield [{ line: rest.slice(0, end), lineNo: ++lineNo }];
    }
    progress.finish();
  } finally {
    stream.destroy();
  }
}

/** The lines of a file one by one (see readLineBatches), for readers where per-line cost does not matter. */
export async function* readLines(file: string, options: { signal?: AbortSignal; onProgress?: ProgressListener; stage?: string } = {}): AsyncGenerator<NumberedLine> {
  for await (const batch of readLineBatches(file, options)) yield* batch;
}
