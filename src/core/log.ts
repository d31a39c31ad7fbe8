/**
 * The one logging interface the core sees. The host adapts it to a VS Code LogOutputChannel, the CLI to stderr.
 * The core never writes to the console itself.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Progress of a long job: `done` of `total` units (total may be unknown while streaming). */
export interface Progress {
  readonly stage: string;
  readonly done: number;
  readonly total?: number;
  /** The training epoch the stage belongs to (fine-tuning). */
  readonly epoch?: number;
  /** Figures of a finished step (an epoch's loss and dev recall): data here, put into words by the edge that shows them. */
  readonly figures?: Readonly<Record<string, number>>;
}

export type ProgressListener = (progress: Progress) => void;
