import { LinkerError } from '../errors';

/** Where a PostgreSQL KB store lives: the connection URL (for `pg`) and the schema its tables are in. */
export interface StoreLocation {
  /** The URL as given less the `schema` parameter (sslmode and the other libpq parameters stay). */
  readonly connectionString: string;
  readonly schema: string;
  /** The URL (schema included) with any password replaced by `***`: the only form that may appear in a message or a log. */
  readonly redacted: string;
  readonly user?: string;
  readonly host?: string;
  readonly port?: string;
  readonly database?: string;
  /** True when the URL itself carries a password (then no other source is asked). */
  readonly hasPassword: boolean;
}

export const DEFAULT_STORE_SCHEMA = 'entity_linker';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@\s]*@/gi;
const KEYWORD_PASSWORD = /\b(password\s*=\s*)('[^']*'|\S+)/gi;

/** `postgres://USER[:PASSWORD]@HOST:PORT/DB[?schema=NAME&sslmode=...]` parsed; a clear usage error otherwise. */
export function parseStoreUrl(url: string): StoreLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL parser refuses a port above 65535 without saying so: name it.
    const port = /^postgres(?:ql)?:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(url.trim())?.[1];
    if (port !== undefined && Number(port) > 65535) {
      throw new LinkerError('usage', `The KB store '${redactUrls(url)}' has port ${port}, above 65535.`, { hint: 'PostgreSQL listens on 5432 unless configured otherwise: postgres://USER@HOST:5432/DB.' });
    }
    throw new LinkerError('usage', `The KB store '${redactUrls(url)}' is not a URL.`, { hint: 'Use postgres://USER@HOST:PORT/DB[?schema=NAME].' });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new LinkerError('usage', `The KB store '${redactUrls(url)}' is not a postgres:// URL.`, { hint: 'Use postgres://USER@HOST:PORT/DB[?schema=NAME].' });
  }
  const schema = (parsed.searchParams.get('schema') ?? DEFAULT_STORE_SCHEMA).toLowerCase();
  if (!SCHEMA_NAME.test(schema)) {
    throw new LinkerError('usage', `The KB store's schema '${schema}' is not a plain SQL name.`, { hint: 'Use letters, digits and underscores, starting with a letter (e.g. ?schema=wiki_kb).' });
  }
  const redacted = redactUrls(parsed.toString());
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  const decode = (s: string): string | undefined => (s === '' ? undefined : decodeURIComponent(s));
  return {
    connectionString,
    schema,
    redacted,
    user: decode(parsed.username),
    host: decode(parsed.hostname),
    port: decode(parsed.port),
    database: decode(parsed.pathname.replace(/^\//, '')),
    hasPassword: parsed.password !== '',
  };
}

/** Every postgres URL (and libpq `password=`) in `text` with the password replaced by `***` (messages, logs, driver errors). */
export function redactUrls(text: string): string {
  return text.replace(URL_PASSWORD, '$1:***@').replace(KEYWORD_PASSWORD, '$1***');
}

/** `schema.name` quoted for SQL (the schema was checked by parseStoreUrl). */
export function qualified(location: Pick<StoreLocation, 'schema'>, name: string): string {
  return `"${location.schema}"."${name}"`;
}
