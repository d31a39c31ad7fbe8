import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { silentLogger } from '../../../src/core/log';
import { openLinkingSession } from '../../../src/core/session/linkingSession';
import { PgEntityRecords } from '../../../src/core/store/pgEntityRecords';
import { startTestServer, type TestServer } from './pgTestServer';

// A store-mode session as the editor's worker opens it: its linker ranks from the store's records. Needs the built model.
const root = path.resolve(__dirname, '../../../..');
const noModel = fs.existsSync(path.join(root, 'models/use-lite/model.onnx')) ? false : 'the USE-lite model is not built (run `npm run build:model`)';
const kbFile = path.join(root, 'test/fixtures/kb/entities.jsonl');

let server: TestServer;
let dir: string;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-store-session-'));
  server = await startTestServer();
});
after(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

void test('a store-mode session links with records read from the store, one record query per document', { skip: noModel }, async () => {
  const options = { kbSources: [{ path: kbFile, format: 'jsonl' as const }], packageRoot: root, provider: 'cpu' as const, cacheDir: path.join(dir, 'cache'), logger: silentLogger };
  const session = await openLinkingSession({ ...options, kbStore: server.urlFor('session'), buildStore: {} });
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
