import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Entity } from '../../../src/core/kb/entity';
import { SnapshotError } from '../../../src/core/index/binarySnapshot';
import { kbContentHash } from '../../../src/core/kb/kbContentHash';
import { decodeKbSnapshot, encodeKbSnapshot } from '../../../src/core/kb/kbSnapshot';
import { kbSnapshotFile, loadKnowledgeBaseCached } from '../../../src/core/kb/cachedKnowledgeBase';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import type { Logger } from '../../../src/core/log';
import { STAMP_FILE } from '../../../src/core/index/verifiedStamp';

const ENTITIES: Entity[] = [
  { id: 'Q1', title: 'Dublin', text: 'Capital of Ireland.', aliases: ['Baile Átha Cliath', 'Dublin City'], type: 'city', source: 'kb.jsonl:1' },
  { id: 'Q2', title: 'Zürich', text: '', aliases: [] },
  { id: 'Q3', title: 'Ἀθῆναι 🏛', text: 'lone \ud800 surrogate kept', aliases: ['Athens'], prior: 42 },
  { id: 'Q4', title: 'x', text: 'no type, a prior of zero', aliases: [], prior: 0, source: 'kb.jsonl:4' },
];

function header(entities: readonly Entity[]) {
  return { key: 'k', name: 'tiny', kbHash: kbContentHash(new KnowledgeBase('tiny', entities)), files: [], filesHash: 'h', writtenAtMs: 1, report: { sources: [], entities: entities.length, mergedIds: 0, skipped: 0, ms: 3 } };
}

function bytesOf(chunks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(chunks);
}

void test('round trip: every entity field, unicode (lone surrogates too) and derived priors come back exactly', () => {
  const priors = Float64Array.from([NaN, 3, 0.5, NaN]);
  const decoded = decodeKbSnapshot(bytesOf(encodeKbSnapshot(header(ENTITIES), ENTITIES, priors)));
  assert.deepEqual(decoded.entities, ENTITIES);
  assert.deepEqual([...decoded.derivedPriors!], [...priors]);
  assert.equal(decoded.header.kbHash, kbContentHash(new KnowledgeBase('tiny', ENTITIES)));
  assert.equal(decoded.header.report.entities, 4);
  const latin = ENTITIES.slice(1, 2);
  const plain = decodeKbSnapshot(bytesOf(encodeKbSnapshot(header(latin), latin)));
  assert.deepEqual(plain.entities, latin);
  assert.equal(plain.derivedPriors, undefined);
});

void test('derived name counts (one per title and alias) come back exactly; a count list of the wrong length is refused', () => {
  // Q1 has a title and two aliases, Q2 a title, Q3 a title and an alias, Q4 a title: 7 names.
  const nameCounts = Float64Array.from([5, NaN, 2, NaN, 1, 0, 3]);
  const decoded = decodeKbSnapshot(bytesOf(encodeKbSnapshot(header(ENTITIES), ENTITIES, undefined, nameCounts)));
  assert.deepEqual([...decoded.derivedNameCounts!], [...nameCounts]);
  assert.equal(decoded.derivedPriors, undefined);
  assert.equal(decodeKbSnapshot(bytesOf(encodeKbSnapshot(header(ENTITIES), ENTITIES))).derivedNameCounts, undefined);
  assert.throws(() => encodeKbSnapshot(header(ENTITIES), ENTITIES, undefined, nameCounts.subarray(1)), /6 names, the KB 7/);
});

void test('a truncated snapshot or one flipped byte anywhere is refused with the reason', () => {
  const data = bytesOf(encodeKbSnapshot(header(ENTITIES), ENTITIES));
  assert.throws(() => decodeKbSnapshot(data.subarray(0, data.length - 1)), (e: unknown) => e instanceof SnapshotError && /truncated/.test(e.message));
  assert.throws(() => decodeKbSnapshot(data.subarray(0, 20)), SnapshotError);
  for (const at of [3, 40, Math.floor(data.length / 2), data.length - 40, data.length - 1]) {
    const bad = Buffer.from(data);
    bad[at] ^= 0x10;
    assert.throws(() => decodeKbSnapshot(bad), SnapshotError, `byte ${at}`);
  }
});

function tempKb(): { dir: string; kbFile: string; cacheDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-kbsnap-'));
  const kbFile = path.join(dir, 'kb.jsonl');
  fs.writeFileSync(kbFile, ['{"id":"A","title":"Alpha","text":"first letter","aliases":["Aleph"]}', '{"id":"B","title":"Beta","text":"second letter"}'].join('\n'));
  // Sources written "long ago": a snapshot taken now is not racy.
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(kbFile, old, old);
  return { dir, kbFile, cacheDir: path.join(dir, 'cache') };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (m: unknown): void => void lines.push(String(m));
  return { lines, trace: add, debug: add, info: add, warn: (m: string) => lines.push(`warn: ${m}`), error: add };
}

const spec = (kbFile: string) => [{ path: kbFile, format: 'jsonl' as const }];

void test('the second load opens the snapshot; entities, hash and priors equal the parsed ones', async () => {
  const { dir, kbFile, cacheDir } = tempKb();
  try {
    const derivePriors = async (entities: readonly Entity[]) => Float64Array.from(entities, (_, row) => row + 1);
    const deriveNameCounts = async (entities: readonly Entity[]) => Float64Array.from(entities.flatMap((e) => [e.title, ...e.aliases]), (name) => name.length);
    const first = await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, derivePriors, deriveNameCounts });
    const names = first.kb.entities.flatMap((e) => [e.title, ...e.aliases]);
    assert.deepEqual([...first.nameCounts!], names.map((n) => n.length));
    assert.equal(first.action, 'read');
    assert.ok(fs.existsSync(kbSnapshotFile(cacheDir, spec(kbFile))));
    const second = await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, derivePriors: () => assert.fail('priors come from the snapshot'), deriveNameCounts: () => assert.fail('name counts come from the snapshot') });
    assert.deepEqual([...second.nameCounts!], names.map((n) => n.length));
    assert.equal(second.action, 'snapshot');
    assert.deepEqual(second.kb.entities, first.kb.entities);
    assert.equal(second.kbHash, kbContentHash(first.kb));
    assert.equal(second.kb.rowOf('B'), 1);
    assert.deepEqual([...second.priors!], [1, 2]);
    // Other load options, or other code deriving the priors, are another snapshot.
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, sourceLocations: false })).action, 'read');
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, derivePriors, derivationKey: 'v2' })).action, 'read');
    assert.notEqual(kbSnapshotFile(cacheDir, spec(kbFile), { cacheDir, derivationKey: 'v2' }), kbSnapshotFile(cacheDir, spec(kbFile)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a damaged snapshot (flipped byte, truncation) is reported and rebuilt', async () => {
  const { dir, kbFile, cacheDir } = tempKb();
  try {
    await loadKnowledgeBaseCached(spec(kbFile), { cacheDir });
    const file = kbSnapshotFile(cacheDir, spec(kbFile));
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 50] ^= 1;
    fs.writeFileSync(file, flipped);
    const logger = recordingLogger();
    const again = await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, logger });
    assert.equal(again.action, 'read');
    assert.match(logger.lines.join('\n'), /warn: KB snapshot .* failed its sha256 checksum/);
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir })).action, 'snapshot');

    fs.writeFileSync(file, good.subarray(0, good.length - 7));
    const logger2 = recordingLogger();
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, logger: logger2 })).action, 'read');
    assert.match(logger2.lines.join('\n'), /warn: KB snapshot .*\(truncated or damaged\)/);
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir })).action, 'snapshot');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a changed source is detected (size, or same size with a new mtime) and re-read; a touch alone keeps the snapshot', async () => {
  const { dir, kbFile, cacheDir } = tempKb();
  try {
    await loadKnowledgeBaseCached(spec(kbFile), { cacheDir });
    const old = fs.statSync(kbFile).mtime;

    // Same bytes, new mtime: checked by content, kept, and the new mtime recorded.
    const later = new Date(old.getTime() + 5_000);
    fs.utimesSync(kbFile, later, later);
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir })).action, 'snapshot');

    // Same size, other bytes ("Alpha" -> "Alfa!"), new mtime: stale.
    fs.writeFileSync(kbFile, fs.readFileSync(kbFile, 'utf8').replace('"Alpha"', '"Alfa!"'));
    const t = new Date(old.getTime() + 10_000);
    fs.utimesSync(kbFile, t, t);
    const logger = recordingLogger();
    const changed = await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, logger });
    assert.equal(changed.action, 'read');
    assert.equal(changed.kb.get('A')?.title, 'Alfa!');
    assert.match(logger.lines.join('\n'), /stale: .*kb\.jsonl was modified/);

    // A different size: stale without reading the bytes.
    fs.appendFileSync(kbFile, '\n{"id":"C","title":"Gamma","text":"third"}');
    const grown = await loadKnowledgeBaseCached(spec(kbFile), { cacheDir });
    assert.equal(grown.action, 'read');
    assert.equal(grown.kb.size, 3);
    assert.notEqual(grown.kbHash, changed.kbHash);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a source modified in the second the snapshot was written is checked by content, not trusted by its mtime', async () => {
  const { dir, kbFile, cacheDir } = tempKb();
  try {
    const now = new Date();
    fs.utimesSync(kbFile, now, now);
    await loadKnowledgeBaseCached(spec(kbFile), { cacheDir });
    // Same size, same mtime, other bytes: only the racy check can see it.
    fs.writeFileSync(kbFile, fs.readFileSync(kbFile, 'utf8').replace('"Beta"', '"Bet!"'));
    fs.utimesSync(kbFile, now, now);
    const again = await loadKnowledgeBaseCached(spec(kbFile), { cacheDir });
    assert.equal(again.action, 'read');
    assert.equal(again.kb.get('B')?.title, 'Bet!');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a snapshot checked once is not hashed again on open, yet a byte flipped later is still caught', async () => {
  const { dir, kbFile, cacheDir } = tempKb();
  try {
    await loadKnowledgeBaseCached(spec(kbFile), { cacheDir });
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir })).action, 'snapshot');
    const file = kbSnapshotFile(cacheDir, spec(kbFile));
    const stamps = path.join(path.dirname(file), STAMP_FILE);
    const recorded = JSON.parse(fs.readFileSync(stamps, 'utf8')) as Record<string, { checkedAtMs: number }>;
    const entry = recorded[path.basename(file)];
    assert.ok(entry !== undefined, 'the check was recorded');
    // As if checked long after the snapshot was written: the next open trusts the record...
    entry.checkedAtMs += 60_000;
    fs.writeFileSync(stamps, JSON.stringify(recorded));
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir })).action, 'snapshot');
    // ...until the file is written again.
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 40] ^= 2;
    fs.writeFileSync(file, bytes);
    const logger = recordingLogger();
    assert.equal((await loadKnowledgeBaseCached(spec(kbFile), { cacheDir, logger })).action, 'read');
    assert.match(logger.lines.join('\n'), /failed its sha256 checksum/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
