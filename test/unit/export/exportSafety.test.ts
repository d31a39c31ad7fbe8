import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AnnotationStore } from '../../../src/core/annotations/annotationStore';
import { importGold } from '../../../src/core/annotations/goldInterchange';
import { exportGold } from '../../../src/core/formats/export/exportGold';
import { readGold } from '../../../src/core/formats/goldFormat';
import { noStack, runCli, scratch, writeProdigyGold } from '../cli/cliRun';

// Export as a hostile or careless user drives it: outputs that are inputs, that clash, that are not regular
// files; store headers that point outside the workspace; ids that would forge brat lines.

/** A workspace with notes.txt annotated (accepted links) in .entity-links/. Returns the store file. */
async function workspace(dir: string): Promise<{ ws: string; storeFile: string }> {
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(ws);
  const gold = writeProdigyGold(path.join(dir, 'seed.jsonl'), ['Q90']);
  const docs = await readGold(gold, 'prodigy');
  const store = new AnnotationStore({ workspaceRoot: ws, annotator: 't', now: () => new Date(0), newId: () => 'x' });
  await importGold(store, docs, 'prodigy', { pathFor: () => 'notes.txt' });
  return { ws, storeFile: path.join(ws, '.entity-links', 'notes.txt.jsonl') };
}

void test('export refuses an --out that is one of its inputs (the store file, the gold file), leaving it intact', async () => {
  const s = scratch();
  try {
    const { ws, storeFile } = await workspace(s.dir);
    const before = fs.readFileSync(storeFile, 'utf8');
    const r = runCli(['export', '--gold', ws, '--to', 'blink', '--out', storeFile]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /annotation store|inputs/);
    assert.equal(fs.readFileSync(storeFile, 'utf8'), before, 'the store file is untouched');

    const gold = writeProdigyGold(s.at('gold.jsonl'));
    const goldBefore = fs.readFileSync(gold, 'utf8');
    // Through a different spelling of the same path: a symlinked folder.
    fs.symlinkSync(s.dir, s.at('alias'));
    const g = runCli(['export', '--gold', gold, '--to', 'nif', '--out', s.at('alias', 'gold.jsonl'), '--force']);
    assert.equal(g.code, 1, g.stderr);
    assert.match(g.stderr, /one of the export's inputs/);
    assert.equal(fs.readFileSync(gold, 'utf8'), goldBefore);
  } finally {
    s.cleanup();
  }
});

void test('export replaces its own earlier output, but nothing else without --force', () => {
  const s = scratch();
  try {
    const gold = writeProdigyGold(s.at('gold.jsonl'));
    for (const [to, name] of [['nif', 'out.ttl'], ['blink', 'out.jsonl']] as const) {
      const out = s.at(name);
      assert.equal(runCli(['export', '--gold', gold, '--to', to, '--out', out]).code, 0);
      const again = runCli(['export', '--gold', gold, '--to', to, '--out', out]);
      assert.equal(again.code, 0, `a previous ${to} export is replaced: ${again.stderr}`);
      const foreign = s.at(`notes-${name}`);
      fs.writeFileSync(foreign, 'my precious notes\n');
      const refused = runCli(['export', '--gold', gold, '--to', to, '--out', foreign]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /not a previous .* export.*--force/s);
      assert.equal(fs.readFileSync(foreign, 'utf8'), 'my precious notes\n');
      assert.equal(runCli(['export', '--gold', gold, '--to', to, '--out', foreign, '--force']).code, 0);
    }
    const folder = s.at('mine');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'thesis.txt'), 'chapter one');
    const brat = runCli(['export', '--gold', gold, '--to', 'brat', '--out', folder]);
    assert.equal(brat.code, 1, brat.stderr);
    assert.equal(fs.readdirSync(folder).length, 1);
    const help = runCli(['export', '--help']);
    assert.match(help.stdout, /--force/);
    assert.match(help.stdout, /# entity-linker export \(NIF 2\.0\)/);
  } finally {
    s.cleanup();
  }
});

void test('export refuses --out and --dev-out naming the same file', () => {
  const s = scratch();
  try {
    const gold = writeProdigyGold(s.at('gold.jsonl'), ['Q1', 'Q2', 'Q3', 'Q4', 'Q5']);
    const r = runCli(['export', '--gold', gold, '--to', 'blink', '--out', s.at('x.jsonl'), '--dev-out', s.at('.', 'x.jsonl')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--out and --dev-out/);
    assert.equal(fs.existsSync(s.at('x.jsonl')), false);
  } finally {
    s.cleanup();
  }
});

void test('export writes only regular files: a symlink, a FIFO or a folder as --out is an error naming it', () => {
  const s = scratch();
  try {
    const gold = writeProdigyGold(s.at('gold.jsonl'));
    const victim = s.at('victim.txt');
    fs.writeFileSync(victim, 'keep');
    fs.symlinkSync(victim, s.at('link.ttl'));
    const link = runCli(['export', '--gold', gold, '--to', 'nif', '--out', s.at('link.ttl')]);
    assert.equal(link.code, 2, link.stderr);
    assert.ok(link.stderr.includes(s.at('link.ttl')) && /symbolic link/.test(link.stderr), link.stderr);
    assert.ok(fs.lstatSync(s.at('link.ttl')).isSymbolicLink(), 'the link is still a link');
    assert.equal(fs.readFileSync(victim, 'utf8'), 'keep');

    fs.mkdirSync(s.at('dir.ttl'));
    const dir = runCli(['export', '--gold', gold, '--to', 'nif', '--out', s.at('dir.ttl')]);
    assert.equal(dir.code, 2, dir.stderr);
    assert.ok(noStack(dir.stderr), dir.stderr);

    if (process.platform !== 'win32') {
      const fifo = s.at('pipe.ttl');
      execFileSync('mkfifo', [fifo]);
      const r = runCli(['export', '--gold', gold, '--to', 'nif', '--out', fifo], { timeoutMs: 20_000 });
      assert.equal(r.timedOut, false);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /FIFO/);
      assert.ok(fs.lstatSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
    }
  } finally {
    s.cleanup();
  }
});

void test('a store header naming a document outside the workspace is refused with file and line; nothing leaks', async () => {
  const s = scratch();
  try {
    const { ws, storeFile } = await workspace(s.dir);
    fs.mkdirSync(s.at('secret'));
    fs.writeFileSync(s.at('secret', 'creds.txt'), 'Doc 0: Paris is big. password=hunter2');
    const lines = fs.readFileSync(storeFile, 'utf8').split('\n');
    for (const document of ['../secret/creds.txt', s.at('secret', 'creds.txt')]) {
      const header = JSON.parse(lines[0]) as Record<string, unknown>;
      fs.writeFileSync(storeFile, [JSON.stringify({ ...header, document }), ...lines.slice(1)].join('\n'));
      const out = s.at('leak.ttl');
      const r = runCli(['export', '--gold', ws, '--to', 'nif', '--out', out]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(`${storeFile}:1`), r.stderr);
      assert.ok(!fs.existsSync(out) || !fs.readFileSync(out, 'utf8').includes('hunter2'), 'the secret is not exported');
    }
    // A symlink inside the workspace pointing out of it is refused too.
    fs.symlinkSync(s.at('secret', 'creds.txt'), path.join(ws, 'link.txt'));
    const header = JSON.parse(lines[0]) as Record<string, unknown>;
    fs.writeFileSync(storeFile, [JSON.stringify({ ...header, document: 'link.txt' }), ...lines.slice(1)].join('\n'));
    const viaLink = runCli(['export', '--gold', ws, '--to', 'nif', '--out', s.at('leak2.ttl')]);
    assert.equal(viaLink.code, 2, viaLink.stderr);
    assert.match(viaLink.stderr, /outside the workspace/);
  } finally {
    s.cleanup();
  }
});

void test('brat export refuses ids that would forge lines; names with line breaks are flattened', () => {
  const s = scratch();
  try {
    const gold = s.at('gold.jsonl');
    const text = 'Doc: Paris is big.';
    fs.writeFileSync(gold, `${JSON.stringify({ text, spans: [{ start: 5, end: 10, label: 'ENT' }], accept: ['Q1\nT9\tEntity 0 3\tDoc'], answer: 'accept' })}\n`);
    const r = runCli(['export', '--gold', gold, '--to', 'brat', '--out', s.at('brat')]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${gold}:1`), r.stderr);
    const anns = fs.existsSync(s.at('brat')) ? fs.readdirSync(s.at('brat')).filter((n) => n.endsWith('.ann')) : [];
    for (const a of anns) assert.doesNotMatch(fs.readFileSync(s.at('brat', a), 'utf8'), /^T9/m);
    const db = runCli(['export', '--gold', writeProdigyGold(s.at('ok.jsonl')), '--to', 'brat', '--out', s.at('brat2'), '--brat-db', 'K B']);
    assert.equal(db.code, 2, db.stderr);
  } finally {
    s.cleanup();
  }
});

void test('a KB source named by --kb-config is an input too: export will not write over it', () => {
  const s = scratch();
  try {
    const gold = writeProdigyGold(s.at('gold.jsonl'));
    const kb = s.at('kb.jsonl');
    fs.writeFileSync(kb, '{"id":"Q1","title":"Paris"}\n');
    fs.writeFileSync(s.at('kb.json'), JSON.stringify({ sources: [{ path: 'kb.jsonl' }] }));
    const r = runCli(['export', '--gold', gold, '--to', 'blink', '--out', kb, '--kb-config', s.at('kb.json'), '--force']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /one of the export's inputs/);
    assert.equal(fs.readFileSync(kb, 'utf8'), '{"id":"Q1","title":"Paris"}\n');
  } finally {
    s.cleanup();
  }
});

void test('exportGold itself (the editor exports through it) refuses an input or a foreign file as output', async () => {
  const s = scratch();
  try {
    const { ws, storeFile } = await workspace(s.dir);
    const docs = await readGold(ws, 'annotations');
    const before = fs.readFileSync(storeFile, 'utf8');
    await assert.rejects(exportGold(docs, { format: 'blink', out: storeFile }), /annotation store|inputs/);
    await assert.rejects(exportGold(docs, { format: 'nif', out: path.join(ws, 'notes.txt') }), /one of the export's inputs/);
    fs.writeFileSync(s.at('mine.ttl'), 'notes');
    await assert.rejects(exportGold(docs, { format: 'nif', out: s.at('mine.ttl') }), /not a previous nif export/);
    assert.equal(fs.readFileSync(storeFile, 'utf8'), before);
    assert.equal(fs.readFileSync(s.at('mine.ttl'), 'utf8'), 'notes');
    await exportGold(docs, { format: 'nif', out: s.at('mine.ttl'), force: true });
  } finally {
    s.cleanup();
  }
});
