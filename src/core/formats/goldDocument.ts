import { LinkerError } from '../errors';

/**
 * The one shape every gold reader produces: a document text and its gold mentions. Offsets are UTF-16 character
 * offsets (JavaScript string indices, as the linker and VS Code use), `end` exclusive, whatever unit the source
 * format counted in.
 */
export interface GoldSource {
  readonly file: string;
  /** 1-based line of the record in `file`, when the format is line-oriented. */
  readonly line?: number;
  /** The record's own id in the source (a mention id, a WSD instance id, a NIF IRI). */
  readonly record?: string;
}

export interface GoldMention {
  readonly start: number;
  readonly end: number;
  /** The surface text; always equal to `document.text.slice(start, end)` after reading. */
  readonly text: string;
  /** Acceptable gold ids in the source's vocabulary (QIDs, IRIs, sense keys ...); empty for NIL. */
  readonly goldIds: readonly string[];
  /** True when the source says the mention refers to no entity. */
  readonly nil: boolean;
  /**
   * Ids the source marks as missing from its reference KB (GERBIL's notInWiki namespace: "emerging" entities).
   * The mention is NIL for that KB (`nil` true, no goldIds), but a local KB may hold exactly these entities (a
   * digital-humanities KB of people absent from Wikipedia): the gold mapping then scores it as in the KB.
   */
  readonly emergingIds?: readonly string[];
  /** Human-readable names of the gold entities (e.g. Wikidata labels), for mapping by title. */
  readonly goldNames?: readonly string[];
  /** A fixed candidate set to rank (WSD: the senses of the lemma). */
  readonly candidateIds?: readonly string[];
  /** WSD lemma and part of speech, kept for candidate restriction. */
  readonly lemma?: string;
  readonly pos?: string;
  /** Labels the benchmark marks optional: missing them is no error, finding them is no gain (elevant). */
  readonly optional?: boolean;
  readonly source: GoldSource;
}

export interface GoldDocument {
  readonly id: string;
  readonly path?: string;
  readonly text: string;
  readonly mentions: readonly GoldMention[];
  /** The collection the document belongs to (a Zeshel world, a WSD set, a benchmark file): the unit of macro averages. */
  readonly collection?: string;
  /**
   * The larger document this one is a part of (a WSD sentence's text, as "collection/text id"): train/dev splits
   * and folds keep a group on one side (documentGroup), since its parts share topic and senses.
   */
  readonly group?: string;
}

/** Called for a record a reader leaves out on purpose (a rejected Prodigy answer, a pending annotation). */
export type SkipListener = (source: GoldSource, reason: string) => void;

/**
 * Called for a mention whose offsets do not fit its document (out of range, or not the anchor text) when the
 * caller skips such mentions (eval --skip-invalid): the reader leaves the mention out and reports it here.
 */
export type InvalidSpanListener = (source: GoldSource, problem: string) => void;

/** A bad span: a format error naming file and line, or, with a listener, reported and skipped (returns undefined). */
export function badSpan(problem: string, source: GoldSource, onInvalid: InvalidSpanListener | undefined, hint?: string): undefined {
  if (onInvalid === undefined) throw goldFormatError(`${problem}.`, { file: source.file, line: source.line }, hint);
  onInvalid(source, problem);
  return undefined;
}

export function goldFormatError(message: string, source: { file: string; line?: number }, hint?: string): LinkerError {
  return new LinkerError('inputFormat', message, { location: { file: source.file, line: source.line }, hint });
}

/** Parses one JSON line, turning a syntax error into a LinkerError that names the file and line. */
export function parseJsonLine(line: string, file: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch (e) {
    throw goldFormatError(`not valid JSON: ${(e as Error).message}.`, { file, line: lineNo }, 'Each line must hold one JSON object.');
  }
}

/** Splits JSONL text into non-blank lines with their 1-based numbers. */
export function jsonLines(text: string): { line: string; lineNo: number }[] {
  const out: { line: string; lineNo: number }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '') {
      out.push({ line: lines[i], lineNo: i + 1 });
    }
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks that a span lies inside the text and that the text there is the expected anchor. Returns a problem or undefined. */
export function spanProblem(text: string, start: number, end: number, anchor: string | undefined): string | undefined {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start >= end) {
    return `span [${start}, ${end}) is outside the text (length ${text.length}) or empty`;
  }
  if (anchor !== undefined && text.slice(start, end) !== anchor) {
    return `the text at [${start}, ${end}) is ${JSON.stringify(text.slice(start, end))}, not the anchor ${JSON.stringify(anchor)}`;
  }
  return undefined;
}

type Where = { readonly file: string; readonly line?: number };

/** Reads a required string field, or throws naming the file, line and field. */
export function stringField(rec: Record<string, unknown>, key: string, where: Where): string {
  const v = rec[key];
  if (typeof v !== 'string') {
    throw goldFormatError(`field "${key}" must be a string.`, where);
  }
  return v;
}

/** Reads a required integer field, or throws naming the file, line and field. */
export function intField(rec: Record<string, unknown>, key: string, where: Where): number {
  const v = rec[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw goldFormatError(`field "${key}" must be an integer.`, where);
  }
  return v;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses a document whose text, mention surfaces, ids or names hold a lone UTF-16 surrogate (possible in JSON
 * sources: "\ud800"). A UTF-8 file cannot hold one: it would be written as U+FFFD, changing the text and, in
 * code-point formats such as NIF, shifting every later offset, so the file would not read back. Writers of UTF-8
 * text formats (NIF, brat) call this first; BLINK JSONL escapes it and reads back exactly.
 */
export function assertWellFormedText(doc: GoldDocument, format: string): void {
  const fail = (what: string, value: string, source: { file: string; line?: number }): never => {
    const at = LONE_SURROGATE.exec(value)!.index;
    throw goldFormatError(`document ${doc.id}: ${what} holds a lone surrogate (U+${value.charCodeAt(at).toString(16).toUpperCase()}) at offset ${at}, which is not Unicode text; ${format} (UTF-8) cannot hold it.`, source, 'Fix the source text (a broken emoji or a cut surrogate pair), or export as BLINK JSONL, which keeps it.');
  };
  // Documents carry no line of their own; in line-oriented formats their first mention's line is theirs.
  const docSource = doc.mentions[0]?.source ?? { file: doc.path ?? doc.id };
  if (LONE_SURROGATE.test(doc.text)) fail('the text', doc.text, docSource);
  for (const m of doc.mentions) {
    for (const [what, value] of [['the mention text', m.text], ...m.goldIds.map((id) => ['the id', id] as const), ...(m.goldNames ?? []).map((n) => ['the entity name', n] as const)] as const) {
      if (LONE_SURROGATE.test(value)) fail(what, value, m.source);
    }
  }
}
