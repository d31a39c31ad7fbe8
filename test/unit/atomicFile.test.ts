import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { isTempName, removeStaleTempFiles, tempPathFor, writeAtomic, writeAtomicAsync, writeBytesAtomic, writeTextAtomic } from '../../src/core/atomicFile';
import { sha256OfFile } from '../../src/core/index/fileHash';

const scratch: string[] = [];
function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-atomic-'));
  scratch.push(dir);
  return dir;
}
after(() => {
  for (const dir of scratch) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('an atomic write replaces the target and leaves no temp file', () => {
  const dir = scratchDir();
  const target = path.join(dir, 'data.bin');
  fs.writeFileSync(target, 'old');
  writeBytesAtomic(target, [Buffer.from('new '), Buffer.from('content')]);
  assert.equal(fs.readFileSync(target, 'utf8'), 'new content');
  assert.deepEqual(fs.readdirSync(dir), ['data.bin']);
  assert.equal(sha256OfFile(target), createHash('sha256').update('new content').digest('hex'));
});

void test('a writer that fails part-way leaves the old file intact and no temp file', () => {
  const dir = scratchDir();
  const target = path.join(dir, 'data.bin');
  fs.writeFileSync(target, 'old');
  assert.throws(
    () =>
      writeAtomic(target, (temp) => {
        fs.writeFileSync(temp, 'half');
        throw new Error('disk full');
      }),
    /disk full/,
  );
  assert.equal(fs.readFileSync(target, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(dir), ['data.bin']);
});

void test('the asynchronous writer runs the same steps: a failure part-way leaves the old file and no temp file, success replaces it', async () => {
  const dir = scratchDir();
  const target = path.join(dir, 'notes.jsonl');
  fs.writeFileSync(target, 'old');
  await assert.rejects(
    writeAtomicAsync(target, async (temp) => {
      assert.ok(isTempName(path.basename(temp)) && path.dirname(temp) === dir, 'a temp name of the one naming scheme, beside the target');
      await fs.promises.writeFile(temp, 'half');
      throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.equal(fs.readFileSync(target, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(dir), ['notes.jsonl']);
  await writeTextAtomic(path.join(dir, 'sub', 'new.txt'), 'text é');
  assert.equal(fs.readFileSync(path.join(dir, 'sub', 'new.txt'), 'utf8'), 'text é');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'sub')), ['new.txt']);
});

void test('stale temp files from a crashed writer are recognised and removed, other files kept', () => {
  const dir = scratchDir();
  const temp = tempPathFor(path.join(dir, 'graph.hnsw'));
  assert.ok(isTempName(path.basename(temp)));
  assert.equal(path.dirname(temp), dir, 'the temp file must sit in the target folder so rename is atomic');
  fs.writeFileSync(temp, 'partial');
  fs.writeFileSync(path.join(dir, 'keep.tmp'), 'not ours');
  removeStaleTempFiles(dir);
  assert.deepEqual(fs.readdirSync(dir), ['keep.tmp']);
});

void test('the atomic writers replace only regular files: a symlink, a FIFO or a folder is refused and left as it was', async () => {
  const dir = scratchDir();
  const victim = path.join(dir, 'victim.txt');
  fs.writeFileSync(victim, 'keep');
  const link = path.join(dir, 'link.bin');
  fs.symlinkSync(victim, link);
  const folder = path.join(dir, 'folder.bin');
  fs.mkdirSync(folder);
  const targets = [link, folder];
  if (process.platform !== 'win32') {
    const fifo = path.join(dir, 'fifo.bin');
    execFileSync('mkfifo', [fifo]);
    targets.push(fifo);
  }
  for (const target of targets) {
    assert.throws(() => writeBytesAtomic(target, [Buffer.from('x')]), (e: Error) => e.message.includes(target) && /only regular files/.test(e.message));
    await assert.rejects(writeTextAtomic(target, 'x'), (e: Error) => e.message.includes(target) && /only regular files/.test(e.message));
  }
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.equal(fs.readFileSync(victim, 'utf8'), 'keep');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['fifo.bin', 'folder.bin', 'link.bin', 'victim.txt'].filter((n) => targets.some((t) => t.endsWith(n)) || n === 'victim.txt'));
});
