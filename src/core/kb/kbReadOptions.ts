import type { ProgressListener } from '../log';
import { LinkerError } from '../errors';

/** A KB field a column (CSV/TSV) or a variable (SPARQL) can fill. */
export type KbField = 'id' | 'title' | 'text' | 'aliases' | 'type';

/** Which column feeds which field: a header name, or a 0-based position. */
export type ColumnMapping = Partial<Record<KbField, string | number>>;

/** WordNet parts of speech as data files name them; adjective satellites ('s') live with 'a'. */
export type WordNetPos = 'n' | 'v' | 'a' | 'r';

/** A record a lenient read skipped: where, and why. The raw line is not kept (it may be huge). */
export interface SkippedRecord {
  readonly file: string;
  /** 1-based line; 0 when the record has no line of its own (a SPARQL binding: the reason names its index). */
  readonly line: number;
  readonly reason: string;
}

/** What any reader accepts. Format-specific fields are ignored by the other readers. */
export interface KbReadOptions {
  /** Stop at the first bad record with a `kbRecord` LinkerError (default); false skips it and reports it. */
  readonly strict?: boolean;
  readonly signal?: AbortSignal;
  /** Bytes read of the file's total, throttled to about one call per percent. */
  readonly onProgress?: ProgressListener;
  /** Called for every record a lenient read skips. */
  readonly onSkip?: (skip: SkippedRecord) => void;
  /** CSV/TSV columns or SPARQL variables; overrides the name rules. */
  readonly columns?: ColumnMapping;
  /** CSV/TSV: whether the first row is a header; absent = detect from the cell names. */
  readonly header?: boolean;
  /** WordNet parts of speech to load; default nouns only. */
  readonly pos?: readonly WordNetPos[];
  /** SPARQL: the preferred label language (default 'en'); labels in other languages become aliases. */
  readonly lang?: string;
  /** Record "file:line" on every entity (default true); off saves memory on huge KBs. */
  readonly sourceLocations?: boolean;
}

/**
 * Strict/lenient handling in one place: every reader reports a bad record here, which either throws the
 * typed error (strict) or hands the skip to the caller (lenient).
 */
export class RecordProblems {
  private readonly strict: boolean;
  private readonly onSkip: ((skip: SkippedRecord) => void) | undefined;
  skipped = 0;

  constructor(options: KbReadOptions) {
    this.strict = options.strict ?? true;
    this.onSkip = options.onSkip;
  }

  bad(file: string, line: number, reason: string, hint: string): void {
    if (this.strict) {
      throw new LinkerError('kbRecord', `Bad KB record: ${reason}.`, {
        location: { file, line: line > 0 ? line : undefined },
        hint: `${hint} (Load leniently to skip bad records and list them in the report.)`,
      });
    }
    this.skipped++;
    this.onSkip?.({ file, line, reason });
  }
}

/**
 * Why a present JSON field is not a usable string, or undefined when it is one (or is absent). A number too
 * large for a double (1e309 parses as Infinity) is named as such rather than reported as missing.
 */
export function scalarProblem(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return undefined;
  if (typeof value === 'number') return `"${key}" is a number that is not finite (too large for a double: write it as a string)`;
  return `"${key}" is ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not a string or number`;
}

/** Turns a JSON field into a string: strings as they are, numbers as written, anything else absent. */
export function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Splits a cell of several aliases; `;` and `|` are the separators people use in spreadsheets. */
export function splitAliases(cell: string): string[] {
  return cell
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .slice(); // exact capacity: filter's result keeps growth slack
}

/**
 * Substrings of a long line share the line's memory in V8 (sliced strings), so an entity holding a slice
 * would keep the whole raw line (or the whole read chunk) alive. Readers that cut fields out of a line pass
 * them through here; a JSON round trip is the cheapest portable way to force a fresh flat copy.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
