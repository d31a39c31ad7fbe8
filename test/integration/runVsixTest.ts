import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runCodeServerCli } from './harness/codeServer';
import { countsWhenPrerequisitesMissing, runSuite } from './harness/runSuite';
import { formatCounts } from './harness/testResults';

/** Where `npm run package` writes the extension package. */
export const VSIX_PATH = path.join(REPO_ROOT, 'entity-linker-linux-x64.vsix');

/**
 * `npm run test:vsix`: installs the packaged .vsix into a fresh extensions folder with code-server's own
 * `--install-extension` and runs the smoke suite against that installed copy (no development path), so a
 * file missing from the package (a native module, the model) fails here rather than for a user.
 */
async function main(): Promise<void> {
  const missing = countsWhenPrerequisitesMissing();
  if (missing !== undefined) {
    console.log(formatCounts(missing));
    process.exitCode = missing.failed > 0 ? 1 : 0;
    return;
  }
  if (!fs.existsSync(VSIX_PATH)) {
    console.error(`${VSIX_PATH} does not exist: run \`npm run package\` first.`);
    console.log(formatCounts({ passed: 0, failed: 1, skipped: 0 }));
    process.exitCode = 1;
    return;
  }
  const base = path.join(REPO_ROOT, '.test-artifacts', 'vsix');
  const extensionsDir = path.join(base, 'extensions');
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const sizeMb = fs.statSync(VSIX_PATH).size / 1024 / 1024;
  console.log(`Installing ${path.basename(VSIX_PATH)} (${sizeMb.toFixed(1)} MB) into ${extensionsDir}`);
  try {
    const output = await runCodeServerCli(['--install-extension', VSIX_PATH, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', path.join(base, 'install-user-data')]);
    console.log(output.trim());
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    console.log(formatCounts({ passed: 0, failed: 1, skipped: 0 }));
    process.exitCode = 1;
    return;
  }
  const counts = await runSuite({
    artifactsDir: path.join(base, 'run'),
    extensionsDir,
    env: { ENTITY_LINKER_EXPECT_INSTALLED_IN: extensionsDir },
  });
  console.log(formatCounts(counts));
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

void main();
