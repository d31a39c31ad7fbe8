import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

// `entity-linker simulate` run as a user would: help, usage errors, and a session on a three-entity KB with the
// built USE-lite model (npm run build:model).
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'out/src/cli/main.js');
const noModel = fs.existsSync(path.join(root, 'models/use-lite/model.onnx')) ? false : 'the USE-lite model is not built (run `npm run build:model`)';

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

void test('simulate --help exits 0 and is listed; usage errors exit 1', () => {
  const help = run(['simulate', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: entity-linker simulate --gold PATH/);
  assert.match(run(['--help']).stdout, /simulate\s+estimate annotation effort/);
  const noGold = run(['simulate']);
  assert.equal(noGold.code, 1);
  assert.match(noGold.stderr, /simulate needs --gold PATH/);
  const badOrder = run(['simulate', '--gold', 'x.jsonl', '--order', 'random']);
  assert.equal(badOrder.code, 1);
  assert.match(badOrder.stderr, /--order must be one of document, uncertainty/);
  assert.equal(run(['simulate', '--gold', 'x.jsonl', '--retrain-every', '0']).code, 1);
  assert.equal(run(['simulate', '--gold', 'x.jsonl', '--accept-above', '2']).code, 1);
  const badLinkSelection = run(['simulate', '--gold', 'x.jsonl', '--link-selection-accept-above', '1.5']);
  assert.equal(badLinkSelection.code, 1);
  assert.match(badLinkSelection.stderr, /--link-selection-accept-above needs a number from 0 to 1/);
  assert.match(help.stdout, /--link-selection-accept-above P/);
});

void test('simulate --json counts the keys of a session with and without learning', { skip: noModel }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-simulate-'));
  const kb = path.join(dir, 'kb.jsonl');
  fs.writeFileSync(kb, [
    { id: 'Q90', title: 'Paris', text: 'capital and largest city of France' },
    { id: 'Q84', title: 'London', text: 'capital city of England and the United Kingdom' },
    { id: 'Q1761', title: 'Dublin', text: 'capital city of Ireland' },
  ].map((e) => JSON.stringify(e)).join('\n'));
  const text = 'She moved from London to Paris, then to Dublin.';
  const label = (id: number, surface: string, qid: string) => ({ id, span: [text.indexOf(surface), text.indexOf(surface) + surface.length], entity_id: qid, name: surface });
  const gold = path.join(dir, 'gold.benchmark.jsonl');
  fs.writeFileSync(gold, `${JSON.stringify({ id: 0, text, labels: [label(0, 'London', 'Q84'), label(1, 'Paris', 'Q90'), label(2, 'Dublin', 'Q1761')] })}\n`);
  const r = run(['simulate', '--gold', gold, '--kb', `jsonl:${kb}`, '--cache', path.join(dir, 'cache'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { gold: number; keystrokes: number; keystrokesPerMention: number; accuracyByBlock: number[]; withoutLearning: { keystrokes: number; keystrokesPerMention: number; accuracyByBlock: number[] } };
  assert.equal(out.gold, 3);
  // Every name is detected and linked right: one key to reach the document, Accept Remaining on the first.
  assert.equal(out.keystrokes, 2);
  assert.equal(out.keystrokesPerMention, 2 / 3);
  assert.deepEqual(out.accuracyByBlock, [1]);
  assert.equal(out.withoutLearning.keystrokes, 2);
  // Without Accept Remaining: one Accept each.
  const each = run(['simulate', '--gold', gold, '--kb', `jsonl:${kb}`, '--cache', path.join(dir, 'cache'), '--json', '--no-accept-remaining']);
  assert.equal(each.code, 0, each.stderr);
  assert.equal((JSON.parse(each.stdout) as { keystrokes: number }).keystrokes, 4);
  // The manual flow: Next Unresolved before each Accept.
  const textOut = run(['simulate', '--gold', gold, '--kb', `jsonl:${kb}`, '--cache', path.join(dir, 'cache'), '--flow', 'manual', '--no-accept-remaining']);
  assert.equal(textOut.code, 0, textOut.stderr);
  assert.match(textOut.stdout, /per in-KB gold mention\s+2\.00\s+2\.00/);
});

void test('simulate reaches a missed lower-case name with Possible Name in fewer presses than --no-possible-names (Possible Mention only)', { skip: noModel }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-simulate-names-'));
  const kb = path.join(dir, 'kb.jsonl');
  fs.writeFileSync(kb, [
    { id: 'Q90', title: 'Paris', text: 'capital and largest city of France' },
    { id: 'Q728937', title: 'Railway', text: 'track on which trains run' },
  ].map((e) => JSON.stringify(e)).join('\n'));
  const text = 'Paris built the first long railway of the old country.';
  const label = (id: number, surface: string, qid: string) => ({ id, span: [text.indexOf(surface), text.indexOf(surface) + surface.length], entity_id: qid, name: surface });
  const gold = path.join(dir, 'gold.benchmark.jsonl');
  fs.writeFileSync(gold, `${JSON.stringify({ id: 0, text, labels: [label(0, 'Paris', 'Q90'), label(1, 'railway', 'Q728937')] })}\n`);
  const keys = (...flags: string[]): number => {
    const r = run(['simulate', '--gold', gold, '--kb', `jsonl:${kb}`, '--cache', path.join(dir, 'cache'), '--json', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { keystrokes: number }).keystrokes;
  };
  // From Paris, Next Possible Mention stops at the content words before "railway" (3 presses); Next Possible Name
  // only where a KB name is, or a word modifying one (1).
  assert.equal(keys('--no-possible-names') - keys(), 2);
});
