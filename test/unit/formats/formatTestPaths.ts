import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root, found from this file whether it runs from test/ (ts) or out/test/ (compiled). */
export const repoRoot = ((): string => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found above ' + __dirname);
    dir = up;
  }
  return dir;
})();

export function formatFixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', 'formats', ...parts);
}

/** ../shared/data beside the repository; tests that need it skip (visibly) when it is absent. */
export const sharedData = path.resolve(repoRoot, '..', 'shared', 'data');

export function sharedMissing(...parts: string[]): string | false {
  const p = path.join(sharedData, ...parts);
  return existsSync(p) ? false : `shared data not found at ${p} (the reference data sits beside the repository)`;
}

/** A temp folder with the given files (names may contain sub-folders), removed by the returned cleanup. */
export function tempTree(files: Record<string, string>): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goldtest-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
