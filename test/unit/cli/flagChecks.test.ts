import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { noStack, runCli, scratch } from './cliRun';

void test('a stray word is refused by commands that take only options (agreement ws used to read the current folder instead)', () => {
  const s = scratch();
  try {
    for (const args of [['agreement', 'ws'], ['eval', '--gold', s.at('g.jsonl'), 'extra'], ['export', '--gold', s.at('g.jsonl'), '--to', 'nif', '--out', s.at('x.ttl'), 'extra.txt'], ['simulate', 'gold.jsonl'], ['finetune', '--train', s.at('g.jsonl'), '--out', s.at('m'), 'x'], ['index', 'kb.jsonl']]) {
      const r = runCli(args, { cwd: s.dir });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /unexpected argument '[^']+': this command takes only options/, args.join(' '));
      assert.ok(noStack(r.stderr));
    }
  } finally {
    s.cleanup();
  }
});

void test('flags are checked before any input is read: a bad --gold-id-map or --accept-above fails at once, naming the flag', () => {
  const s = scratch();
  try {
    const missing = s.at('missing.jsonl');
    for (const command of ['eval', 'simulate', 'export']) {
      const extra = command === 'export' ? ['--to', 'blink', '--out', s.at('o.jsonl')] : [];
      const r = runCli([command, '--gold', missing, ...extra, '--gold-id-map', 'bogus']);
      assert.equal(r.code, 1, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /--gold-id-map must be one of id, iri-suffix, title, sense-key, got 'bogus'/);
    }
    const ft = runCli(['finetune', '--train', missing, '--out', s.at('m'), '--gold-id-map', 'bogus']);
    assert.equal(ft.code, 1, ft.stderr);
    // --learn is checked before any input is read: a bad value, and exemplars (nothing trained) with a selection.
    const learn = runCli(['finetune', '--train', missing, '--out', s.at('m'), '--learn', 'heads']);
    assert.match(learn.stderr, /--learn must be one of all, exemplars, got 'heads'/, learn.stderr);
    const select = runCli(['finetune', '--train', missing, '--out', s.at('m'), '--learn', 'exemplars', '--select-on', 'recall']);
    assert.match(select.stderr, /--learn exemplars trains nothing/, select.stderr);
    for (const value of ['-1', 'NaN', '5']) {
      const r = runCli(['simulate', '--gold', missing, `--accept-above=${value}`]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /--accept-above needs a number from 0 to 1/, value);
    }
  } finally {
    s.cleanup();
  }
});

void test('empty gold is an input error naming the file, never "n/a" with exit 0 or an empty export', () => {
  const s = scratch();
  try {
    fs.writeFileSync(s.at('empty.jsonl'), '');
    fs.writeFileSync(s.at('blank.jsonl'), '\n\n');
    fs.writeFileSync(s.at('rejected.jsonl'), `${JSON.stringify({ text: 'x', spans: [], answer: 'reject' })}\n`);
    const empty = runCli(['eval', '--gold', s.at('empty.jsonl')]);
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /empty\.jsonl: the file is empty/);
    const blank = runCli(['export', '--gold', s.at('blank.jsonl'), '--gold-format', 'prodigy', '--to', 'nif', '--out', s.at('out.ttl')]);
    assert.equal(blank.code, 2, blank.stderr);
    assert.match(blank.stderr, /blank\.jsonl: no gold documents: the input is empty/);
    const rejected = runCli(['export', '--gold', s.at('rejected.jsonl'), '--to', 'nif', '--out', s.at('out.ttl')]);
    assert.equal(rejected.code, 2, rejected.stderr);
    assert.match(rejected.stderr, /no gold documents: every record was left out \(1 answer is "reject"\)/);
    assert.equal(fs.existsSync(s.at('out.ttl')), false, 'nothing written');
  } finally {
    s.cleanup();
  }
});

void test('an unknown or value-less option is named on top of a short error, not above fifty lines of usage', () => {
  const r = runCli(['eval', '--frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Unknown option '--frobnicate'/);
  assert.match(r.stderr, /Run 'entity-linker eval --help' for its options\./);
  assert.ok(r.stderr.split('\n').length < 6, r.stderr);
  const negative = runCli(['simulate', '--gold', 'g.jsonl', '--retrain-every', '-3']);
  assert.equal(negative.code, 1);
  assert.match(negative.stderr, /'--retrain-every=-XYZ'/);
});

void test('--cache naming a file is a usage error (it ran with a warning per cache file and no cache)', () => {
  const s = scratch();
  try {
    fs.writeFileSync(s.at('kb.jsonl'), `${JSON.stringify({ id: 'Q1', title: 'Paris', text: 'Capital of France.' })}\n`);
    fs.writeFileSync(s.at('doc.txt'), 'Paris.\n');
    fs.writeFileSync(s.at('cache'), 'not a folder');
    const r = runCli(['link', s.at('doc.txt'), '--kb', `jsonl:${s.at('kb.jsonl')}`, '--cache', s.at('cache')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--cache .*cache is a file, not a folder/);
    assert.equal(fs.readFileSync(s.at('cache'), 'utf8'), 'not a folder');
  } finally {
    s.cleanup();
  }
});

void test('an empty option value or argument (an unset shell variable) is a usage error, never the current folder', () => {
  const s = scratch();
  try {
    fs.writeFileSync(s.at('doc.txt'), 'Paris.\n');
    fs.writeFileSync(s.at('kb.jsonl'), '{"id":"Q90","title":"Paris"}\n');
    const cases = [
      ['link', 'doc.txt', '--kb', 'kb.jsonl', '--index', 'exact', '--cache', ''],
      ['link', 'doc.txt', '--model='],
      ['link', 'doc.txt', '--kb', 'jsonl:kb.jsonl', '--kb', ' '],
      ['link', ''],
      ['index', '--kb-config='],
      ['export', '--gold', 'g.jsonl', '--to', 'nif', '--out', ''],
      ['finetune', '--train', 'g.jsonl', '--out', ''],
      ['agreement', '--dir', ''],
    ];
    for (const args of cases) {
      const r = runCli(args, { cwd: s.dir });
      assert.equal(r.code, 1, `${JSON.stringify(args)}: ${r.stderr}`);
      assert.match(r.stderr, args.includes('') && args[1] === '' ? /an argument is an empty string/ : /--[a-z-]+ was given an empty value/, JSON.stringify(args));
      assert.ok(noStack(r.stderr));
    }
    assert.deepEqual(fs.readdirSync(s.dir).sort(), ['doc.txt', 'kb.jsonl'], 'nothing was written in the current folder');
  } finally {
    s.cleanup();
  }
});

void test('finetune --out inside an annotation store folder (.entity-links) is a usage error, before any input is read', () => {
  const s = scratch();
  try {
    fs.mkdirSync(s.at('docs', '.entity-links'), { recursive: true });
    for (const out of [s.at('docs', '.entity-links', 'model'), s.at('docs', '.entity-links'), s.at('docs', '.entity-links', '@ann', 'm'), 'docs/.entity-links/./m']) {
      const r = runCli(['finetune', '--train', s.at('missing.jsonl'), '--out', out], { cwd: s.dir });
      assert.equal(r.code, 1, `${out}: ${r.stderr}`);
      assert.match(r.stderr, /is inside an annotation store folder \(\.entity-links\)/, r.stderr);
      assert.match(r.stderr, /Choose an --out folder outside/, r.stderr);
      assert.ok(noStack(r.stderr));
    }
    assert.deepEqual(fs.readdirSync(s.at('docs', '.entity-links')), [], 'nothing was written in the store folder');
  } finally {
    s.cleanup();
  }
});
