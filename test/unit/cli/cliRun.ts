import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../fixtures/repoPaths';

/** The compiled CLI as a user runs it (after `npm run compile`). */
export const cliPath = path.join(repoRoot, 'out/src/cli/main.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the command had to be killed (a hang). */
  readonly timedOut: boolean;
}

/** Runs `entity-linker ARGS` in `cwd`; a command still running after `timeoutMs` is killed and reported. */
export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, cwd: options.cwd, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' };
}

/** A fresh temp folder and its cleanup. */
export function scratch(prefix = 'el-cli-'): { dir: string; at: (...p: string[]) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, at: (...p) => path.join(dir, ...p), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A small Prodigy gold file (two accepted documents) at `file`. */
export function writeProdigyGold(file: string, ids: readonly string[] = ['Q1', 'Q2']): string {
  const lines = ids.map((id, i) => JSON.stringify({ text: `Doc ${i}: Paris is big.`, spans: [{ start: 7, end: 12, label: 'ENT' }], accept: [id], answer: 'accept' }));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** No stderr line is a stack trace or an "internal error". */
export function noStack(stderr: string): boolean {
  return !/internal error|\n\s+at /.test(stderr);
}
