import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { formatCounts, HOST_OUTPUT_MARKER, RESULTS_FILE_ENV, type TestCounts } from '../harness/testResults';

/**
 * The entry VS Code calls inside the extension host (`--extensionTestsPath`): runs every *.test.js beside this
 * file with mocha's tdd interface, prints a spec report and the counts, and writes the counts to the file the
 * runner named, since the host's console is not always forwarded to the runner.
 */
export async function run(): Promise<void> {
  routeReportToStdout();
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  for (const file of findTests(__dirname)) {
    mocha.addFile(file);
  }
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => counts.passed++);
    runner.on('fail', () => counts.failed++);
    runner.on('pending', () => counts.skipped++);
  });
  Mocha.reporters.Base.consoleLog(`integration suite: ${formatCounts(counts)}`);
  const resultsFile = process.env[RESULTS_FILE_ENV];
  if (resultsFile !== undefined && resultsFile !== '') {
    fs.writeFileSync(resultsFile, JSON.stringify(counts));
  }
  if (counts.failed > 0) {
    throw new Error(`${counts.failed} integration test(s) failed.`);
  }
}

/**
 * In a remote extension host `console.log` goes to the workbench's log, mixed with the workbench's own lines,
 * while the host's stdout reaches code-server's output. So the report is written to stdout, each line marked,
 * and the runner forwards exactly the marked lines.
 */
function routeReportToStdout(): void {
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    const text = format(...args);
    process.stdout.write(text.split('\n').map((line) => `${HOST_OUTPUT_MARKER}${line}\n`).join(''));
  };
}

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    // ENTITY_LINKER_SUITE_FILTER=curation runs only the files whose name contains it (a quick local run);
    // several, comma-separated, run each file that contains any of them, in the usual order.
    .filter((name) => (process.env.ENTITY_LINKER_SUITE_FILTER ?? '').split(',').some((part) => name.includes(part.trim())))
    .sort()
    .map((name) => path.join(dir, name));
}
