// `npm test`: every check the project has, in order, each run even when an earlier one failed. Ends with a
// per-stage summary and, as its last line, `N passed, N failed, N skipped`: test counts summed over the test
// runners, plus one failure for each other stage (typecheck, lint, build, ...) that failed.
//   node scripts/testAll.mjs [--skip=stage,stage]   (stages: see STAGES below)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const skip = new Set(
  process.argv
    .filter((a) => a.startsWith('--skip='))
    .flatMap((a) => a.slice('--skip='.length).split(','))
    .filter(Boolean),
);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const COUNTS_LINE = /^(\d+) passed, (\d+) failed, (\d+) skipped\s*$/;

/** `tests: true` stages print a counts line; the others pass or fail as a whole. */
const STAGES = [
  { name: 'typecheck', command: [npm, 'run', '--silent', 'typecheck'] },
  { name: 'lint', command: [npm, 'run', '--silent', 'lint'] },
  // A clean out/ so tests whose sources were deleted do not run from stale output.
  { name: 'compile', command: [npm, 'run', '--silent', 'compile'], before: () => fs.rmSync(path.join(root, 'out'), { recursive: true, force: true }) },
  { name: 'build', command: [npm, 'run', '--silent', 'build'] },
  { name: 'model', command: [npm, 'run', '--silent', 'build:model'], when: () => pkg.scripts?.['build:model'] !== undefined },
  { name: 'unit', command: [process.execPath, 'scripts/runUnitTests.mjs'], tests: true },
  // Kills a saving process 100 times and checks every acknowledged annotation survives (about 30 s).
  { name: 'reliability', command: [process.execPath, 'scripts/runUnitTests.mjs', 'out/test/reliability'], tests: true },
  { name: 'integration', command: [process.execPath, 'out/test/integration/runTest.js'], tests: true },
  { name: 'e2e', command: [process.execPath, 'scripts/runUnitTests.mjs', 'out/test/e2e'], tests: true },
  { name: 'package', command: [npm, 'run', '--silent', 'package'] },
  { name: 'vsix', command: [process.execPath, 'out/test/integration/runVsixTest.js'], tests: true },
];

function run(command) {
  return new Promise((resolve) => {
    let last = '';
    let counts;
    const scan = (chunk) => {
      const lines = (last + chunk.toString()).split('\n');
      last = lines.pop();
      for (const line of lines) {
        const m = line.match(COUNTS_LINE);
        if (m) {
          counts = { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) };
        }
      }
    };
    const child = spawn(command[0], command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      scan(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('error', (e) => {
      console.error(`could not start ${command.join(' ')}: ${e.message}`);
      resolve({ code: 1, counts });
    });
    child.on('close', (code, signal) => {
      scan('\n');
      resolve({ code: code ?? (signal ? 1 : 0), counts });
    });
  });
}

const results = [];
for (const stage of STAGES) {
  if (skip.has(stage.name) || (stage.when !== undefined && !stage.when())) {
    results.push({ name: stage.name, status: 'skipped', seconds: 0 });
    continue;
  }
  console.log(`\n=== ${stage.name}: ${stage.command.join(' ')}`);
  const started = Date.now();
  stage.before?.();
  const { code, counts } = await run(stage.command);
  const seconds = (Date.now() - started) / 1000;
  let tests;
  if (stage.tests) {
    tests = counts ?? { passed: 0, failed: 0, skipped: 0 };
    if (code !== 0 && tests.failed === 0) {
      // The runner failed without reporting a failing test (it crashed, or printed no counts).
      tests = { ...tests, failed: 1 };
    }
  }
  const ok = code === 0 && (tests === undefined || tests.failed === 0);
  results.push({ name: stage.name, status: ok ? 'ok' : 'FAILED', seconds, tests, code });
}

const total = { passed: 0, failed: 0, skipped: 0 };
console.log('\n=== summary');
for (const r of results) {
  const detail = r.tests ? `${r.tests.passed} passed, ${r.tests.failed} failed, ${r.tests.skipped} skipped` : r.status === 'FAILED' ? `exit ${r.code}` : '';
  console.log(`${r.name.padEnd(12)} ${r.status.padEnd(8)} ${r.seconds.toFixed(1).padStart(7)} s  ${detail}`);
  if (r.tests) {
    total.passed += r.tests.passed;
    total.failed += r.tests.failed;
    total.skipped += r.tests.skipped;
  } else if (r.status === 'FAILED') {
    total.failed += 1;
  }
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
