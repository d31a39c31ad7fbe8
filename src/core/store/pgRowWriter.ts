import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as PgCopyStreams from 'pg-copy-streams';
import type { PgConnection } from './pgConnection';
import type { StoredVectorType } from './pgSchema';

/**
 * How rows go into the server. `copy`: COPY FROM STDIN (pg-copy-streams), the fast path of a real server.
 * `insert`: one INSERT ... SELECT FROM unnest($arrays) per batch and table (4 parameters however many rows),
 * for servers that do not speak the COPY sub-protocol over the wire (PGlite served by pglite-socket loses
 * protocol synchronisation on CopyData).
 */
export type RowWriterKind = 'copy' | 'insert';

export interface EntityRow {
  readonly row: number;
  readonly id: string;
  readonly title: string;
  readonly text: string;
  /** A PostgreSQL array literal (textArrayLiteral). */
  readonly aliases: string;
  readonly type: string | null;
  readonly prior: number | null;
  /** pgvector text form. */
  readonly embedding: string;
}

export interface NameRow {
  readonly row: number;
  readonly key: string;
  readonly gram: string;
}

export interface RowWriter {
  readonly kind: RowWriterKind;
  entities(table: string, rows: readonly EntityRow[]): Promise<void>;
  names(table: string, rows: readonly NameRow[]): Promise<void>;
}

export function rowWriter(kind: RowWriterKind, connection: PgConnection, vectorType: StoredVectorType): RowWriter {
  return kind === 'copy' ? copyWriter(connection) : insertWriter(connection, vectorType);
}

/** The COPY text format of one field: backslash, tab, newline and carriage return escaped; null as `\N`. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  return typeof value === 'number' ? String(value) : value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function copyWriter(connection: PgConnection): RowWriter {
  const copy = async (sql: string, lines: Iterable<string>): Promise<void> => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { from } = require('pg-copy-streams') as typeof PgCopyStreams;
    const client = await connection.connected();
    await pipeline(Readable.from(lines), client.query(from(sql)));
  };
  return {
    kind: 'copy',
    entities: (table, rows) =>
      copy(
        `COPY ${table} (row, id, title, text, aliases, type, prior, embedding) FROM STDIN`,
        rows.map((r) => `${r.row}\t${[r.id, r.title, r.text, r.aliases, r.type, r.prior].map(copyField).join('\t')}\t${r.embedding}\n`),
      ),
    names: (table, rows) => copy(`COPY ${table} (row, key, gram) FROM STDIN`, rows.map((r) => `${r.row}\t${copyField(r.key)}\t${copyField(r.gram)}\n`)),
  };
}

function insertWriter(connection: PgConnection, vectorType: StoredVectorType): RowWriter {
  return {
    kind: 'insert',
    entities: (table, rows) =>
      // aliases travel as array literals (unnest of a text[][] would flatten them) and are cast per row.
      connection.write(
        `INSERT INTO ${table} (row, id, title, text, aliases, type, prior, embedding) SELECT r, i, ti, tx, a::text[], ty, p, e FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::${vectorType}[]) AS u(r, i, ti, tx, a, ty, p, e)`,
        [rows.map((r) => r.row), rows.map((r) => r.id), rows.map((r) => r.title), rows.map((r) => r.text), rows.map((r) => r.aliases), rows.map((r) => r.type), rows.map((r) => r.prior), rows.map((r) => r.embedding)],
      ),
    names: (table, rows) =>
      connection.write(`INSERT INTO ${table} (row, key, gram) SELECT * FROM unnest($1::integer[], $2::text[], $3::text[])`, [
        rows.map((r) => r.row),
        rows.map((r) => r.key),
        rows.map((r) => r.gram),
      ]),
  };
}
