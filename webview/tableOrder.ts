/**
 * The order of a table's rows (no DOM, so it is unit-tested under Node): sorted by a column's key, with pinned
 * rows (a summary such as the Agreement tab's "overall") kept first in their own order whatever the sort.
 */

export interface SortSpec<T> {
  readonly key: (row: T) => number | string;
  readonly descending: boolean;
}

/** Numbers compare as numbers, anything else as text; the sort is stable, so equal keys keep their order. */
export function orderRows<T>(rows: readonly T[], sort: SortSpec<T> | undefined, pinned?: (row: T) => boolean): T[] {
  const top = pinned === undefined ? [] : rows.filter(pinned);
  const rest = pinned === undefined ? [...rows] : rows.filter((r) => !pinned(r));
  if (sort !== undefined) {
    const sign = sort.descending ? -1 : 1;
    rest.sort((a, b) => {
      const ka = sort.key(a);
      const kb = sort.key(b);
      return sign * (typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb)));
    });
  }
  return [...top, ...rest];
}
