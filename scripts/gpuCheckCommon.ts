import type { Logger } from '../src/core/log';

/** The GPU check scripts' `--name value` pairs (every flag takes a value). */
export function args(): Map<string, string> {
  const map = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) map.set(argv[i].replace(/^--/, ''), argv[i + 1] ?? '');
  return map;
}

/** What the encoder and the provider choice log, indented under the scripts' own lines in the run's log. */
export const logger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: (m) => console.log(`    [log] ${m}`),
  warn: (m) => console.log(`    [warn] ${m}`),
  error: (m) => console.log(`    [error] ${String(m)}`),
};
