import type { Entity } from './entity';
import type { KbReadOptions } from './kbReadOptions';
import { RecordProblems, detach, splitAliases } from './kbReadOptions';
import type { ResolvedColumns } from './columnRules';
import { exactFieldOfName, positionalColumns, resolveColumns } from './columnRules';
import type { CsvRow } from './csvRowParser';
import { CsvRowParser } from './csvRowParser';
import { makeEntity } from './jsonLineReaders';
import { readTextChunks } from './lineReader';
import { LinkerError } from '../errors';

/** Rows of a CSV/TSV file, streamed chunk by chunk with byte progress (encoding by BOM, see lineReader). */
async function* readRows(file: string, delimiter: string, options: KbReadOptions): AsyncGenerator<CsvRow> {
  const parser = new CsvRowParser(delimiter);
  let rows: CsvRow[] = [];
  const collect = (row: CsvRow): void => void rows.push(row);
  for await (const chunk of readTextChunks(file, { signal: options.signal, onProgress: options.onProgress })) {
    parser.push(chunk, collect);
    const ready = rows;
    rows = [];
    yield* ready;
  }
  parser.end(collect);
  yield* rows;
}

/** A first row is a header when a cell is exactly a known column name (ids and titles rarely are). */
function looksLikeHeader(fields: readonly string[]): boolean {
  return fields.some((f) => exactFieldOfName(f.trim()) !== undefined);
}

/**
 * CSV (`,`) or TSV (tab) with or without a header. With one, columns are found by name (id/qid/item,
 * title/name/label, text/description, aliases/altLabel, type) unless `columns` names them; without one,
 * by position (id, title, text, aliases, type) unless `columns` gives positions. Alias cells split on ; or |.
 */
export async function* readDelimitedKb(file: string, delimiter: ',' | '\t', options: KbReadOptions = {}): AsyncGenerator<Entity> {
  const problems = new RecordProblems(options);
  const withSource = options.sourceLocations ?? true;
  const kind = delimiter === ',' ? 'CSV' : 'TSV';
  let columns: ResolvedColumns | undefined;
  // Every row must have as many fields as the header (or, without one, the first row): a ragged row means a
  // stray or missing delimiter, and taking its fields by position would put text in the wrong field silently.
  let width = 0;
  let widthFrom = '';
  for await (const row of readRows(file, delimiter, options)) {
    if (columns === undefined) {
      // A mapping by column name only makes sense with a header, so it implies one.
      const byName = Object.values(options.columns ?? {}).some((ref) => typeof ref === 'string');
      const header = options.header ?? (byName || looksLikeHeader(row.fields));
      const resolved = header ? resolveColumns(row.fields.map((f) => f.trim()), options.columns) : positionalColumns(row.fields.length, options.columns);
      if (resolved.unknown.length > 0) {
        throw new LinkerError('inputFormat', `${kind} column mapping names columns the file does not have: ${resolved.unknown.join(', ')}.`, {
          location: { file, line: row.lineNo },
          hint: header ? `The header is: ${row.fields.join(', ')}.` : 'Without a header, give 0-based positions.',
        });
      }
      columns = resolved.columns;
      width = row.fields.length;
      widthFrom = header ? `the header (line ${row.lineNo})` : `the first row (line ${row.lineNo})`;
      if (columns.id === undefined) {
        throw new LinkerError('inputFormat', `No id column in ${kind} ${header ? 'header' : 'file'}.`, {
          location: { file, line: row.lineNo },
          hint: header ? `Name one column id (or qid/item/entity/iri), or map it: columns: {"id": "<header>"}. The header is: ${row.fields.join(', ')}.` : 'Map it by position: columns: {"id": 0}.',
        });
      }
      if (header) continue;
    }
    if (row.error !== undefined) {
      problems.bad(file, row.lineNo, row.error, `Fix the ${kind} quoting: a field holding "${delimiter === ',' ? ',' : 'TAB'}", quotes or line breaks must be wholly quoted, with inner quotes doubled.`);
      continue;
    }
    if (row.fields.length !== width) {
      problems.bad(file, row.lineNo, `the row has ${row.fields.length} fields, ${widthFrom} has ${width}`, `Every ${kind} row needs the same number of fields: quote fields holding "${delimiter === ',' ? ',' : 'TAB'}", and write empty fields as empty cells.`);
      continue;
    }
    const cell = (field: keyof ResolvedColumns): string => {
      const index = columns?.[field];
      return index === undefined ? '' : (row.fields[index] ?? '').trim();
    };
    const id = cell('id');
    if (id === '') {
      problems.bad(file, row.lineNo, `the id column is empty (row of ${row.fields.length} fields)`, `Every ${kind} row needs an id; check the column mapping and the delimiter.`);
      continue;
    }
    const aliases = splitAliases(cell('aliases')).map(detach);
    const type = cell('type');
    yield makeEntity(detach(id), detach(cell('title')), detach(cell('text')), aliases, type === '' ? undefined : detach(type), withSource ? `${file}:${row.lineNo}` : undefined);
  }
}
