import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { scanUtf8 } from '../../../src/core/inputFile';
import { loadKnowledgeBase } from '../../../src/core/kb/loadKnowledgeBase';
import { tempTree } from '../../fixtures/repoPaths';

// KB files are streamed (not read whole like documents), and their decoder used to replace bytes that are not
// UTF-8 with U+FFFD: a Latin-1 KB loaded "fine" with titles like "Par\uFFFDs" that no document ever matches, and a
// UTF-16 CSV without a byte order mark failed with a field count at some later line.

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

void test('a KB line that is not UTF-8 is an input error naming the file, its line and byte, in every line format and also when lenient', async () => {
  const t = tempTree({});
  try {
    const cases: Array<[string, Buffer, number, number]> = [
      ['kb.jsonl', latin1('{"id":"Q1","title":"Lyon"}\n{"id":"Q2","title":"Paris"}\n{"id":"Q3","title":"Par\u00e9s"}\n'), 3, 78],
      ['kb.csv', latin1('id,title,text\nQ1,Z\u00fcrich,a city\n'), 2, 18],
      ['kb.tsv', latin1('id\ttitle\nQ1\tLyon\nQ2\tG\u00e9nes\n'), 3, 21],
      ['kb.brat', latin1('Q1\tname:Name:Lyon\nQ2\tname:Name:M\u00e2con\n'), 2, 32],
    ];
    for (const [name, bytes, line, byte] of cases) {
      fs.writeFileSync(t.file(name), bytes);
      for (const strict of [true, false]) {
        await assert.rejects(
          loadKnowledgeBase([{ path: t.file(name), format: name === 'kb.brat' ? 'brat' : undefined }], { strict }),
          (e: unknown) => LinkerError.is(e, 'inputFormat') && e.message.startsWith(`${t.file(name)}:${line}: `) && e.message.includes(`not valid UTF-8 text (first bad byte at ${byte})`) && /iconv/.test(e.message),
          `${name} strict=${strict}`,
        );
      }
    }
  } finally {
    t.cleanup();
  }
});

void test('a bad byte far into a big KB is placed exactly, past chunk ends and multi-byte characters cut by them', async () => {
  const t = tempTree({});
  try {
    // 'é' is two bytes: with an odd prefix, some of them straddle the 256 KiB chunk ends of the reader.
    const good = Array.from({ length: 9000 }, (_, i) => `{"id":"Q${i}","title":"Caf\u00e9 ${i}","text":"${'\u00e9'.repeat(20)}"}\n`).join('');
    const goodBytes = Buffer.from(`x${good}`.slice(1), 'utf8');
    const lines = good.split('\n').length;
    fs.writeFileSync(t.file('kb.jsonl'), Buffer.concat([goodBytes, Buffer.from('{"id":"Qx","title":"B'), Buffer.from([0xe9, 0x7a]), Buffer.from('"}\n')]));
    assert.ok(goodBytes.length > 512 * 1024, 'the bad byte lies beyond the second chunk');
    await assert.rejects(loadKnowledgeBase([{ path: t.file('kb.jsonl') }]), (e: unknown) => LinkerError.is(e, 'inputFormat') && e.message.startsWith(`${t.file('kb.jsonl')}:${lines}: `) && e.message.includes(`first bad byte at ${goodBytes.length + 21}`));
    // The same text without the bad byte loads whole: the characters cut by chunk ends are decoded right.
    fs.writeFileSync(t.file('ok.jsonl'), goodBytes);
    const { kb } = await loadKnowledgeBase([{ path: t.file('ok.jsonl') }]);
    assert.equal(kb.entities.length, 9000);
    assert.ok(kb.entities.every((e) => e.title.startsWith('Caf\u00e9 ') && !e.text.includes('\uFFFD')));
  } finally {
    t.cleanup();
  }
});

void test('a binary KB or a UTF-16 one without a byte order mark is refused for its NUL bytes, not read as records', async () => {
  const t = tempTree({});
  try {
    fs.writeFileSync(t.file('u16.csv'), Buffer.from('id,title,text\nQ1,Paris,capital\nQ2,Lyon,city\n', 'utf16le'));
    fs.writeFileSync(t.file('bin.brat'), Buffer.concat([Buffer.from('Q1\tname:Name:Lyon\n'), Buffer.from([0x51, 0x32, 0x09, 0x00, 0x01])]));
    for (const [name, line, byte] of [['u16.csv', 1, 1], ['bin.brat', 2, 21]] as const) {
      for (const strict of [true, false]) {
        await assert.rejects(
          loadKnowledgeBase([{ path: t.file(name), format: name.endsWith('.brat') ? 'brat' : undefined }], { strict }),
          (e: unknown) => LinkerError.is(e, 'inputFormat') && e.message.startsWith(`${t.file(name)}:${line}: `) && e.message.includes(`NUL byte at byte ${byte}`) && /UTF-16 without a byte order mark/.test(e.message),
          `${name} strict=${strict}`,
        );
      }
    }
    // With its byte order mark the same UTF-16 file is a KB.
    fs.writeFileSync(t.file('u16bom.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,title,text\nQ1,Paris,capital\n', 'utf16le')]));
    assert.deepEqual((await loadKnowledgeBase([{ path: t.file('u16bom.csv') }])).kb.entities.map((e) => e.title), ['Paris']);
  } finally {
    t.cleanup();
  }
});

void test('scanUtf8 refuses what TextDecoder refuses (overlongs, surrogates, above U+10FFFF, NUL) and leaves a sequence cut at the end', () => {
  const b = (...x: number[]): Buffer => Buffer.from(x);
  assert.deepEqual(scanUtf8(b(0x61, 0xc3, 0xa9)), { complete: 3 });
  assert.deepEqual(scanUtf8(b(0x61, 0xf0, 0x9f, 0x98)), { complete: 1 });
  for (const bad of [b(0x61, 0xe0, 0x80, 0x80), b(0x61, 0xed, 0xa0, 0x80), b(0x61, 0xf4, 0x90, 0x80, 0x80), b(0x61, 0xc0, 0xaf), b(0x61, 0x80), b(0x61, 0xc3, 0x41)]) {
    assert.deepEqual(scanUtf8(bad), { bad: 1 }, bad.toString('hex'));
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bad), TypeError, bad.toString('hex'));
  }
  assert.deepEqual(scanUtf8(b(0x61, 0x00)), { bad: 1 });
});
