import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LinkerError } from '../../../src/core/errors';
import { readBratStandoff } from '../../../src/core/formats/bratStandoffReader';
import { writeBratStandoff } from '../../../src/core/formats/export/bratWriter';
import type { GoldDocument } from '../../../src/core/formats/goldDocument';

// brat's server and its Python tools count offsets in characters as Python does (code points). A document with
// an astral character (emoji, flag) before a mention used to be read and written in UTF-16 units: its exported
// .ann was shifted for brat, and a real brat .ann was refused or misread. The round trip alone hid it.

// Offsets as Python counts them: t.index('Paris') == 15, t.index('France') == 25 (the flag is two code points).
const TEXT = 'Emoji 😀 before Paris; 🇫🇷 France.\n';
const ANN = 'T1\tLocation 15 20\tParis\nN1\tReference T1 Wiki:Q90\tParis\nT2\tLocation 25 31\tFrance\n';

function withPair(ann: string, run: (dir: string, annFile: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-brat-cp-'));
  fs.writeFileSync(path.join(dir, 'doc.txt'), TEXT);
  fs.writeFileSync(path.join(dir, 'doc.ann'), ann);
  return run(dir, path.join(dir, 'doc.ann')).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

void test('brat reader: offsets after an emoji and a flag are code points, read into the right UTF-16 spans', () =>
  withPair(ANN, async (dir) => {
    const [doc] = await readBratStandoff(dir);
    assert.deepEqual(doc!.mentions.map((m) => [m.text, TEXT.slice(m.start, m.end), m.goldIds, m.nil]), [
      ['Paris', 'Paris', ['Q90'], false],
      ['France', 'France', [], true],
    ]);
    assert.deepEqual(doc!.mentions.map((m) => [m.start, m.end]), [[16, 21], [28, 34]], 'UTF-16 offsets inside the linker');
  }));

void test('brat reader: UTF-16 offsets (what this project used to write) are a mismatch naming the file and line', () =>
  withPair('T1\tLocation 15 20\tParis\nT2\tLocation 16 21\tParis\n', async (dir, annFile) => {
    await assert.rejects(readBratStandoff(dir), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'inputFormat'));
      assert.ok(e.message.startsWith(`${annFile}:2: `), e.message);
      assert.match(e.message, /T2: the text at \[16, 21\) is "aris;", not "Paris"\. brat offsets count characters \(Unicode code points/);
      return true;
    });
    // An end past the last code point is outside the text, even though it is inside its UTF-16 length.
    const skipped: string[] = [];
    fs.writeFileSync(annFile, 'T1\tLocation 32 34\t\\n\n');
    await readBratStandoff(dir, { onInvalidSpan: (s, why) => skipped.push(`${s.line}: ${why}`) });
    assert.deepEqual(skipped, ['1: T1: span [32, 34) is outside the text (33 code points)']);
  }));

void test('brat writer: offsets after an emoji and a flag are written as code points, the .ann Python expects', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-brat-cp-'));
  try {
    const doc: GoldDocument = {
      id: 'doc',
      text: TEXT,
      mentions: [
        { start: 16, end: 21, text: 'Paris', goldIds: ['Q90'], goldNames: ['Paris'], nil: false, source: { file: 'test' } },
        { start: 28, end: 34, text: 'France', goldIds: [], nil: true, source: { file: 'test' } },
      ],
    };
    const [annFile] = await writeBratStandoff([doc], dir, { db: 'Wiki', type: 'Location' });
    assert.equal(fs.readFileSync(annFile!, 'utf8'), ANN);
    assert.equal(fs.readFileSync(path.join(dir, 'doc.txt'), 'utf8'), TEXT);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('brat: a hand-written pair read, written and read again keeps its .ann byte for byte and its spans', () =>
  withPair(ANN, async (dir) => {
    const first = await readBratStandoff(dir);
    const out = path.join(dir, 'out');
    const [annFile] = await writeBratStandoff(first, out, { db: 'Wiki', type: 'Location' });
    assert.equal(fs.readFileSync(annFile!, 'utf8'), ANN);
    const again = await readBratStandoff(out);
    assert.deepEqual(again.map((d) => d.mentions.map((m) => [m.start, m.end, m.text, m.goldIds])), first.map((d) => d.mentions.map((m) => [m.start, m.end, m.text, m.goldIds])));
  }));
