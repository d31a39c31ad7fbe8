import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { annotatorOfStoreFile, checkAnnotatorName, annotatorFromUserName } from '../../../src/core/annotations/annotationPaths';
import { parseAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import { AnnotationStore } from '../../../src/core/annotations/annotationStore';
import { writeCuratedLabel } from '../../../src/core/agreement/curatedLabel';
import { readTeamStore } from '../../../src/core/agreement/teamStore';
import { readAnnotationFile } from '../../../src/core/formats/annotationReader';
import { LinkerError } from '../../../src/core/errors';
import { TEXT, spanOf, teamWorkspace } from './teamKit';
import { onlineStateFileFor, writeOnlineLearner } from '../../../src/core/training/onlineStateFile';
import { OnlineLearner } from '../../../src/core/learning/onlineLearner';

test('one file per annotator per document; the old shared file is one more label set', async () => {
  const ws = teamWorkspace();
  try {
    ws.write('@alice', 'alice', [['Paris', 'Q1'], ['London', 'Q2']]);
    ws.write('@bob', 'bob', [['Paris', 'Q1'], ['London', 'Q3']]);
    ws.write(undefined, 'carol', [['Paris', 'Q1']]);
    const store = await readTeamStore(ws.root);
    assert.equal(store.documents.length, 1);
    assert.deepEqual(store.documents[0].labelSets.map((s) => s.annotator), ['alice', 'bob', 'carol']);
    assert.equal(store.documents[0].curated, undefined);
  } finally {
    ws.cleanup();
  }
});

test('an old single-annotator store reads as before: one label set, exported unchanged', async () => {
  const ws = teamWorkspace();
  try {
    ws.write(undefined, 'user', [['Paris', 'Q1'], ['London', 'NIL'], ['Rome', 'rejected']]);
    const [gold] = await readAnnotationFile(ws.root);
    assert.deepEqual(gold.mentions.map((m) => [m.text, m.goldIds, m.nil]), [['Paris', ['Q1'], false], ['London', [], true]]);
  } finally {
    ws.cleanup();
  }
});

test('export reads curated labels first, then agreed ones, and reports what waits for curation', async () => {
  const ws = teamWorkspace();
  try {
    ws.write('@alice', 'alice', [['Paris', 'Q1'], ['London', 'Q2'], ['Rome', 'NIL']]);
    ws.write('@bob', 'bob', [['Paris', 'Q1'], ['London', 'Q3'], ['Rome', 'Q5']]);
    const skipped: string[] = [];
    let [gold] = await readAnnotationFile(path.join(ws.root, '.entity-links'), { onSkip: (_s, reason) => skipped.push(reason) });
    assert.deepEqual(gold.mentions.map((m) => m.text), ['Paris']);
    assert.equal(skipped.filter((r) => /disagree/.test(r)).length, 2);
    const file = await writeCuratedLabel(ws.root, 'doc.txt', TEXT, spanOf('London'), { kind: 'entity', kbId: 'Q3', title: 'London, UK' });
    assert.equal(file, path.join(ws.root, '.entity-links', '@curated', 'doc.txt.jsonl'));
    [gold] = await readAnnotationFile(ws.root);
    assert.deepEqual(gold.mentions.map((m) => [m.text, m.goldIds]), [['Paris', ['Q1']], ['London', ['Q3']]]);
  } finally {
    ws.cleanup();
  }
});

test('a second curated decision on a span replaces the first; the file is a normal store file', async () => {
  const ws = teamWorkspace();
  try {
    await writeCuratedLabel(ws.root, 'doc.txt', TEXT, spanOf('Rome'), { kind: 'nil' });
    const file = await writeCuratedLabel(ws.root, 'doc.txt', TEXT, spanOf('Rome'), { kind: 'none' });
    const parsed = parseAnnotationFile(readFileSync(file, 'utf8'), file);
    assert.deepEqual(parsed.records.map((r) => [r.text, r.status, r.annotator]), [['Rome', 'rejected', 'curated']]);
    assert.equal(parsed.header.document, 'doc.txt');
  } finally {
    ws.cleanup();
  }
});

test('an annotator store with ownFiles writes .entity-links/@name/<doc>.jsonl', async () => {
  const ws = teamWorkspace();
  try {
    const store = new AnnotationStore({ workspaceRoot: ws.root, annotator: 'alice', ownFiles: true });
    const doc = await store.open('doc.txt', TEXT);
    doc.add({ ...spanOf('Oslo'), kbId: 'Q9', status: 'accepted' });
    await doc.save();
    const team = await readTeamStore(ws.root);
    assert.deepEqual(team.documents[0].labelSets.map((s) => [s.annotator, s.records.length]), [['alice', 1]]);
    assert.equal(team.documents[0].labelSets[0].file, path.join(ws.root, '.entity-links', '@alice', 'doc.txt.jsonl'));
  } finally {
    ws.cleanup();
  }
});

test('store file owners and annotator names', () => {
  assert.equal(annotatorOfStoreFile('@alice/a/b.txt.jsonl', 'a/b.txt'), 'alice');
  assert.equal(annotatorOfStoreFile('a/b.txt.jsonl', 'a/b.txt'), undefined);
  // A document in a workspace folder named "@team" keeps its shared file there: the header tells.
  assert.equal(annotatorOfStoreFile('@team/b.txt.jsonl', '@team/b.txt'), undefined);
  assert.equal(annotatorFromUserName('Jane Doe'), 'Jane-Doe');
  assert.equal(annotatorFromUserName('--'), 'user');
  assert.equal(checkAnnotatorName('alice', '--annotator'), 'alice');
  assert.throws(() => checkAnnotatorName('curated', '--annotator'), (e) => LinkerError.is(e, 'usage') && /reserved/.test(e.message));
  assert.throws(() => checkAnnotatorName('../x', 'entityLinker.annotator'), (e) => LinkerError.is(e, 'usage') && /entityLinker.annotator/.test(e.message));
});

test('a team file whose document is missing is an error naming the file', async () => {
  const ws = teamWorkspace();
  try {
    const file = ws.write('@alice', 'alice', [['Paris', 'Q1']], 'doc.txt');
    rmSync(path.join(ws.root, 'doc.txt'));
    await assert.rejects(readTeamStore(ws.root), (e) => LinkerError.is(e) && e.location.file === file && e.location.line === 1 && /cannot be read/.test(e.message));
  } finally {
    ws.cleanup();
  }
});

test('each annotator with own files has an own online learning state beside their labels; the team store does not read it as labels', async () => {
  const ws = teamWorkspace();
  try {
    assert.equal(onlineStateFileFor(ws.root), path.join(ws.root, '.entity-links', '.online-learning.json'));
    assert.equal(onlineStateFileFor(ws.root, 'alice'), path.join(ws.root, '.entity-links', '@alice', '.online-learning.json'));
    assert.throws(() => onlineStateFileFor(ws.root, '../bob'), (e: unknown) => LinkerError.is(e, 'usage') && /not usable as a folder name/.test(e.message));
    ws.write('@alice', 'alice', [['Paris', 'Q1']]);
    ws.write('@bob', 'bob', [['Paris', 'Q2']]);
    await writeOnlineLearner(onlineStateFileFor(ws.root, 'alice'), new OnlineLearner().toJSON());
    await writeOnlineLearner(onlineStateFileFor(ws.root), new OnlineLearner().toJSON());
    const store = await readTeamStore(ws.root);
    assert.deepEqual(store.documents[0].labelSets.map((s) => s.annotator), ['alice', 'bob']);
  } finally {
    ws.cleanup();
  }
});

test('a label whose offsets do not hold its text (out of range, edited by hand) is placed by its text; one that cannot be placed is listed with file and line', async () => {
  const ws = teamWorkspace();
  try {
    ws.write('@alice', 'alice', [['Paris', 'Q1'], ['London', 'Q2']]);
    const bob = ws.write('@bob', 'bob', [['Paris', 'Q1'], ['London', 'Q3'], ['Rome', 'Q4']]);
    const london = spanOf('London');
    // Line 3 (London) gets offsets past the end; line 4 (Rome) a text that is nowhere in the document.
    const lines = readFileSync(bob, 'utf8').split('\n');
    lines[2] = lines[2].replace(`"start":${london.start},"end":${london.end}`, '"start":40,"end":99999');
    lines[3] = lines[3].replace('"text":"Rome"', '"text":"Atlantis"');
    writeFileSync(bob, lines.join('\n'));
    const store = await readTeamStore(ws.root);
    const bobs = store.documents[0].labelSets.find((s) => s.annotator === 'bob');
    const placed = bobs?.records.find((r) => r.text === 'London');
    assert.deepEqual([placed?.start, placed?.end, placed?.status], [london.start, london.end, 'accepted']);
    assert.equal(bobs?.records.find((r) => r.text === 'Atlantis')?.status, 'needsReview', 'counts for no one');
    assert.deepEqual(store.unplaced.map((u) => [u.file, u.line, u.text]), [[bob, 4, 'Atlantis']]);
    assert.match(store.unplaced[0].why, /does not hold "Atlantis"/);
  } finally {
    ws.cleanup();
  }
});

test('entries named like label files that are not regular files are listed as not read, never followed', async () => {
  const ws = teamWorkspace();
  try {
    ws.write('@alice', 'alice', [['Paris', 'Q1']]);
    const folder = path.join(ws.root, '.entity-links', '@bob', 'doc.txt.jsonl');
    mkdirSync(folder, { recursive: true });
    // A link loop in the store: reading must end, and a link is not read as labels.
    symlinkSync(path.join(ws.root, '.entity-links'), path.join(ws.root, '.entity-links', '@alice', 'loop.jsonl'));
    const store = await readTeamStore(ws.root);
    assert.deepEqual(store.notRead, [path.join(ws.root, '.entity-links', '@alice', 'loop.jsonl'), folder]);
    assert.deepEqual(store.documents[0].labelSets.map((s) => s.annotator), ['alice']);
  } finally {
    ws.cleanup();
  }
});
