import { createReadStream, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
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
 * Streams a UTF-8 text file line by line (LF or CRLF) without holding it whole, reporting bytes read.
 * A leading BOM is dropped. Cancellation is checked between lines.
 */
export async function* readLines(file: string, options: { signal?: AbortSignal; onProgress?: ProgressListener; stage?: string } = {}): AsyncGenerator<NumberedLine> {
  const total = await statKbFile(file);
  const progress = new ByteProgress(options.stage ?? `read ${file}`, total, options.onProgress);
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    // Approximate for non-ASCII (chars, not bytes) would drift; count real bytes instead.
    bytes += Buffer.byteLength(chunk as string, 'utf8');
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      throwIfAborted(options.signal);
      const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      progress.update(bytes);
      yield { line, lineNo };
    }
    progress.finish();
  } finally {
    lines.close();
    stream.destroy();
  }
}
