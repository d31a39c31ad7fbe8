import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { CHROMIUM_PATH } from './browser';
import { CODE_SERVER_LAUNCHER, REPO_ROOT } from './codeServer';
import { readCounts, RESULTS_FILE_ENV, type TestCounts } from './testResults';
import { TEST_HOOKS_ENV } from '../../../src/host/testHooks';

/** The `code` stand-in that runs tests in code-server (see vscodeCli.ts). */
export const CODE_SERVER_VSCODE = path.join(REPO_ROOT, 'test', 'integration', 'bin', 'code-server-vscode');

/** Compiled suite entry (mocha inside the extension host). */
export const SUITE_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'integration', 'suite', 'index');

/**
 * The integration tests need code-server and Chromium (installed by scripts/setup.sh). Without them a local run
 * is skipped with a visible reason; on CI (CI=true) it fails, since setup should have installed them.
 * Returns the counts to report instead of running, or undefined when everything is there.
 */
export function countsWhenPrerequisitesMissing(): TestCounts | undefined {
  if (process.env.ENTITY_LINKER_VSCODE === 'download') {
    return undefined;
  }
  const missing: string[] = [];
  if (!fs.existsSync(CODE_SERVER_LAUNCHER)) {
    missing.push(`code-server (${CODE_SERVER_LAUNCHER}; run bash scripts/installCodeServer.sh)`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) {
    missing.push(`Chromium (${CHROMIUM_PATH}; run apt-get install -y chromium as root)`);
  }
  if (missing.length === 0) {
    return undefined;
  }
  const onCi = process.env.CI === 'true';
  console.log(`${onCi ? 'FAILED' : 'SKIPPED'}: the VS Code integration tests need ${missing.join(' and ')}. bash scripts/setup.sh installs both.`);
  return onCi ? { passed: 0, failed: 1, skipped: 0 } : { passed: 0, failed: 0, skipped: 1 };
}

export interface SuiteRun {
  /** A fresh folder for this run's profile, extensions, workspace and results; emptied first. */
  readonly artifactsDir: string;
  /** The extension under development; undefined runs the suite against installed extensions only. */
  readonly extensionDevelopmentPath?: string;
  /** An extensions folder to use as is (e.g. with the .vsix installed); default: a fresh empty one. */
  readonly extensionsDir?: string;
  readonly env?: Record<string, string>;
}

/**
 * Runs the integration suite through @vscode/test-electron's runTests(). Here it starts our code-server
 * stand-in; with ENTITY_LINKER_VSCODE=download it lets test-electron download real VS Code instead (needs
 * internet). Returns the suite's counts; a run that never reported counts is one failure.
 */
export async function runSuite(run: SuiteRun): Promise<TestCounts> {
  fs.rmSync(run.artifactsDir, { recursive: true, force: true });
  const workspace = path.join(run.artifactsDir, 'workspace');
  const userDataDir = path.join(run.artifactsDir, 'user-data');
  const extensionsDir = run.extensionsDir ?? path.join(run.artifactsDir, 'extensions');
  for (const dir of [workspace, userDataDir, extensionsDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const resultsFile = path.join(run.artifactsDir, 'results.json');
  const useDownload = process.env.ENTITY_LINKER_VSCODE === 'download';
  try {
    await runTests({
      vscodeExecutablePath: useDownload ? undefined : CODE_SERVER_VSCODE,
      // test-electron requires a development path; without our extension, point it at the empty workspace.
      extensionDevelopmentPath: run.extensionDevelopmentPath ?? workspace,
      extensionTestsPath: SUITE_ENTRY,
      launchArgs: [workspace, `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`],
      // The extension returns its test hooks from activate() only when this is set (src/host/testHooks.ts).
      extensionTestsEnv: { ...run.env, [RESULTS_FILE_ENV]: resultsFile, [TEST_HOOKS_ENV]: '1' },
    });
  } catch (e) {
    // A failing suite exits non-zero, which runTests reports as an error; the counts below tell the story.
    console.error(`integration run: ${e instanceof Error ? e.message : String(e)}`);
  }
  return readCounts(resultsFile);
}
