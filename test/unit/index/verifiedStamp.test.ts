import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STAMP_FILE, stampVerified, verifiedUnchanged } from '../../../src/core/index/verifiedStamp';

/** Moves the recorded check time `ms` later, as if the check had run that long after the file was last written. */
function ageStamp(dir: string, name: string, ms: number): void {
  const file = path.join(dir, STAMP_FILE);
  const stamps = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { checkedAtMs: number }>;
  stamps[name]!.checkedAtMs += ms;
  fs.writeFileSync(file, JSON.stringify(stamps));
}

void test('a checked file is trusted until it is written again; a fresh or racy check is not trusted; the hash must match', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-stamp-'));
  try {
    const name = 'graph.hnsw';
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.alloc(4096, 1));
    assert.equal(verifiedUnchanged(dir, name, 'abc'), false, 'no stamp yet');
    stampVerified(dir, name, 'abc');
    assert.equal(verifiedUnchanged(dir, name, 'abc'), false, 'written in the same seconds as the check: hashed again');
    ageStamp(dir, name, 10_000);
    assert.equal(verifiedUnchanged(dir, name, 'abc'), true);
    assert.equal(verifiedUnchanged(dir, name, 'other'), false, 'the manifest wants another file');

    // A flipped byte with the old mtime put back: the change time still moves.
    const st = fs.statSync(file);
    const bytes = fs.readFileSync(file);
    bytes[100] ^= 1;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, st.atime, st.mtime);
    assert.equal(verifiedUnchanged(dir, name, 'abc'), false);

    // Replaced by another file of the same size (a rename over it): another inode.
    stampVerified(dir, name, 'abc');
    ageStamp(dir, name, 10_000);
    assert.equal(verifiedUnchanged(dir, name, 'abc'), true);
    fs.writeFileSync(`${file}.new`, bytes);
    fs.renameSync(`${file}.new`, file);
    assert.equal(verifiedUnchanged(dir, name, 'abc'), false);

    fs.writeFileSync(path.join(dir, STAMP_FILE), '{ not json');
    assert.equal(verifiedUnchanged(dir, name, 'abc'), false, 'a damaged stamp file only costs a hash');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
