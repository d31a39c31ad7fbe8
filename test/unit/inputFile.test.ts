import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { LinkerError } from '../../src/core/errors';
import { decodeText, osErrorAdvice, osInputError, readTextInput, statInput } from '../../src/core/inputFile';
import { tempTree } from '../fixtures/repoPaths';

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

void test('OS error codes become input errors naming the file and what to do', () => {
  for (const code of ['EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOENT', 'ELOOP', 'ENOSPC']) {
    const e = osInputError(Object.assign(new Error(code), { code }), '/data/kb.csv', 'The KB source');
    assert.ok(LinkerError.is(e, 'inputMissing'), code);
    assert.ok(e.message.startsWith('/data/kb.csv: The KB source ') && e.message.includes(`(${code})`), e.message);
    assert.ok(e.hint !== undefined && e.hint.length > 0);
  }
  assert.equal(osInputError(new Error('boom'), '/x', 'X'), undefined, 'other errors stay as they are');
});

void test('a rename onto a folder another run filled meanwhile (ENOTEMPTY) and a disk error (EIO) are input errors too, not internal errors with a stack', () => {
  // Two `finetune --out M` runs at once: both find M missing, the second rename of its finished folder fails.
  for (const code of ['ENOTEMPTY', 'EIO']) {
    const advice = osErrorAdvice(code);
    assert.ok(advice !== undefined && advice.what.length > 0 && advice.hint.length > 0, code);
  }
  assert.match(osErrorAdvice('ENOTEMPTY')!.what, /folder that is not empty/);
});

void test('an unreadable file is an input error (EACCES)', { skip: asRoot ? 'running as root: permissions do not deny reads' : false }, async () => {
  const t = tempTree({ 'secret.txt': 'x' });
  try {
    fs.chmodSync(t.file('secret.txt'), 0);
    await assert.rejects(readTextInput(t.file('secret.txt'), 'The document'), (e: unknown) => LinkerError.is(e, 'inputMissing') && /EACCES/.test(e.message));
  } finally {
    t.cleanup();
  }
});

void test('text is decoded by its BOM; binary and invalid UTF-8 are refused with the file named', async () => {
  const text = 'Zürich 😀';
  assert.equal(decodeText(Buffer.from(`\ufeff${text}`), 'f', 'F').text, text);
  assert.equal(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'f', 'F').text, text);
  const be = Buffer.from(text, 'utf16le').swap16();
  assert.deepEqual(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'f', 'F'), { text, encoding: 'utf-16be' });
  assert.throws(() => decodeText(Buffer.from('a\0b'), 'bin.txt', 'The document'), /bin\.txt:1: The document holds a NUL byte at byte 1/);
  assert.throws(() => decodeText(Buffer.from([0x61, 0x62, 0xe9, 0x63]), 'l1.txt', 'The document'), /l1\.txt:1: The document is not valid UTF-8 text \(first bad byte at 2\)/);
  // The line is named too, counted in the file's bytes (a BOM included in the byte offset).
  assert.throws(() => decodeText(Buffer.concat([Buffer.from('\ufeffone\r\ntwo\nthr\u00e9e '), Buffer.from([0xed, 0xa0, 0x80])]), 'sur.txt', 'The document'), /sur\.txt:3: The document is not valid UTF-8 text \(first bad byte at 19\)/);
  const t = tempTree({ sub: '' });
  try {
    await assert.rejects(statInput(t.dir, 'The document'), /is a folder, not a regular file/);
    assert.equal((await statInput(t.dir, 'The gold', 'file-or-folder')).isDirectory(), true);
  } finally {
    t.cleanup();
  }
});
