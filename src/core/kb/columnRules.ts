import type { ColumnMapping, KbField } from './kbReadOptions';

/**
 * Which KB field a column header or SPARQL variable name stands for. Names are compared without case,
 * spaces, dashes or underscores. Wikidata's label-service names (`itemLabel`, `itemDescription`,
 * `itemAltLabel`) are recognised through their suffix.
 */
const EXACT: ReadonlyArray<readonly [KbField, readonly string[]]> = [
  ['id', ['id', 'iri', 'uri', 'item', 'entity', 'qid', 'kbid', 'entityid', 'curid', 'documentid', 'idx']],
  ['title', ['title', 'label', 'name', 'preflabel', 'entityname']],
  ['text', ['text', 'desc', 'description', 'comment', 'abstract', 'definition', 'gloss']],
  ['aliases', ['aliases', 'alias', 'altlabel', 'altlabels', 'synonyms', 'alsoknownas']],
  ['type', ['type', 'typelabel', 'class', 'category']],
];

const SUFFIX: ReadonlyArray<readonly [KbField, string]> = [
  ['aliases', 'altlabel'],
  ['title', 'label'],
  ['text', 'description'],
];

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The field a name denotes exactly (no suffix rules): what header detection trusts. */
export function exactFieldOfName(name: string): KbField | undefined {
  const n = normaliseName(name);
  for (const [field, names] of EXACT) if (names.includes(n)) return field;
  return undefined;
}

/** The field a name denotes by the rules, or undefined. */
export function fieldOfName(name: string): KbField | undefined {
  const exact = exactFieldOfName(name);
  if (exact !== undefined) return exact;
  const n = normaliseName(name);
  for (const [field, suffix] of SUFFIX) if (n.length > suffix.length && n.endsWith(suffix)) return field;
  return undefined;
}

/** A resolved mapping: field -> column index. */
export type ResolvedColumns = Partial<Record<KbField, number>>;

/**
 * Resolves columns for named headers: explicit entries first (a name or a position), then the name rules
 * fill the fields still unset; the first column a rule matches wins. Returns the unresolvable explicit
 * entries so the caller can name them in its error.
 */
export function resolveColumns(headers: readonly string[], explicit: ColumnMapping | undefined): { columns: ResolvedColumns; unknown: string[] } {
  const columns: ResolvedColumns = {};
  const unknown: string[] = [];
  const taken = new Set<number>();
  for (const [field, ref] of Object.entries(explicit ?? {}) as Array<[KbField, string | number | undefined]>) {
    if (ref === undefined) continue;
    let index: number;
    if (typeof ref === 'number') index = ref;
    else {
      index = headers.indexOf(ref);
      if (index < 0) index = headers.findIndex((h) => normaliseName(h) === normaliseName(ref));
    }
    if (index < 0 || index >= headers.length) unknown.push(`${field}=${String(ref)}`);
    else {
      columns[field] = index;
      taken.add(index);
    }
  }
  headers.forEach((h, i) => {
    if (taken.has(i)) return;
    const field = fieldOfName(h);
    if (field !== undefined && columns[field] === undefined) {
      columns[field] = i;
      taken.add(i);
    }
  });
  return { columns, unknown };
}

/** Columns without a header: explicit positions, else id, title, text, aliases, type in that order. */
export function positionalColumns(width: number, explicit: ColumnMapping | undefined): { columns: ResolvedColumns; unknown: string[] } {
  const unknown: string[] = [];
  if (explicit !== undefined && Object.keys(explicit).length > 0) {
    const columns: ResolvedColumns = {};
    for (const [field, ref] of Object.entries(explicit) as Array<[KbField, string | number | undefined]>) {
      if (ref === undefined) continue;
      if (typeof ref === 'number' && ref >= 0) columns[field] = ref;
      else unknown.push(`${field}=${String(ref)} (a file without a header takes 0-based positions)`);
    }
    return { columns, unknown };
  }
  const order: KbField[] = ['id', 'title', 'text', 'aliases', 'type'];
  const columns: ResolvedColumns = {};
  order.slice(0, Math.max(width, 2)).forEach((f, i) => (columns[f] = i));
  return { columns, unknown };
}
