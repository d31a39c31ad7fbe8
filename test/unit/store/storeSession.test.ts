import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../../src/core/log';
import { openLinkingSession } from '../../../src/core/session/linkingSession';
import { PgEntityRecords } from '../../../src/core/store/pgEntityRecords';
import { useTestServer } from './pgTestServer';
import { FIXTURE_KB_FILE, NO_MODEL, PACKAGE_ROOT } from './storeFixture';

// A store-mode session as the editor's worker opens it: its linker ranks from the store's records. Needs the built model.
const { server, dir } = useTestServer('el-store-session-');
const root = PACKAGE_ROOT;
const noModel = NO_MODEL;
const kbFile = FIXTURE_KB_FILE;

void test('a store-mode session links with records read from the store, one record query per document', { skip: noModel }, async () => {
  const options = { kbSources: [{ path: kbFile, format: 'jsonl' as const }], packageRoot: root, provider: 'cpu' as const, cacheDir: path.join(dir(), 'cache'), logger: silentLogger };
  const session = await openLinkingSession({ ...options, kbStore: server().urlFor('session'), buildStore: {} });
  const embedded = await openLinkingSession(options);
  try {
    const records = session.store?.records;
    assert.ok(records instanceof PgEntityRecords, 'the session gives its linker the store records');
    assert.equal(records.cached, 0);
    const doc = 'Douglas Adams wrote about the Universe.';
    const [viaStore, reference] = [await session.linker.linkDocument(doc), await embedded.linker.linkDocument(doc)];
    assert.deepEqual(viaStore.map((m) => [m.text, m.candidates[0]?.id, m.candidates[0]?.title]), reference.map((m) => [m.text, m.candidates[0]?.id, m.candidates[0]?.title]));
    assert.deepEqual(viaStore.map((m) => m.candidates[0]?.id), ['Q42', 'Q1']);
    assert.equal(records.queries, 1, 'one query for the records of every candidate of the document');
    assert.ok(records.cached >= 2);
    await session.linker.linkDocument(doc);
    assert.equal(records.queries, 1, 'the second time they are cached');
  } finally {
    await session.dispose();
    await embedded.dispose();
  }
});
