import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Entity } from '../../../src/core/kb/entity';
import type { Logger } from '../../../src/core/log';
import { BUILD_NAME_INDEXES } from '../../../src/core/linker/nameIndexBuilders';
import { cachedNameIndexes } from '../../../src/core/linker/nameIndexCache';

const ENTITIES: Entity[] = [
  { id: 'Q1', title: 'Dublin', text: '', aliases: ['Baile Átha Cliath'] },
  { id: 'Q2', title: 'Dublin, Ohio', text: '', aliases: [] },
  { id: 'Q3', title: 'World Health Organization', text: '', aliases: ['WHO'] },
  { id: 'Q4', title: 'The Who', text: '', aliases: [] },
  { id: 'Q5', title: 'company', text: '', aliases: ['firm'] },
  { id: 'Q6', title: 'Zürich', text: '', aliases: ['Zurich'] },
  { id: 'Q7', title: 'New York City', text: '', aliases: ['New York', 'NYC'] },
  { id: 'Q8', title: 'New York', text: '', aliases: [] },
];

const TEXT = 'The WHO met in Dublin and New York City; the company (a firm) moved from Zurich to Dublyn. The Who played in New York.';

function logger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (m: unknown): void => void lines.push(String(m));
  return { lines, trace: add, debug: add, info: add, warn: (m: string) => lines.push(`warn: ${m}`), error: add };
}

/** Everything a linker asks of the three indexes, as plain data. */
function answers(b: typeof BUILD_NAME_INDEXES): unknown {
  const out: unknown[] = [];
  for (const detection of [{}, { mode: 'all-words' as const }, { fuzzy: true, fuzzyMinLength: 4 }]) {
    out.push(b.gazetteer(ENTITIES, detection).detect(TEXT));
  }
  const lexical = b.lexical(ENTITIES, {});
  const ngram = b.ngram(ENTITIES, { threshold: 0.2 });
  for (const q of ['Dublin', 'dublyn', 'New York', 'Zurich', 'Who', 'firm', 'Health Org']) {
    out.push(lexical.retrieve(q, 5), lexical.exactRows(q), ENTITIES.map((_, row) => lexical.similarity(q, row)));
    out.push(lexical.withOptions({ prefix: true, fuzzy: 0.2 }).retrieve(q.slice(0, 4), 5));
    out.push(ngram.retrieve(q, 5), ENTITIES.map((_, row) => ngram.similarity(q, row)));
  }
  return out;
}

void test('indexes opened from their snapshots answer exactly as freshly built ones; the second use reads the files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-nameix-'));
  try {
    const built = answers(BUILD_NAME_INDEXES);
    const log1 = logger();
    assert.deepEqual(answers(cachedNameIndexes({ dir, kbHash: 'a'.repeat(64), logger: log1 })), built);
    assert.equal(log1.lines.filter((l) => /No (gazetteer|lexical|ngram) index snapshot yet/.test(l)).length, 3, log1.lines.join('\n'));
    assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.snap')).length, 3);
    const log2 = logger();
    assert.deepEqual(answers(cachedNameIndexes({ dir, kbHash: 'a'.repeat(64), logger: log2 })), built);
    assert.deepEqual(log2.lines, [], 'opened from the snapshots without a word');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a damaged or truncated snapshot is reported, rebuilt and rewritten; another KB or build option gets its own file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-nameix-'));
  try {
    const kbHash = 'b'.repeat(64);
    const built = answers(BUILD_NAME_INDEXES);
    answers(cachedNameIndexes({ dir, kbHash }));
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.snap')).map((f) => path.join(dir, f));
    for (const [i, file] of files.entries()) {
      const data = fs.readFileSync(file);
      if (i === 0) fs.writeFileSync(file, data.subarray(0, data.length - 9));
      else {
        data[Math.floor(data.length / 2)] ^= 4;
        fs.writeFileSync(file, data);
      }
    }
    const log = logger();
    assert.deepEqual(answers(cachedNameIndexes({ dir, kbHash, logger: log })), built);
    const warnings = log.lines.filter((l) => l.startsWith('warn: '));
    assert.equal(warnings.length, 3, log.lines.join('\n'));
    assert.ok(warnings.some((w) => /truncated or damaged/.test(w)) && warnings.some((w) => /failed its sha256 checksum/.test(w)), warnings.join('\n'));
    const log2 = logger();
    answers(cachedNameIndexes({ dir, kbHash, logger: log2 }));
    assert.deepEqual(log2.lines, [], 'rewritten good');

    const before = fs.readdirSync(dir).length;
    cachedNameIndexes({ dir, kbHash: 'c'.repeat(64) }).ngram(ENTITIES, {});
    cachedNameIndexes({ dir, kbHash }).gazetteer(ENTITIES, { minNameLength: 5 });
    cachedNameIndexes({ dir, kbHash }).gazetteer(ENTITIES, { mode: 'all-words', fuzzy: true });
    assert.equal(fs.readdirSync(dir).length, before + 2, 'a new KB hash and a new minNameLength are new files; detection mode and fuzzy are not');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a snapshot of other entities under the same name (a KB hash collision, a bug) is refused, not misread', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-nameix-'));
  try {
    const kbHash = 'd'.repeat(64);
    cachedNameIndexes({ dir, kbHash }).ngram(ENTITIES, {});
    const log = logger();
    const fewer = ENTITIES.slice(0, 3);
    const index = cachedNameIndexes({ dir, kbHash, logger: log }).ngram(fewer, {});
    assert.deepEqual(index.retrieve('New York', 3), BUILD_NAME_INDEXES.ngram(fewer, {}).retrieve('New York', 3));
    assert.match(log.lines.join('\n'), /warn: The ngram index snapshot .* was made for another KB/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
