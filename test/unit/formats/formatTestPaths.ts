import * as path from 'node:path';
import { repoRoot } from '../../fixtures/repoPaths';

export { repoRoot, sharedData, sharedMissing, tempTree } from '../../fixtures/repoPaths';

export function formatFixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', 'formats', ...parts);
}
