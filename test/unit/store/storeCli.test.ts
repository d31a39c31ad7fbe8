import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './pgTestServer';

// The CLI as a user runs it: index --store, then link --store, against the test server. Needs the built model.
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'out/src/cli/main.js');
const noModel = fs.existsSync(path.join(root, 'models/use-lite/model.onnx')) ? false : 'the USE-lite model is not built (run `npm run build:model`)';
const kbFile = path.join(root, 'test/fixtures/kb/entities.jsonl');

// Asynchronous: the PGlite server runs in this process and must keep answering while the CLI runs.
function run(args: string[], cache: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args, '--cache', cache], { env: { ...process.env, PGPASSWORD: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: TestServer;
let dir: string;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-store-cli-'));
  server = await startTestServer();
});
after(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

void test('store options: misuse is a usage error before anything loads, and a password never echoes', async () => {
  const alone = await run(['index', '--vector-type', 'halfvec'], dir);
  assert.equal(alone.code, 1);
  assert.match(alone.stderr, /--vector-type and --batch need --store/);
  const doc = path.join(dir, 'doc.txt');
  fs.writeFileSync(doc, 'Douglas Adams.');
  const wrong = await run(['link', doc, '--kb', `jsonl:${kbFile}`, '--store', 'mysql://linker:hunter2@db/kb'], dir);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /not a postgres:\/\/ URL/);
  assert.ok(!wrong.stderr.includes('hunter2'));
});

void test('index --store builds the store; link --store links from it (also without --kb: the store alone); a changed KB is refused with the rebuild command; eval without --kb asks for it', { skip: noModel }, async () => {
  const url = server.urlFor('cli');
  const built = await run(['index', '--kb', `jsonl:${kbFile}`, '--store', url, '--json'], dir);
  assert.equal(built.code, 0, built.stderr);
  const summary = JSON.parse(built.stdout) as { index: { kind: string; size: number }; store: { action: string; rowsWritten: number } };
  assert.equal(summary.index.kind, 'postgres');
  assert.deepEqual([summary.store.action, summary.store.rowsWritten], ['built', 3]);
  const doc = path.join(dir, 'doc.txt');
  fs.writeFileSync(doc, 'Douglas Adams wrote about the Universe.');
  const linked = await run(['link', doc, '--kb', `jsonl:${kbFile}`, '--store', url, '--json'], dir);
  assert.equal(linked.code, 0, linked.stderr);
  const ids = (JSON.parse(linked.stdout) as { documents: { mentions: { candidates: { id: string }[] }[] }[] }).documents[0].mentions.map((m) => m.candidates[0]?.id);
  assert.deepEqual(ids, ['Q42', 'Q1']);
  const changed = path.join(dir, 'changed.jsonl');
  fs.writeFileSync(changed, fs.readFileSync(kbFile, 'utf8').replace('English writer', 'British writer'));
  const refused = await run(['link', doc, '--kb', `jsonl:${changed}`, '--store', url], dir);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /the KB changed.*entity-linker index/s);
  // Without --kb: the store alone (no KB read), the same links; a command that needs the KB says to name it.
  const alone = await run(['link', doc, '--store', url, '--json'], dir);
  assert.equal(alone.code, 0, alone.stderr);
  assert.deepEqual((JSON.parse(alone.stdout) as { documents: { mentions: { candidates: { id: string }[] }[] }[] }).documents[0].mentions.map((m) => m.candidates[0]?.id), ['Q42', 'Q1']);
  const gold = path.join(dir, 'gold.jsonl');
  fs.writeFileSync(gold, `${JSON.stringify({ text: 'Douglas Adams wrote.', spans: [{ start: 0, end: 13, label: 'PERSON' }], accept: ['Q42'], answer: 'accept' })}\n`);
  const evalAlone = await run(['eval', '--gold', gold, '--gold-format', 'prodigy', '--store', url], dir);
  assert.notEqual(evalAlone.code, 0);
  assert.match(evalAlone.stderr, /needs the whole KB.*--kb/s);
});
