import { LinkerError } from '../core/errors';
import { osErrorAdvice } from '../core/inputFile';
import { terminalSafe } from '../core/safeText';
import type { CliCommand } from './cliCommand';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE } from './cliCommand';
import { createCliIo } from './cliIo';
import { agreementCommand } from './commands/agreementCommand';
import { compareCommand } from './commands/compareCommand';
import { evalCommand } from './commands/evalCommand';
import { exportCommand } from './commands/exportCommand';
import { finetuneCommand } from './commands/finetuneCommand';
import { indexCommand } from './commands/indexCommand';
import { linkCommand } from './commands/linkCommand';
import { simulateCommand } from './commands/simulateCommand';

/** The `entity-linker` command line: the same core as the extension, for headless and GPU-server use. */
const COMMANDS: readonly CliCommand[] = [linkCommand, indexCommand, evalCommand, compareCommand, exportCommand, finetuneCommand, simulateCommand, agreementCommand];

function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: entity-linker <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'entity-linker <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 usage error, 2 input error.',
  ].join('\n');
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const verbose = rest.includes('--verbose') || rest.includes('-v');
  const io = createCliIo({ verbose });
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainUsage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version') {
    io.out(VERSION);
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`entity-linker: unknown command '${name}'.\n\n${mainUsage()}`);
    return EXIT_USAGE;
  }
  const controller = new AbortController();
  // SIGTERM (kill, a job scheduler's stop) cancels like Ctrl-C, so work done so far (encoded vectors) is saved on
  // the way out; a SIGKILL runs nothing, which the embedding cache's checkpoints cover.
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await command.run(rest, io, controller.signal);
  } catch (e) {
    io.endProgress();
    if (LinkerError.is(e)) {
      io.err(`entity-linker ${name}: ${e.message}`);
      if (verbose && e.cause !== undefined) {
        io.err(String((e.cause as Error).stack ?? e.cause));
      }
      return e.reason === 'usage' ? EXIT_USAGE : EXIT_INPUT;
    }
    const os = osErrorMessage(e);
    if (os !== undefined) {
      io.err(`entity-linker ${name}: ${os}`);
      if (verbose) io.err(String((e as Error).stack));
      return EXIT_INPUT;
    }
    io.err(`entity-linker ${name}: internal error: ${(e as Error).stack ?? String(e)}`);
    return EXIT_INPUT;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * An OS error no reader turned into a LinkerError (EACCES on an output, EISDIR, ENOSPC ...) is still the user's
 * input, not a bug: it is reported like one, with the path, what is wrong with it and what to do, never a stack.
 */
function osErrorMessage(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  const advice = osErrorAdvice(err?.code);
  if (advice === undefined || err === undefined) return undefined;
  const dest = (err as { dest?: string }).dest;
  const file = err.path === undefined ? 'a file' : dest === undefined ? err.path : `${err.path} -> ${dest}`;
  return `${file}: cannot ${err.syscall ?? 'access'}: the path ${advice.what} (${err.code}). ${advice.hint}`;
}

// Replaced by esbuild's `define` in the bundle; tsc output reads package.json.
declare const __ENTITY_LINKER_VERSION__: string | undefined;
const VERSION = typeof __ENTITY_LINKER_VERSION__ === 'string' ? __ENTITY_LINKER_VERSION__ : 'dev';

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${terminalSafe(String(e))}\n`);
      process.exitCode = EXIT_INPUT;
    },
  );
}
