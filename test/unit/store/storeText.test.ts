import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isConnectionLoss, passwordFor } from '../../../src/core/store/pgConnection';
import { copyField } from '../../../src/core/store/pgRowWriter';
import { parseVectorLiteral, vectorLiteral } from '../../../src/core/store/pgSchema';
import { nameRowsOf } from '../../../src/core/store/pgStoreBuild';
import { parseStoreUrl, redactUrls } from '../../../src/core/store/storeUrl';

void test('store URLs: schema parameter taken out, TLS parameters kept, password redacted', () => {
  const loc = parseStoreUrl('postgres://linker:s3cret@db.example:6543/kb?schema=Wiki_KB&sslmode=verify-full');
  assert.equal(loc.schema, 'wiki_kb');
  assert.equal(loc.connectionString, 'postgres://linker:s3cret@db.example:6543/kb?sslmode=verify-full');
  assert.equal(loc.redacted, 'postgres://linker:***@db.example:6543/kb?schema=Wiki_KB&sslmode=verify-full');
  assert.deepEqual([loc.user, loc.host, loc.port, loc.database, loc.hasPassword], ['linker', 'db.example', '6543', 'kb', true]);
  assert.equal(parseStoreUrl('postgresql://db/kb').schema, 'entity_linker');
  assert.equal(parseStoreUrl('postgresql://db/kb').hasPassword, false);
  assert.throws(() => parseStoreUrl('mysql://u:pw@db/kb'), (e: unknown) => LinkerError.is(e, 'usage') && !(e as Error).message.includes('pw@'));
  // A port above 65535 is named (the URL parser only says "invalid"), the password still hidden.
  assert.throws(() => parseStoreUrl('postgres://u:pw@db:99999/kb'), (e: unknown) => LinkerError.is(e, 'usage') && /port 99999, above 65535/.test((e as Error).message) && !(e as Error).message.includes('pw@'));
  assert.throws(() => parseStoreUrl('postgres://db:5x/kb'), (e: unknown) => LinkerError.is(e, 'usage') && /is not a URL/.test((e as Error).message));
  assert.throws(() => parseStoreUrl('postgres://db/kb?schema=a;drop'), (e: unknown) => LinkerError.is(e, 'usage'));
  assert.equal(redactUrls('failed: postgres://u:p%40ss@h/db and host=h password=abc'), 'failed: postgres://u:***@h/db and host=h password=***');
});

void test('COPY text fields escape backslash, tab, newline and carriage return', () => {
  assert.equal(copyField('a\tb\nc\\d\re'), 'a\\tb\\nc\\\\d\\re');
  assert.equal(copyField(42), '42');
});

void test('pgvector text literals round-trip float32 values exactly', () => {
  const v = new Float32Array([0, 1, -1, 0.1, 1e-8, -3.4028234663852886e38, 0.333333343267]);
  assert.deepEqual(parseVectorLiteral(vectorLiteral(v)), v);
  assert.equal(vectorLiteral(v, 1, 3), '[1.00000000,-1.00000000]');
  assert.deepEqual(parseVectorLiteral('[]'), new Float32Array(0));
});

void test('name rows: one per distinct exact key and trigram key of the title and aliases', () => {
  const rows = nameRowsOf(3, { title: 'Dublin', aliases: ['DUBLIN', 'Baile Átha Cliath', ''] });
  assert.ok(rows.every((r) => r.row === 3));
  assert.ok(rows.some((r) => r.gram === 'baile atha cliath'), 'accents folded for pg_trgm');
  assert.equal(new Set(rows.map((r) => `${r.key}|${r.gram}`)).size, rows.length);
});

void test('connection loss is told apart from a bad statement', () => {
  assert.equal(isConnectionLoss(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), true);
  assert.equal(isConnectionLoss(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })), true);
  assert.equal(isConnectionLoss(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isConnectionLoss(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' })), false);
});

void test('a password the URL lacks comes from PGPASSWORD, then .pgpass; none is a clear error', async () => {
  const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-pgpass-'));
  const file = path.join(dir, 'pgpass');
  fs.writeFileSync(file, 'db.example:6543:kb:linker:from-pgpass\n*:*:*:other:not-this\n', { mode: 0o600 });
  const location = parseStoreUrl('postgres://linker@db.example:6543/kb?schema=w');
  try {
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = file;
    assert.equal(await passwordFor(location, 'from-secret-storage'), 'from-secret-storage');
    assert.equal(await passwordFor(location, undefined), 'from-pgpass');
    process.env.PGPASSWORD = 'from-env';
    assert.equal(await passwordFor(location, undefined), 'from-env');
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = path.join(dir, 'missing');
    await assert.rejects(passwordFor(location, undefined), (e: unknown) => LinkerError.is(e, 'storeUnavailable') && /asks for a password and none was found.*pgpass/s.test((e as Error).message));
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
