import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

// Runs the compiled CLI as a user would and checks exit codes and output shapes. The linking tests need the
// built USE-lite model (npm run build:model; the test command builds it first).
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'out/src/cli/main.js');
const modelBuilt = fs.existsSync(path.join(root, 'models/use-lite/model.onnx'));
const noModel = modelBuilt ? false : 'the USE-lite model is not built (run `npm run build:model`)';

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'el-cli-'));
}

test('no command prints usage and exits 1; --help exits 0', () => {
  const none = run([]);
  assert.equal(none.code, 1);
  assert.match(none.stdout, /Usage: entity-linker <command>/);
  assert.equal(run(['--help']).code, 0);
  for (const cmd of ['link', 'index', 'eval', 'export', 'finetune', 'compare']) {
    const r = run([cmd, '--help']);
    assert.equal(r.code, 0, `${cmd} --help`);
    assert.match(r.stdout, new RegExp(`Usage: entity-linker ${cmd}`));
  }
});

test('usage errors exit 1 and say what is wrong', () => {
  const unknown = run(['frobnicate']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const badOption = run(['link', 'x.txt', '--no-such-option']);
  assert.equal(badOption.code, 1);
  assert.match(badOption.stderr, /no-such-option/);
  const badTopK = run(['link', 'x.txt', '--top-k', 'many']);
  assert.equal(badTopK.code, 1);
  assert.match(badTopK.stderr, /--top-k needs a positive integer/);
  assert.equal(run(['eval']).code, 1);
});

test('input errors exit 2 and name the file', () => {
  const dir = tempDir();
  const missing = path.join(dir, 'missing.txt');
  const r = run(['link', missing, '--kb', `jsonl:${path.join(dir, 'kb.jsonl')}`]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(missing), r.stderr);
});

test('a malformed KB line is reported with file and line (exit 2), and --lenient skips it', { skip: noModel }, () => {
  const dir = tempDir();
  const kb = path.join(dir, 'kb.jsonl');
  fs.writeFileSync(kb, ['{"id":"Q90","title":"Paris","text":"capital city of France"}', '{"id":"Q2", "title": ', '{"id":"Q84","title":"London","text":"capital city of England"}'].join('\n'));
  const doc = path.join(dir, 'doc.txt');
  fs.writeFileSync(doc, 'She moved from London to Paris.');
  const strict = run(['link', doc, '--kb', `jsonl:${kb}`, '--cache', path.join(dir, 'cache')]);
  assert.equal(strict.code, 2);
  assert.ok(strict.stderr.includes(`${kb}:2`), strict.stderr);
  const lenient = run(['link', doc, '--kb', `jsonl:${kb}`, '--cache', path.join(dir, 'cache'), '--lenient', '--json']);
  assert.equal(lenient.code, 0, lenient.stderr);
  assert.ok(lenient.stderr.includes(`${kb}:2`), lenient.stderr);
  const out = JSON.parse(lenient.stdout) as { documents: { mentions: { text: string; candidates: { id: string }[] }[] }[] };
  assert.deepEqual(out.documents[0].mentions.map((m) => [m.text, m.candidates[0].id]), [['London', 'Q84'], ['Paris', 'Q90']]);
});

test('link --json prints documents with character offsets and ranked candidates', { skip: noModel }, () => {
  const dir = tempDir();
  const kb = path.join(dir, 'kb.jsonl');
  fs.writeFileSync(kb, [
    { id: 'Q90', title: 'Paris', text: 'capital and largest city of France', aliases: ['City of Light'] },
    { id: 'Q663094', title: 'Paris Hilton', text: 'American media personality and businesswoman' },
    { id: 'Q1761', title: 'Dublin', text: 'capital city of Ireland' },
  ].map((e) => JSON.stringify(e)).join('\n'));
  const doc = path.join(dir, 'doc.txt');
  const text = 'Paris Hilton flew from Dublin to the City of Light.';
  fs.writeFileSync(doc, text);
  const r = run(['link', doc, '--kb', kb, '--cache', path.join(dir, 'cache'), '--index', 'exact', '--json', '--top-k', '3']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { documents: { path: string; mentions: { start: number; end: number; text: string; nil: boolean; candidates: { id: string; title: string; score: number; probability: number }[]; hardNegatives: { id: string }[] }[] }[] };
  assert.equal(out.documents.length, 1);
  assert.equal(out.documents[0].path, doc);
  const mentions = out.documents[0].mentions;
  assert.deepEqual(mentions.map((m) => m.text), ['Paris Hilton', 'Dublin', 'City of Light']);
  for (const m of mentions) {
    assert.equal(text.slice(m.start, m.end), m.text);
    assert.ok(m.candidates.length >= 1 && m.candidates.length <= 3);
    const sum = m.candidates.reduce((s, c) => s + c.probability, 0);
    assert.ok(sum <= 1 + 1e-6);
    assert.ok(!m.hardNegatives.some((h) => h.id === m.candidates[0].id), 'a hard negative is never the chosen entity');
  }
  assert.deepEqual(mentions.map((m) => m.candidates[0].id), ['Q663094', 'Q1761', 'Q90']);
});

test('compare ranks the related description above the unrelated one', { skip: noModel }, () => {
  const r = run(['compare', 'Steve Jobs co-founded Apple', 'Apple Inc. is an American technology company', 'The apple is the edible fruit of the apple tree', '--json', '--provider', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { dims: number; provider: string; similarities: { cosine: number }[] };
  assert.equal(out.dims, 512);
  assert.equal(out.provider, 'cpu');
  assert.ok(out.similarities[0].cosine > out.similarities[1].cosine);
});

test('an unavailable explicit provider is an input error naming it', () => {
  const r = run(['compare', 'a', 'b', '--provider', 'coreml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /coreml/);
});
