import type { Entity } from '../kb/entity';
import { ngramKey } from '../linker/ngramIndex';
import type { PgConnection } from './pgConnection';
import { readRecordsByRow } from './pgEntityRecords';
import { table } from './pgSchema';

/** Shortest query searched inside names (`LIKE '%q%'`): pg_trgm's index needs a trigram to narrow it. */
const SHORTEST_INFIX = 3;

/**
 * The candidate picker's live KB search served by the store (the embedded session's KbSearch over every title and
 * alias, without the KB in this process): the names table's trigram index (`names.gram`, case and accents folded)
 * answers "a name equal to the query", "a name starting with it", "a name holding it" (from 3 letters, which is how
 * a last word typed halfway is found) and pg_trgm word similarity (`<%`, the store's threshold), ranked in that
 * order, then by similarity; one statement, then one for the records of the rows found.
 */
export async function searchStoreNames(connection: PgConnection, query: string, limit: number): Promise<Entity[]> {
  const gram = ngramKey(query);
  const want = Math.max(0, Math.floor(limit));
  if (gram === '' || want === 0) return [];
  const escaped = gram.replace(/[\\%_]/g, (c) => `\\${c}`);
  const names = table(connection.location, 'names');
  const inside = gram.length >= SHORTEST_INFIX ? ` OR gram LIKE '%' || $2 || '%'` : '';
  const rows = await connection.read<{ row: number }>(
    `SELECT row, max(CASE WHEN gram = $1 THEN 3 WHEN gram LIKE $2 || '%' THEN 2 WHEN gram LIKE '%' || $2 || '%' THEN 1 ELSE 0 END + word_similarity($1, gram)) AS score
     FROM ${names} WHERE gram = $1 OR gram LIKE $2 || '%'${inside} OR $1 <% gram
     GROUP BY row ORDER BY score DESC, row LIMIT $3`,
    [gram, escaped, want],
  );
  return readRecordsByRow(
    connection,
    rows.map((r) => Number(r.row)),
  );
}
