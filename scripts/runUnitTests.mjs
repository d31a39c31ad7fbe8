// Runs every compiled unit test (out/test/unit/**/*.test.js) with node:test and ends with the counts line
// `N passed, N failed, N skipped` that scripts/testAll.mjs sums. Node 20's `node --test` takes no globs, so the
// files are listed here. Extra arguments (e.g. a folder such as out/test/unit/encoder) narrow the run.
//   node scripts/runUnitTests.mjs [dir-or-file ...]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const roots = process.argv.length > 2 ? process.argv.slice(2).map((p) => path.resolve(p)) : [path.join(root, 'out', 'test', 'unit')];

function findTests(target) {
  if (!fs.existsSync(target)) {
    return [];
  }
  if (fs.statSync(target).isFile()) {
    return [target];
  }
  return fs
    .readdirSync(target, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(target, name));
}

const files = [...new Set(roots.flatMap(findTests))].sort();
if (files.length === 0) {
  console.log(`No compiled unit tests under ${roots.map((r) => path.relative(root, r)).join(', ')} (run \`npm run compile\` first).`);
  console.log('0 passed, 0 failed, 0 skipped');
  process.exit(0);
}

// The spec report goes to the terminal; a TAP copy goes to a file whose summary gives exact counts.
const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'entity-linker-unit-')), 'report.tap');
const args = ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));

function summary(name) {
  const text = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  // Only the top-level summary (no indentation); nested subtest summaries do not exist in TAP's footer.
  const match = text.match(new RegExp(`^# ${name} (\\d+)$`, 'm'));
  return match ? Number(match[1]) : undefined;
}

const pass = summary('pass');
let failed = (summary('fail') ?? 0) + (summary('cancelled') ?? 0);
const skipped = (summary('skipped') ?? 0) + (summary('todo') ?? 0);
if (pass === undefined || (code !== 0 && failed === 0)) {
  // The runner died before writing its summary (or failed outside any test): never report that as a pass.
  console.log(`node --test exited with ${code} without a usable summary.`);
  failed = Math.max(failed, 1);
}
fs.rmSync(path.dirname(tapFile), { recursive: true, force: true });
console.log(`${files.length} test file(s)`);
console.log(`${pass ?? 0} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
