import type { Logger, Progress } from '../core/log';
import { inlineSafe, terminalSafe } from '../core/safeText';

/**
 * Where a command writes: results to stdout, progress and logs to stderr (so `--json` output stays clean). Every
 * string passes through terminalSafe (core/safeText.ts): KB text and messages quoting it are untrusted.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly logger: Logger;
  progress(progress: Progress): void;
  /** Ends a progress line started by `progress` (a no-op when none is open). */
  endProgress(): void;
}

export function createCliIo(options: { verbose: boolean; quiet?: boolean }): CliIo {
  const tty = process.stderr.isTTY === true;
  let openLine = false;
  let lastDraw = 0;
  const err = (text: string): void => {
    if (openLine) {
      process.stderr.write('\n');
      openLine = false;
    }
    const safe = terminalSafe(text);
    process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  };
  const verbose = (prefix: string) => (m: string): void => {
    if (options.verbose) {
      err(`${prefix}${m}`);
    }
  };
  const logger: Logger = {
    trace: verbose('trace: '),
    debug: verbose('debug: '),
    info: verbose(''),
    warn: (m) => err(`warning: ${m}`),
    error: (m) => err(`error: ${m instanceof Error ? m.message : m}`),
  };
  return {
    out: (text) => {
      const safe = terminalSafe(text);
      process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
    },
    err,
    logger,
    progress: (p) => {
      if (options.quiet === true) {
        return;
      }
      const now = Date.now();
      const finished = p.total !== undefined && p.done >= p.total;
      // Redraw at most 10 times a second; without a terminal print a line every 2 s so logs stay short.
      if (!finished && now - lastDraw < (tty ? 100 : 2000)) {
        return;
      }
      lastDraw = now;
      const pct = p.total !== undefined && p.total > 0 ? ` ${((100 * p.done) / p.total).toFixed(0)}%` : '';
      const line = `${p.epoch === undefined ? '' : `epoch ${p.epoch} `}${inlineSafe(p.stage)}: ${p.done}${p.total !== undefined ? `/${p.total}` : ''}${pct}`;
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        openLine = true;
        if (finished) {
          process.stderr.write('\n');
          openLine = false;
        }
      } else {
        process.stderr.write(`${line}\n`);
      }
    },
    endProgress: () => {
      if (openLine) {
        process.stderr.write('\n');
        openLine = false;
      }
    },
  };
}
