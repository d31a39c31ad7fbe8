import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/log';
import { silentLogger } from '../../../src/core/log';
import { openLinkingSession, opensFromStoreAlone, type LinkingSession } from '../../../src/core/session/linkingSession';
import { LinkerRequestHandler } from '../../../src/core/worker/linkerRequestHandler';
import { useTestServer } from './pgTestServer';
import { FIXTURE_KB_FILE, NO_MODEL, PACKAGE_ROOT } from './storeFixture';

// A session opened from the KB store alone (the editor's worker with only entityLinker.kb.store, `link --store URL`):
// no KB read in the process; linking, the panels' entity lookups and the picker's KB search are served by SQL.
const { server, dir } = useTestServer('el-store-alone-');
const root = PACKAGE_ROOT;
const noModel = NO_MODEL;
const kbFile = FIXTURE_KB_FILE;

/** Every message logged, to show what the session did (and did not) load. */
function recordingLogger(lines: string[]): Logger {
  const keep = (m: string): void => void lines.push(m);
  return { ...silentLogger, info: keep, warn: keep, debug: keep, error: (m) => keep(String(m)) };
}

void test('only a store URL, nothing to build, no KB named: the session opens from the store alone', () => {
  const base = { packageRoot: root, provider: 'cpu' as const, cacheDir: dir() };
  assert.equal(opensFromStoreAlone({ ...base, kbStore: 'postgres://u@h/db' }), true);
  assert.equal(opensFromStoreAlone({ ...base, kbStore: 'postgres://u@h/db', kbSources: [{ path: kbFile, format: 'jsonl' }] }), false, 'a KB named is loaded and checked');
  assert.equal(opensFromStoreAlone({ ...base, kbStore: 'postgres://u@h/db', kbConfig: 'kb.json' }), false);
  assert.equal(opensFromStoreAlone({ ...base, kbStore: 'postgres://u@h/db', buildStore: {} }), false, 'building needs the KB');
  assert.equal(opensFromStoreAlone(base), false);
});

void test('a session from the store alone links, looks entities up and searches the KB with no KB in the process', { skip: noModel }, async () => {
  const url = server().urlFor('alone');
  // Built once by a session that has the KB (what `index --kb ... --store URL` does).
  const builder = await openLinkingSession({ kbSources: [{ path: kbFile, format: 'jsonl' }], packageRoot: root, provider: 'cpu', cacheDir: path.join(dir(), 'build-cache'), kbStore: url, buildStore: {}, logger: silentLogger });
  await builder.dispose();

  const cacheDir = path.join(dir(), 'alone-cache');
  const lines: string[] = [];
  const handler = new LinkerRequestHandler(recordingLogger(lines));
  const signal = new AbortController().signal;
  try {
    const info = await handler.handle({ id: 1, kind: 'open', options: { packageRoot: root, provider: 'cpu', cacheDir, kbStore: url } }, signal, () => undefined);
    assert.equal(info.kbSize, 3);
    // No KB was read: no snapshot folder (every KB load reads or writes one), no "KB '...': N entities" line, and
    // what truly needs the KB refuses with what to do.
    assert.equal(fs.existsSync(path.join(cacheDir, 'kb')), false, 'no KB snapshot read or written');
    assert.ok(!lines.some((l) => l.startsWith("KB '")), lines.join('\n'));
    const session = (handler as unknown as { session: LinkingSession }).session;
    assert.equal(session.hasKb, false);
    assert.throws(() => session.kb, (e: unknown) => LinkerError.is(e, 'usage') && /--kb/.test((e as LinkerError).hint ?? ''));

    const linked = await handler.handle({ id: 2, kind: 'linkDocument', text: 'Douglas Adams wrote about the Universe.', topK: 3 }, signal, () => undefined);
    assert.deepEqual(linked.map((m) => [m.text, m.candidates[0]?.id]), [['Douglas Adams', 'Q42'], ['Universe', 'Q1']]);

    const found = await handler.handle({ id: 3, kind: 'entities', ids: ['Q1', 'nope', 'Q42'] }, signal, () => undefined);
    assert.deepEqual(found.map((e) => e?.title ?? null), ['Universe', null, 'Douglas Adams']);
    assert.deepEqual(found[2]?.aliases, ['Douglas Noel Adams', 'DNA']);

    // The picker's search as one types: a last word typed halfway, an alias, case and accents folded.
    const search = async (query: string): Promise<string[]> => (await handler.handle({ id: 4, kind: 'searchKb', query, limit: 5 }, signal, () => undefined)).map((h) => h.id);
    assert.deepEqual((await search('Douglas Ad')).slice(0, 1), ['Q42']);
    assert.deepEqual((await search('univ')).slice(0, 1), ['Q1']);
    assert.deepEqual((await search('dóuglas noel')).slice(0, 1), ['Q42']);
    assert.deepEqual(await search('zzzzqq'), []);
    assert.deepEqual(await search('  '), []);
  } finally {
    await handler.dispose();
  }
});

void test('a session from the store alone still refuses a store built with another model or template', { skip: noModel }, async () => {
  const url = server().urlFor('alone_tpl');
  const kb = { kbSources: [{ path: kbFile, format: 'jsonl' as const }], packageRoot: root, provider: 'cpu' as const, cacheDir: path.join(dir(), 'tpl-cache'), logger: silentLogger };
  const builder = await openLinkingSession({ ...kb, kbStore: url, buildStore: {}, linkerOptions: { template: { contextWords: 16, entityWords: 8, entityChars: 100, markers: ['[', ']'], separator: ' | ' } } });
  await builder.dispose();
  await assert.rejects(
    openLinkingSession({ packageRoot: root, provider: 'cpu', cacheDir: path.join(dir(), 'tpl-alone'), kbStore: url, logger: silentLogger }),
    (e: unknown) => LinkerError.is(e, 'indexStale') && /template/.test((e as Error).message),
  );
});
