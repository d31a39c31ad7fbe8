import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { type Label, teamWorkspace } from '../agreement/teamKit';
import { noStack, runCli } from './cliRun';

// The figures are those hand-computed in test/unit/agreement/agreementFigures.test.ts for the same labels.
const A: Label[] = [['Paris', 'Q1'], ['London', 'Q2'], ['Rome', 'NIL'], ['Oslo', 'rejected'], ['Madrid', 'rejected']];
const B: Label[] = [['Paris', 'Q1'], ['London', 'Q3'], ['Berlin', 'Q4'], ['Rome', 'rejected'], ['Madrid', 'rejected']];

test('agreement prints a per-document and overall table, and --json the same figures', () => {
  const ws = teamWorkspace();
  try {
    ws.write('@alice', 'alice', A);
    ws.write('@bob', 'bob', B);
    ws.write('@curated', 'curated', [['London', 'Q3']]);
    const table = runCli(['agreement', '--dir', ws.root]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    assert.match(lines[0], /^document\s+annotators\s+spans\s+span F1\s+span κ\s+span α\s+shared\s+agreed\s+entity κ\s+entity α\s+open$/);
    // doc.txt: 2 annotators, 6 span units, F1 2/3, span kappa 1/3, alpha 28/72; 2 shared, 1 agreed, kappa 1/3,
    // alpha 0.4; 3 disagreements (London, Rome, Berlin), London curated: 2 open.
    assert.match(lines[1], /^doc\.txt\s+2\s+6\s+0\.667\s+0\.333\s+0\.389\s+2\s+1\s+0\.333\s+0\.400\s+2$/);
    assert.match(lines[2], /^overall\s+2\s+6\s+0\.667/);
    assert.match(table.stdout, /alice - bob: span F1 0\.667, entity κ 0\.333 on 2 spans \(1 agreed\)/);
    const json = runCli(['agreement', '--dir', `${ws.root}/.entity-links`, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { documents: { document: string; uncurated: number; figures: { entities: { alpha: number } } }[]; overall: { annotators: string[] } };
    assert.equal(report.documents[0].document, 'doc.txt');
    assert.equal(report.documents[0].uncurated, 2);
    assert.ok(Math.abs(report.documents[0].figures.entities.alpha - 0.4) < 1e-12);
    assert.deepEqual(report.overall.annotators, ['alice', 'bob']);
    // --annotator keeps only the named ones: one annotator left, nothing to compare.
    const one = runCli(['agreement', '--dir', ws.root, '--annotator', 'alice']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /No document has labels from two annotators yet/);
  } finally {
    ws.cleanup();
  }
});

test('bad input: a corrupt label file is named with its line; a missing store and a bad name are clear errors', () => {
  const ws = teamWorkspace();
  try {
    const file = ws.write('@alice', 'alice', A);
    appendFileSync(file, '{"kind":"annotation", broken\n');
    const corrupt = runCli(['agreement', '--dir', ws.root]);
    assert.equal(corrupt.code, 2);
    assert.ok(corrupt.stderr.includes(`${file}:7`), corrupt.stderr);
    assert.match(corrupt.stderr, /not valid JSON/);
    assert.ok(noStack(corrupt.stderr));
    const missing = runCli(['agreement', '--dir', `${ws.root}/nowhere`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no \.entity-links folder here/);
    const badName = runCli(['agreement', '--dir', ws.root, '--annotator', '../x']);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /--annotator: the annotator name "\.\.\/x"/);
  } finally {
    ws.cleanup();
  }
});

test('hostile workspaces: an unknown --annotator names those with labels; labels that cannot be placed and non-files are warned about with file and line; a link loop ends', () => {
  const ws = teamWorkspace();
  try {
    ws.write('@alice', 'alice', A);
    const bob = ws.write('@bob', 'bob', A);
    const unknown = runCli(['agreement', '--dir', ws.root, '--annotator', 'zed']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /--annotator zed: no labels from this annotator .*Annotators with labels: alice, bob/s);
    assert.ok(noStack(unknown.stderr));
    writeFileSync(bob, readFileSync(bob, 'utf8').replace('"text":"Paris"', '"text":"Atlantis"'));
    symlinkSync(path.join(ws.root, '.entity-links'), path.join(ws.root, '.entity-links', '@bob', 'loop'));
    const r = runCli(['agreement', '--dir', ws.root, '--json'], { timeoutMs: 20_000 });
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`warning: ${bob}:2: "Atlantis" is left out`), r.stderr);
    assert.ok(JSON.parse(r.stdout).overall !== undefined, 'stdout stays clean JSON');
  } finally {
    ws.cleanup();
  }
});
