import type { CliIo } from './cliIo';

/** One subcommand of `entity-linker`. `run` returns the exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo, signal: AbortSignal): Promise<number>;
}

/** Exit codes: 0 ok, 1 usage error, 2 input error (a bad file, a model that will not load, ...). */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_INPUT = 2;
