import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../fixtures/repoPaths';
import { noStack, runCli, scratch, writeProdigyGold } from './cliRun';

// The command line driven with hostile or broken input: every case must end quickly with a clear message naming
// the file (exit 1 or 2), never hang, never print a stack, never let terminal control sequences through.
const modelBuilt = fs.existsSync(path.join(repoRoot, 'models/use-lite/model.onnx'));
const noModel = modelBuilt ? false : 'the USE-lite model is not built (run `npm run build:model`)';
const noFifo = process.platform === 'win32' ? 'no FIFOs on Windows' : false;
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const EVIL = 'Paris\u001b[2J\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007\r\u202Etxt.exe';

function kbFile(at: (...p: string[]) => string, evil = false): string {
  const file = at('kb.jsonl');
  fs.writeFileSync(file, [
    { id: evil ? `Q90${EVIL}` : 'Q90', title: evil ? EVIL : 'Paris', text: 'capital and largest city of France' },
    { id: 'Q64', title: 'Berlin', text: 'capital city of Germany' },
  ].map((e) => JSON.stringify(e)).join('\n'));
  return file;
}

void test('FIFOs given as a KB, a KB config, a config source, gold or a document are refused at once, naming them', { skip: noFifo }, () => {
  const s = scratch();
  try {
    const fifo = s.at('pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    const config = s.at('kb.json');
    fs.writeFileSync(config, JSON.stringify({ sources: [{ path: 'pipe.jsonl' }] }));
    const doc = s.at('doc.txt');
    fs.writeFileSync(doc, 'Paris.');
    const cases = [
      ['link', doc, '--kb', fifo, '--cache', s.at('c')],
      ['link', doc, '--kb', `jsonl:${fifo}`, '--cache', s.at('c')],
      ['link', doc, '--kb-config', fifo, '--cache', s.at('c')],
      ['link', doc, '--kb-config', config, '--cache', s.at('c')],
      ['link', fifo, '--kb', kbFile(s.at)],
      ['eval', '--gold', fifo, '--kb', kbFile(s.at)],
      ['eval', '--gold', fifo, '--gold-format', 'prodigy', '--kb', kbFile(s.at)],
      ['export', '--gold', fifo, '--to', 'nif', '--out', s.at('o.ttl')],
    ];
    for (const args of cases) {
      const r = runCli(args, { timeoutMs: 20_000 });
      assert.equal(r.timedOut, false, `hangs: ${args.join(' ')}`);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.includes(fifo) && /FIFO/.test(r.stderr), r.stderr);
      assert.ok(noStack(r.stderr), r.stderr);
    }
  } finally {
    s.cleanup();
  }
});

void test('OS errors are input errors with the path and what to do, never an internal error with a stack', () => {
  const s = scratch();
  try {
    const gold = writeProdigyGold(s.at('gold.jsonl'));
    const plain = s.at('plain.txt');
    fs.writeFileSync(plain, 'x');
    const cases: [string[], string][] = [
      [['link', s.at('doc.txt'), '--kb', 'zeshel:/dev/zero'], '/dev/zero'],
      [['export', '--gold', gold, '--to', 'nif', '--out', path.join(plain, 'out.ttl')], plain],
      [['export', '--gold', gold, '--to', 'brat', '--out', path.join(plain, 'sub')], plain],
      [['export', '--gold', s.dir, '--gold-format', 'prodigy', '--to', 'nif', '--out', s.at('x.ttl')], s.dir],
    ];
    fs.writeFileSync(s.at('doc.txt'), 'Paris.');
    fs.copyFileSync(path.join(repoRoot, 'test/fixtures/formats/wsd/tiny.data.xml'), s.at('alone.data.xml'));
    cases.push([['eval', '--gold', s.at('alone.data.xml'), '--kb', kbFile(s.at)], s.at('alone.gold.key.txt')]);
    for (const [args, named] of cases) {
      const r = runCli(args, { timeoutMs: 60_000 });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.includes(named), `${args.join(' ')} names ${named}: ${r.stderr}`);
      assert.ok(noStack(r.stderr), r.stderr);
    }
  } finally {
    s.cleanup();
  }
});

void test('a document that is binary or not UTF-8 is refused with a message, never linked to "0 mentions"', () => {
  const s = scratch();
  try {
    const kb = kbFile(s.at);
    const binary = s.at('image.txt');
    fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const latin1 = s.at('latin1.txt');
    fs.writeFileSync(latin1, Buffer.from('Caf\xe9 in Paris.', 'latin1'));
    for (const file of [binary, latin1]) {
      const r = runCli(['link', file, '--kb', kb, '--cache', s.at('c')]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(file), r.stderr);
      assert.match(r.stderr, /binary|not valid UTF-8/);
    }
  } finally {
    s.cleanup();
  }
});

void test('a UTF-16 document (with BOM) is decoded and linked like its UTF-8 twin', { skip: noModel }, () => {
  const s = scratch();
  try {
    const kb = kbFile(s.at);
    const text = 'We flew from Paris to Berlin.';
    fs.writeFileSync(s.at('u8.txt'), text);
    fs.writeFileSync(s.at('u16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const links = (file: string) => {
      const r = runCli(['link', file, '--kb', kb, '--cache', s.at('c'), '--index', 'exact', '--json'], { timeoutMs: 180_000 });
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { documents: { mentions: { text: string; start: number }[] }[] }).documents[0].mentions.map((m) => [m.text, m.start]);
    };
    const u8 = links(s.at('u8.txt'));
    assert.ok(u8.length >= 2);
    assert.deepEqual(links(s.at('u16.txt')), u8);
  } finally {
    s.cleanup();
  }
});

void test('terminal escapes in KB text and paths are printed escaped: the link table, --json and error messages', { skip: noModel }, () => {
  const s = scratch();
  try {
    const kb = kbFile(s.at, true);
    const doc = s.at('doc.txt');
    fs.writeFileSync(doc, 'We flew from Paris to Berlin.');
    const table = runCli(['link', doc, '--kb', kb, '--cache', s.at('c'), '--index', 'exact'], { timeoutMs: 180_000 });
    assert.equal(table.code, 0, table.stderr);
    assert.ok(table.stdout.includes('Paris\\u001B[2J'), table.stdout);
    assert.doesNotMatch(table.stdout + table.stderr, RAW_CONTROL);
    const json = runCli(['link', doc, '--kb', kb, '--cache', s.at('c'), '--index', 'exact', '--json'], { timeoutMs: 180_000 });
    assert.equal(json.code, 0, json.stderr);
    assert.doesNotMatch(json.stdout, RAW_CONTROL, 'U+202E and C1 controls are escaped in JSON too');
    const parsed = JSON.parse(json.stdout) as { documents: { mentions: { candidates: { title: string }[] }[] }[] };
    assert.ok(parsed.documents[0].mentions.some((m) => m.candidates.some((c) => c.title === EVIL)), 'the JSON still carries the exact title');
  } finally {
    s.cleanup();
  }
});

void test('an error message quoting a hostile path prints it escaped', () => {
  const s = scratch();
  try {
    const evil = s.at(`x${EVIL.replace(/\//g, '_')}.txt`);
    const r = runCli(['link', evil, '--kb', kbFile(s.at)]);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, RAW_CONTROL);
    assert.match(r.stderr, /\\u202E/);
  } finally {
    s.cleanup();
  }
});

void test('a lone surrogate in a document is refused by the NIF and brat writers, naming the source line', () => {
  const s = scratch();
  try {
    const gold = s.at('gold.jsonl');
    // A JSON source can hold a cut surrogate pair; the mention after it must not shift.
    fs.writeFileSync(gold, `{"text": "I \\ud83d like Paris.", "spans": [{"start": 10, "end": 15, "label": "E"}], "accept": ["Q90"], "answer": "accept"}\n`);
    for (const to of ['nif', 'brat']) {
      const r = runCli(['export', '--gold', gold, '--to', to, '--out', s.at(`out-${to}`)]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(`${gold}:1`) && /lone surrogate/.test(r.stderr), r.stderr);
    }
    const blink = runCli(['export', '--gold', gold, '--to', 'blink', '--out', s.at('out.jsonl')]);
    assert.equal(blink.code, 0, blink.stderr);
    const back = runCli(['export', '--gold', s.at('out.jsonl'), '--to', 'blink', '--out', s.at('again.jsonl'), '--json']);
    assert.equal(back.code, 0, back.stderr);
  } finally {
    s.cleanup();
  }
});

void test('a corrupt store file is reported with its line and without claiming a backup that does not exist', async () => {
  const s = scratch();
  try {
    const ws = s.at('ws');
    fs.mkdirSync(path.join(ws, '.entity-links'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'Paris.');
    const store = path.join(ws, '.entity-links', 'notes.txt.jsonl');
    fs.writeFileSync(store, '{"kind":"header"\n');
    const r = runCli(['export', '--gold', ws, '--to', 'nif', '--out', s.at('o.ttl')]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${store}:1`), r.stderr);
    const backups = fs.readdirSync(path.dirname(store)).filter((n) => n.endsWith('.bak'));
    assert.equal(backups.length, 0);
    assert.doesNotMatch(r.stderr, /\.bak/);
  } finally {
    s.cleanup();
  }
});

void test('eval --skip-invalid skips gold mentions with out-of-range offsets and lists them', { skip: noModel }, () => {
  const s = scratch();
  try {
    const gold = s.at('gold.jsonl');
    fs.writeFileSync(gold, [
      { text: 'We flew to Paris.', spans: [{ start: 11, end: 16, label: 'E' }], accept: ['Q90'], answer: 'accept' },
      { text: 'Berlin.', spans: [{ start: 0, end: 60, label: 'E' }], accept: ['Q64'], answer: 'accept' },
    ].map((r) => JSON.stringify(r)).join('\n'));
    const strict = runCli(['eval', '--gold', gold, '--kb', kbFile(s.at), '--cache', s.at('c'), '--index', 'exact'], { timeoutMs: 180_000 });
    assert.equal(strict.code, 2, strict.stderr);
    assert.ok(strict.stderr.includes(`${gold}:2`), strict.stderr);
    const r = runCli(['eval', '--gold', gold, '--kb', kbFile(s.at), '--cache', s.at('c'), '--index', 'exact', '--skip-invalid', '--json'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { metrics: { mentions: number }; invalid: { source: { file: string; line: number }; problem: string }[] };
    assert.equal(report.metrics.mentions, 1);
    assert.deepEqual(report.invalid.map((i) => [i.source.file, i.source.line]), [[gold, 2]]);
  } finally {
    s.cleanup();
  }
});
