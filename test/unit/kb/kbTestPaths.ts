import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Entity } from '../../../src/core/kb/entity';

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

export function fixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', 'kb', ...parts);
}

/** ../shared/data beside the repository; tests that need it skip (visibly) when it is absent. */
export const sharedData = path.resolve(repoRoot, '..', 'shared', 'data');
export const sharedDataMissing: string | false = existsSync(sharedData) ? false : `shared data not found at ${sharedData} (the reference data sits beside the repository)`;

/** A temp folder with the given files, removed by the returned cleanup. */
export function tempFiles(files: Record<string, string>): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kbtest-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function collect(gen: AsyncIterable<Entity>): Promise<Entity[]> {
  const out: Entity[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

/** The entity without its source location, for comparisons. */
export function bare(e: Entity): Omit<Entity, 'source'> {
  const { source: _source, ...rest } = e;
  void _source;
  return rest;
}
