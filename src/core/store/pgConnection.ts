import type * as Pg from 'pg';
import type { Client, ClientConfig, QueryResultRow } from 'pg';
import type * as PgConnectionString from 'pg-connection-string';
import { LinkerError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { redactUrls, type StoreLocation } from './storeUrl';

type PgModule = typeof Pg;
type PgPassLookup = (connInfo: { host?: string; port?: number | string; database?: string; user?: string }, cb: (password: string | undefined) => void) => void;

let pgModule: PgModule | undefined;

/** Loads `pg` on first use: sessions without a store never load it (and its optional pg-native is never asked for). */
function loadPg(): PgModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pgModule ??= require('pg') as PgModule;
  return pgModule;
}

export interface PgConnectionOptions {
  readonly location: StoreLocation;
  /** A password from elsewhere (the editor's SecretStorage). Without it and without one in the URL: PGPASSWORD, then .pgpass. */
  readonly password?: string;
  /** Limit of one query in ms (lookups); absent: none (a build's index creation takes minutes). */
  readonly queryTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Session settings run on every new connection (search parameters), so a reconnect keeps them. */
  readonly onConnect?: readonly string[];
  readonly logger?: Logger;
}

/**
 * One connection to the store's server, opened on first use and opened again after it is lost. A read that
 * fails because the connection went away (server restart, network drop, idle kill) is retried once on a fresh
 * connection; when that fails too the caller gets a `storeUnavailable` error naming the server (password
 * redacted), and the next call tries again, so a worker is never left holding a dead connection.
 */
export class PgConnection {
  private client: Client | undefined;
  private opening: Promise<Client> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: PgConnectionOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get location(): StoreLocation {
    return this.options.location;
  }

  /** A read: retried once on a fresh connection when the connection was lost. */
  async read<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      return await this.run<R>(sql, params);
    } catch (e) {
      if (!isConnectionLoss(e)) throw this.queryError(e, sql);
      this.logger.warn(`KB store ${this.location.redacted}: connection lost (${redactUrls((e as Error).message)}); reconnecting once.`);
      await this.drop();
      try {
        return await this.run<R>(sql, params);
      } catch (again) {
        if (isConnectionLoss(again)) await this.drop();
        throw this.queryError(again, sql);
      }
    }
  }

  /** A statement that is not retried (a write; a transaction's step): errors are mapped but not retried. */
  async write(sql: string, params: readonly unknown[] = []): Promise<void> {
    try {
      await this.run(sql, params);
    } catch (e) {
      if (isConnectionLoss(e)) await this.drop();
      throw this.queryError(e, sql);
    }
  }

  /** The open client, for what needs it whole (a COPY stream). */
  async connected(): Promise<Client> {
    if (this.client !== undefined) return this.client;
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private async run<R extends QueryResultRow>(sql: string, params: readonly unknown[]): Promise<R[]> {
    const client = await this.connected();
    const result = await client.query<R>(sql, params as unknown[]);
    return result.rows;
  }

  private async open(): Promise<Client> {
    const { location } = this.options;
    const pg = loadPg();
    // Parsed here rather than passed as connectionString: pg would let the URL's (absent) password override the
    // password function, and fall back to its own deprecated .pgpass lookup.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseIntoClientConfig } = require('pg-connection-string') as typeof PgConnectionString;
    const config: ClientConfig = {
      application_name: 'entity-linker',
      ...parseIntoClientConfig(location.connectionString),
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      ...(this.options.queryTimeoutMs === undefined ? {} : { query_timeout: this.options.queryTimeoutMs }),
      ...(location.hasPassword ? {} : { password: () => passwordFor(location, this.options.password) }),
    };
    const client = new pg.Client(config);
    // An idle connection the server drops emits 'error': without a listener that would end the process.
    client.on('error', (e) => {
      this.logger.warn(`KB store ${location.redacted}: ${redactUrls(e.message)}`);
      if (this.client === client) this.client = undefined;
    });
    client.on('end', () => {
      if (this.client === client) this.client = undefined;
    });
    try {
      await client.connect();
      for (const sql of this.options.onConnect ?? []) await client.query(sql);
    } catch (e) {
      client.end().catch(() => undefined);
      throw unavailable(location, e);
    }
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.end().catch(() => undefined);
  }

  private queryError(e: unknown, sql: string): Error {
    if (e instanceof LinkerError) return e;
    if (isConnectionLoss(e)) return unavailable(this.location, e);
    const message = redactUrls((e as Error).message);
    return new LinkerError('internal', `KB store ${this.location.redacted}: ${message} (in: ${sql.replace(/\s+/g, ' ').slice(0, 120)})`, { cause: e });
  }
}

function unavailable(location: StoreLocation, e: unknown): LinkerError {
  if (e instanceof LinkerError) return e;
  const code = (e as { code?: string }).code;
  const detail = redactUrls((e as Error).message || String(code ?? e));
  const auth = code === '28P01' || code === '28000';
  return new LinkerError('storeUnavailable', `The KB store ${location.redacted} could not be reached: ${detail}.`, {
    hint: auth
      ? 'Check the user and password (URL, PGPASSWORD, ~/.pgpass, or in the editor "Entity Linker: Set KB Store Password").'
      : 'Check that the server is running and reachable (host, port, sslmode); the next request tries again.',
  });
}

/** Errors that mean the connection is gone (not that the statement was wrong). */
export function isConnectionLoss(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/.test(code)) return true;
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|connection error|not queryable|Query read timeout|timeout expired|socket hang up/i.test(message);
}

/**
 * The password when the server asks for one and the URL has none: the given one (SecretStorage), PGPASSWORD,
 * then the matching line of ~/.pgpass (or PGPASSFILE); a clear error when there is none.
 */
export async function passwordFor(location: StoreLocation, given: string | undefined): Promise<string> {
  if (given !== undefined && given !== '') return given;
  const env = process.env.PGPASSWORD;
  if (env !== undefined && env !== '') return env;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pgpass = require('pgpass') as PgPassLookup;
  const fromFile = await new Promise<string | undefined>((resolve) =>
    pgpass(
      {
        host: location.host ?? process.env.PGHOST ?? 'localhost',
        port: location.port ?? process.env.PGPORT ?? 5432,
        database: location.database ?? process.env.PGDATABASE ?? location.user ?? process.env.PGUSER,
        user: location.user ?? process.env.PGUSER,
      },
      resolve,
    ),
  );
  if (fromFile !== undefined && fromFile !== '') return fromFile;
  throw new LinkerError('storeUnavailable', `The KB store ${location.redacted} asks for a password and none was found.`, {
    hint: 'Set PGPASSWORD or add a line to ~/.pgpass (or the file PGPASSFILE names); in the editor run "Entity Linker: Set KB Store Password".',
  });
}
