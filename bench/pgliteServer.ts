/**
 * PGlite (PostgreSQL 18 compiled to WASM, single-threaded) with pgvector and pg_trgm, served on a free loopback
 * port by pglite-socket, for benches that need a PostgreSQL server when ENTITY_LINKER_PG_URL names none. Run as
 * a child process (startPglite) so that its memory and CPU are not the linking process's; it prints
 * `PGLITE <port>` when it accepts connections and exits when its stdin closes.
 *   node out/bench/pgliteServer.js
 */
import { spawn } from 'node:child_process';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface RunningServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** ENTITY_LINKER_PG_URL when set, else a PGlite child process. */
export async function startServer(): Promise<RunningServer & { readonly kind: 'external' | 'pglite' }> {
  const external = process.env.ENTITY_LINKER_PG_URL;
  if (external !== undefined && external !== '') return { kind: 'external', url: external, pid: 0, stop: async () => undefined };
  const child = spawn(process.execPath, [__filename], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PGLITE (\d+)/.exec(out);
      if (m !== null) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the PGlite server exited (code ${code}) before it was ready`)));
  });
  return {
    kind: 'pglite',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: child.pid ?? 0,
    stop: async () => {
      child.stdin.end();
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', () => resolve())));
    },
  };
}

async function serve(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { PGlite: PGliteClass } = require('@electric-sql/pglite') as { PGlite: typeof PGlite };
  const { vector } = require('@electric-sql/pglite-pgvector') as { vector: never };
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: never };
  const { PGLiteSocketServer: Server } = require('@electric-sql/pglite-socket') as { PGLiteSocketServer: typeof PGLiteSocketServer };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const db = await PGliteClass.create({ extensions: { vector, pg_trgm } });
  const server = new Server({ db, port: 0, host: '127.0.0.1', maxConnections: 8 });
  await server.start();
  process.stdout.write(`PGLITE ${server.getServerConn().split(':')[1]}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void server.stop().then(() => db.close()).then(() => process.exit(0));
  });
}

if (require.main === module) {
  serve().catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  });
}
