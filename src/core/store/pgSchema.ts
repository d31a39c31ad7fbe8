import { LinkerError } from '../errors';
import type { PgConnection } from './pgConnection';
import { qualified, type StoreLocation } from './storeUrl';

/** Bump when the tables change: a store of another version is rebuilt by `index`, refused by linking. */
export const PG_STORE_VERSION = '2';

export type StoredVectorType = 'vector' | 'halfvec';

/** What a store was built from; linking checks each against the session's own. */
export interface StoreStamp {
  readonly version: string;
  readonly modelId: string;
  readonly kbHash: string;
  readonly templateId: string;
  readonly dims: number;
  readonly vectorType: StoredVectorType;
  readonly entities: number;
}

/** The stamp plus how far the build got: rows written, and whether the indexes are built. */
export interface StoreState {
  readonly stamp: StoreStamp;
  readonly rowsDone: number;
  readonly complete: boolean;
}

export function table(location: Pick<StoreLocation, 'schema'>, name: 'stamp' | 'progress' | 'entities' | 'names'): string {
  return qualified(location, name);
}

/** The tables of a fresh store (the schema is dropped first by the caller when it held another build). */
export function createTablesSql(location: StoreLocation, stamp: StoreStamp): string[] {
  const s = `"${location.schema}"`;
  return [
    'CREATE EXTENSION IF NOT EXISTS vector',
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE ${table(location, 'stamp')} (key text PRIMARY KEY, value text NOT NULL)`,
    `CREATE TABLE ${table(location, 'progress')} (step text PRIMARY KEY, done integer NOT NULL)`,
    // The whole record (v2), so a linking process reads the rows it needs instead of loading the KB (entityRecords.ts).
    `CREATE TABLE ${table(location, 'entities')} (row integer PRIMARY KEY, id text NOT NULL, title text NOT NULL, text text NOT NULL, aliases text[] NOT NULL, type text, prior float8, embedding ${stamp.vectorType}(${stamp.dims}) NOT NULL)`,
    // key: the linker's nameKey (exact names); gram: ngramKey (case and accents folded) for pg_trgm.
    `CREATE TABLE ${table(location, 'names')} (row integer NOT NULL, key text NOT NULL, gram text NOT NULL)`,
  ];
}

/** The search indexes, built after the rows are in (much faster than maintaining them row by row). */
export function createIndexesSql(location: StoreLocation, stamp: StoreStamp, hnsw: { m: number; efConstruction: number }): { step: string; sql: string }[] {
  const ops = stamp.vectorType === 'halfvec' ? 'halfvec_ip_ops' : 'vector_ip_ops';
  const name = (n: string): string => `"${location.schema}_${n}"`;
  return [
    { step: 'index:entities_id', sql: `CREATE UNIQUE INDEX IF NOT EXISTS ${name('entities_id')} ON ${table(location, 'entities')} (id)` },
    { step: 'index:names_key', sql: `CREATE INDEX IF NOT EXISTS ${name('names_key')} ON ${table(location, 'names')} (key)` },
    { step: 'index:names_gram', sql: `CREATE INDEX IF NOT EXISTS ${name('names_gram')} ON ${table(location, 'names')} USING gin (gram gin_trgm_ops)` },
    {
      step: 'index:hnsw',
      sql: `CREATE INDEX IF NOT EXISTS ${name('entities_hnsw')} ON ${table(location, 'entities')} USING hnsw (embedding ${ops}) WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction})`,
    },
    { step: 'analyze', sql: `ANALYZE ${table(location, 'entities')}; ANALYZE ${table(location, 'names')}` },
  ];
}

/** The store's stamp and progress, or undefined when the schema holds no store (never built, or dropped). */
export async function readStoreState(connection: PgConnection): Promise<StoreState | undefined> {
  const location = connection.location;
  const exists = await connection.read<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`"${location.schema}".stamp`]);
  if (exists[0]?.ok !== true) return undefined;
  const rows = await connection.read<{ key: string; value: string }>(`SELECT key, value FROM ${table(location, 'stamp')}`);
  const values = new Map(rows.map((r) => [r.key, r.value]));
  const progress = await connection.read<{ step: string; done: number }>(`SELECT step, done FROM ${table(location, 'progress')}`);
  const steps = new Map(progress.map((p) => [p.step, p.done]));
  const get = (key: string): string => {
    const v = values.get(key);
    if (v === undefined) {
      throw new LinkerError('indexCorrupt', `The KB store ${location.redacted} has no '${key}' in its stamp table.`, {
        hint: 'Rebuild it with `entity-linker index --store URL` (the schema is replaced).',
      });
    }
    return v;
  };
  const vectorType = get('vectorType');
  return {
    stamp: {
      version: get('version'),
      modelId: get('modelId'),
      kbHash: get('kbHash'),
      templateId: get('templateId'),
      dims: Number(get('dims')),
      vectorType: vectorType === 'halfvec' ? 'halfvec' : 'vector',
      entities: Number(get('entities')),
    },
    rowsDone: steps.get('rows') ?? 0,
    complete: steps.get('complete') === 1,
  };
}

/** Why a store built with `have` cannot serve a session that needs `want`; undefined when it can. */
export function stampMismatch(have: StoreStamp, want: Omit<StoreStamp, 'vectorType' | 'entities'>): string | undefined {
  if (have.version !== want.version) return `it has table layout version ${have.version}, this program needs ${want.version}`;
  if (have.modelId !== want.modelId) return `it was built with model ${have.modelId.slice(0, 12)}, but this session uses model ${want.modelId.slice(0, 12)}`;
  if (have.kbHash !== want.kbHash) return `it was built from a KB with content hash ${have.kbHash.slice(0, 12)}, but the KB now hashes to ${want.kbHash.slice(0, 12)} (the KB changed)`;
  if (have.templateId !== want.templateId) return `its entity texts were made with template ${have.templateId}, this session uses ${want.templateId}`;
  if (have.dims !== want.dims) return `it holds ${have.dims}-d vectors, the model makes ${want.dims}-d ones`;
  return undefined;
}

/** A Float32Array in pgvector's text form, `[x,y,...]`, 9 significant digits (a float32 round-trips exactly). */
export function vectorLiteral(v: Float32Array, from = 0, to = v.length): string {
  let out = '[';
  for (let i = from; i < to; i++) {
    if (i > from) out += ',';
    const x = v[i];
    out += x === 0 ? '0' : x.toPrecision(9);
  }
  return `${out}]`;
}

/** pgvector's text form (vector or halfvec) back to floats. */
export function parseVectorLiteral(text: string): Float32Array {
  const body = text.charCodeAt(0) === 91 ? text.slice(1, -1) : text;
  if (body.length === 0) return new Float32Array(0);
  const parts = body.split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}

/** A PostgreSQL array literal of texts, `{"a","b"}` (each element quoted; backslash and quote escaped). */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
