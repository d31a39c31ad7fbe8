import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import * as net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * A PostgreSQL server for the store tests: the one named by ENTITY_LINKER_PG_URL (a fresh schema per run,
 * dropped at the end), else PGlite (Postgres compiled to WASM, with pgvector and pg_trgm) served on a free
 * loopback port by pglite-socket. Either way the tests talk to it with `pg` over the wire, through a TCP relay
 * that can cut every open connection (a lost connection) and refuse new ones (a server that is down).
 */
export interface TestServer {
  /** postgres:// URL of the relay, with `?schema=` set to this run's schema. */
  readonly url: string;
  /** The same URL with another schema of this run (`<run schema>_<suffix>`, dropped at the end too). */
  urlFor(suffix: string): string;
  readonly kind: 'pglite' | 'external';
  /** Destroys every open connection through the relay; new ones still pass. */
  cutConnections(): void;
  /** While down, new connections are refused as well. */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const schema = `el_test_${randomBytes(4).toString('hex')}`;
  const external = process.env.ENTITY_LINKER_PG_URL;
  let target: { host: string; port: number };
  let base: URL;
  let stopServer: () => Promise<void>;
  if (external !== undefined && external !== '') {
    base = new URL(external);
    target = { host: base.hostname, port: Number(base.port || 5432) };
    stopServer = async () => {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: external });
      await client.connect();
      const made = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`${schema}%`]);
      for (const { nspname } of made.rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
      await client.end();
    };
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PGlite: PGliteClass } = require('@electric-sql/pglite') as { PGlite: typeof PGlite };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { vector } = require('@electric-sql/pglite-pgvector') as { vector: never };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: never };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PGLiteSocketServer: Server } = require('@electric-sql/pglite-socket') as { PGLiteSocketServer: typeof PGLiteSocketServer };
    const db = await PGliteClass.create({ extensions: { vector, pg_trgm } });
    const server = new Server({ db, port: 0, host: '127.0.0.1', maxConnections: 8 });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    target = { host, port: Number(port) };
    base = new URL(`postgres://postgres@${host}:${port}/postgres`);
    stopServer = async () => {
      await server.stop();
      await db.close();
    };
  }
  const relay = await startRelay(target);
  base.hostname = '127.0.0.1';
  base.port = String(relay.port);
  base.searchParams.set('schema', schema);
  return {
    url: base.toString(),
    urlFor: (suffix) => {
      const u = new URL(base.toString());
      u.searchParams.set('schema', `${schema}_${suffix}`);
      return u.toString();
    },
    kind: external !== undefined && external !== '' ? 'external' : 'pglite',
    cutConnections: () => relay.cut(),
    setDown: (down) => (relay.down = down),
    stop: async () => {
      relay.down = false;
      relay.cut();
      await new Promise<void>((resolve) => relay.server.close(() => resolve()));
      await stopServer();
    },
  };
}

interface Relay {
  readonly server: net.Server;
  readonly port: number;
  down: boolean;
  cut(): void;
}

async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const open = new Set<net.Socket>();
  const relay: Relay = {
    server: net.createServer((client) => {
      if (relay.down) {
        client.destroy();
        return;
      }
      const upstream = net.connect(target.port, target.host);
      open.add(client);
      open.add(upstream);
      const close = (): void => {
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream);
      upstream.pipe(client);
    }),
    port: 0,
    down: false,
    cut: () => {
      for (const s of open) s.destroy();
      open.clear();
    },
  };
  await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', () => resolve()));
  (relay as { port: number }).port = (relay.server.address() as net.AddressInfo).port;
  return relay;
}

/** A test file's server and scratch folder: started before its tests, stopped and removed after them. */
export function useTestServer(prefix: string): { readonly server: () => TestServer; readonly dir: () => string } {
  let server: TestServer | undefined;
  let dir: string | undefined;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });
  return { server: () => server!, dir: () => dir! };
}
