import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

// The compiled CLI as a user runs it. Export without a KB needs no model; fine-tuning needs the built USE-lite
// model and a tiny KB written here.
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'out/src/cli/main.js');
const modelBuilt = fs.existsSync(path.join(root, 'models/use-lite/model.onnx'));
const noModel = modelBuilt ? false : 'the USE-lite model is not built (run `npm run build:model`)';

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function prodigyGold(dir: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) {
    const river = i % 2 === 0;
    const text = river ? `Doc ${i}: we walked along the bank of the river and sat down.` : `Doc ${i}: she paid the money into the bank account yesterday.`;
    const start = text.indexOf('bank');
    lines.push(JSON.stringify({ text, spans: [{ start, end: start + 4, label: 'ENT' }], accept: [river ? 'B1' : 'B2'], answer: 'accept' }));
  }
  lines.push(JSON.stringify({ text: 'A rejected bank.', spans: [{ start: 11, end: 15, label: 'ENT' }], accept: ['B1'], answer: 'reject' }));
  const file = path.join(dir, 'gold.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

void test('export: every format, a seeded dev split, the summary as JSON; usage errors exit 1', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-export-cli-'));
  try {
    const gold = prodigyGold(dir);
    const r = run(['export', '--gold', gold, '--to', 'blink', '--out', path.join(dir, 't.jsonl'), '--dev-out', path.join(dir, 'd.jsonl'), '--seed', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { documents: { train: number; dev: number }; mentions: { total: number }; skipped: Record<string, number> };
    assert.equal(summary.documents.train + summary.documents.dev, 12);
    assert.ok(summary.documents.dev >= 1);
    assert.equal(summary.mentions.total, 12);
    assert.deepEqual(Object.values(summary.skipped), [1], 'the rejected answer is counted, not exported');
    for (const to of ['nif', 'brat']) {
      const out = path.join(dir, `out-${to}`);
      const e = run(['export', '--gold', gold, '--to', to, '--out', out]);
      assert.equal(e.code, 0, e.stderr);
      assert.match(e.stdout, /exported 12 documents/);
    }
    const back = run(['export', '--gold', path.join(dir, 't.jsonl'), '--to', 'nif', '--out', path.join(dir, 'again.ttl'), '--json']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((JSON.parse(back.stdout) as { documents: { train: number } }).documents.train, summary.documents.train);
    assert.equal(run(['export', '--gold', gold, '--to', 'csv', '--out', path.join(dir, 'x')]).code, 1);
    assert.equal(run(['export', '--gold', gold]).code, 1);
    assert.equal(run(['finetune', '--train', gold]).code, 1);
    assert.equal(run(['finetune', '--help']).code, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('export and finetune check the dev share, the seed and the training sizes before reading any input, with the rules the editor uses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-export-flags-'));
  try {
    const gold = prodigyGold(dir);
    const out = ['--to', 'blink', '--out', path.join(dir, 't.jsonl')];
    const dev = ['--dev-out', path.join(dir, 'd.jsonl')];
    const cases: [string[], RegExp][] = [
      [['export', '--gold', gold, ...out, ...dev, '--dev-fraction', '5'], /--dev-fraction '5': the dev share is a number from 0 \(no dev split\) up to, not including, 1/],
      [['export', '--gold', gold, ...out, ...dev, '--dev-fraction', ''], /--dev-fraction was given an empty value/],
      [['export', '--gold', gold, ...out, ...dev, '--seed=-1'], /--seed '-1': a seed is a whole number from 0 to 4294967295/],
      [['export', '--gold', gold, ...out, ...dev, '--seed', '1.5'], /--seed '1.5': a seed is a whole number/],
      [['export', '--gold', gold, ...out, ...dev, '--seed', '1e300'], /--seed '1e300': a seed is a whole number/],
      [['export', '--gold', gold, ...out, '--dev-fraction', '0.3'], /--dev-fraction and --seed split off a dev set, which needs --dev-out PATH/],
      [['export', '--gold', gold, ...out, '--hard-negatives', '1e12'], /--hard-negatives '1e12': negatives per mention are a whole number from 0 to 1000/],
      [['export', '--gold', gold, ...out, '--hard-negatives', '2.5'], /--hard-negatives '2.5'/],
      // A missing gold file is not reached: the flags fail first.
      [['export', '--gold', path.join(dir, 'missing.jsonl'), ...out, ...dev, '--seed', 'x'], /--seed 'x'/],
      [['finetune', '--train', path.join(dir, 'missing.jsonl'), '--out', path.join(dir, 'm'), '--epochs', '1e9'], /--epochs 1e9 is more than 1,000, the most it takes/],
      [['finetune', '--train', path.join(dir, 'missing.jsonl'), '--out', path.join(dir, 'm'), '--num-negatives', '99999999'], /--num-negatives 99999999 is more than 10,000/],
      [['finetune', '--train', path.join(dir, 'missing.jsonl'), '--out', path.join(dir, 'm'), '--dev-fraction', '1'], /--dev-fraction '1': the dev share/],
      [['finetune', '--train', path.join(dir, 'missing.jsonl'), '--out', path.join(dir, 'm'), '--seed', '4294967296'], /--seed '4294967296': a seed/],
      [['finetune', '--train', path.join(dir, 'missing.jsonl'), '--out', path.join(dir, 'm'), '--lr', '1e300'], /--lr '1e300': the learning rate is a number above 0 and at most 1/],
      [['finetune', '--train', gold, '--dev', gold, '--dev-fraction', '0.3', '--out', path.join(dir, 'm')], /--dev already names the dev set/],
      // --out is checked before training: the gold file itself (even with --overwrite) would have been replaced by a folder.
      [['finetune', '--train', gold, '--out', gold, '--overwrite'], /already exists and is not a folder \(a file\)/],
      [['finetune', '--train', gold, '--out', dir], /already exists\./],
      [['finetune', '--train', gold, '--out', dir, '--overwrite'], /is not a fine-tuned model folder/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.deepEqual(fs.readdirSync(dir), ['gold.jsonl'], 'nothing written');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('finetune writes a model folder that link and eval load; an existing folder is not replaced', { skip: noModel }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-finetune-cli-'));
  try {
    const gold = prodigyGold(dir);
    const kb = path.join(dir, 'kb.csv');
    fs.writeFileSync(kb, 'id,name,description\nB1,bank,sloping land beside a body of water such as a river\nB2,bank,a financial institution that accepts deposits of money\nB3,bench,a long seat\n');
    const out = path.join(dir, 'model');
    const cache = path.join(dir, 'cache');
    const args = ['finetune', '--train', gold, '--kb', `csv:${kb}`, '--cache', cache, '--num-negatives', '2', '--epochs', '2', '--out', out, '--index', 'exact'];
    const r = run([...args, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { modelId: string; metrics: { before: { mentions: number } }; index: { size: number } };
    assert.equal(summary.index.size, 3);
    assert.ok(summary.metrics.before.mentions > 0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { kind: string; modelId: string };
    assert.equal(manifest.kind, 'finetuned');
    assert.equal(manifest.modelId, summary.modelId);
    const again = run(args);
    assert.equal(again.code, 1, 'an existing output folder needs --overwrite');
    const e = run(['eval', '--gold', gold, '--kb', `csv:${kb}`, '--cache', cache, '--model', out, '--index', 'exact', '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal((JSON.parse(e.stdout) as { metrics: { mentions: number } }).metrics.mentions, 12);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('export --duplicates is read and checked even when no negatives are mined, and a warning says it is not used there', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-export-dups-'));
  try {
    const gold = prodigyGold(dir);
    const out = path.join(dir, 'out.ttl');
    // A missing duplicates file was silently ignored without --kb (nothing said the flag had no effect).
    const missing = run(['export', '--gold', gold, '--to', 'nif', '--out', out, '--duplicates', path.join(dir, 'nope.txt')]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /nope\.txt: The duplicates file does not exist/);
    assert.equal(fs.existsSync(out), false, 'nothing written');
    fs.writeFileSync(path.join(dir, 'dups.txt'), 'B1 B2\n');
    const unused = run(['export', '--gold', gold, '--to', 'nif', '--out', out, '--duplicates', path.join(dir, 'dups.txt')]);
    assert.equal(unused.code, 0, unused.stderr);
    assert.match(unused.stderr, /warning: --duplicates keeps declared duplicates out of mined hard negatives, and this export mines none/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
