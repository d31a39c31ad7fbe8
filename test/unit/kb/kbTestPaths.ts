import * as path from 'node:path';
import type { Entity } from '../../../src/core/kb/entity';
import { repoRoot, sharedData, tempTree } from '../../fixtures/repoPaths';

export { repoRoot, sharedData };
export { sharedMissing } from '../../fixtures/repoPaths';

export function fixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', 'kb', ...parts);
}

/** A temp folder with the given files, removed by the returned cleanup. */
export function tempFiles(files: Record<string, string>): ReturnType<typeof tempTree> {
  return tempTree(files, 'kbtest-');
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
