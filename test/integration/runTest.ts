import * as path from 'node:path';
import { REPO_ROOT } from './harness/codeServer';
import { countsWhenPrerequisitesMissing, runSuite } from './harness/runSuite';
import { formatCounts } from './harness/testResults';

/** `npm run test:integration`: the smoke suite against the checkout (dist/ must be built). */
async function main(): Promise<void> {
  const counts = countsWhenPrerequisitesMissing() ?? await runSuite({
    artifactsDir: path.join(REPO_ROOT, '.test-artifacts', 'integration'),
    extensionDevelopmentPath: REPO_ROOT,
  });
  console.log(formatCounts(counts));
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

void main();
