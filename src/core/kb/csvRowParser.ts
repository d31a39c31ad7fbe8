/**
 * A streaming RFC 4180 parser: quoted fields may hold delimiters, doubled quotes and line breaks. No CSV
 * library is among the project's pinned dependencies and adding one needs sign-off, and the grammar is a
 * five-state machine, so it is written here; it takes the file chunk by chunk, never as one string.
 */

/** A parsed row with the 1-based line it starts on, and what was wrong with it when something was. */
export interface CsvRow {
  readonly fields: string[];
  readonly lineNo: number;
  readonly error?: string;
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteSeen,
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class CsvRowParser {
  private readonly delimiter: number;
  private state = State.FieldStart;
  private pending = '';
  private fields: string[] = [];
  private line = 1;
  private rowLine = 1;
  private error: string | undefined;
  private afterCr = false;
  private first = true;

  constructor(delimiter: string) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Feeds a chunk; complete rows go to `emit`. A field cut by the chunk end waits for the next chunk. */
  push(chunk: string, emit: (row: CsvRow) => void): void {
    let start = 0;
    let i = 0;
    if (this.first) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) start = i = 1;
    }
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            start = i + 1;
            break;
          }
          // The character opens an unquoted field: read it again in that state.
          this.state = State.Unquoted;
          start = i;
          i--;
          break;
        case State.Unquoted:
          if (c === this.delimiter) {
            this.endField(chunk.slice(start, i));
            start = i + 1;
          } else if (c === LF || c === CR) {
            this.endField(chunk.slice(start, i));
            this.endRow(emit, c);
            start = i + 1;
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.pending += chunk.slice(start, i);
            this.state = State.QuoteSeen;
            start = i + 1;
          } else if (c === LF || (c === CR && i + 1 < n && chunk.charCodeAt(i + 1) !== LF)) {
            this.line++;
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            // A doubled quote inside a quoted field is one literal quote.
            this.pending += '"';
            this.state = State.Quoted;
            start = i + 1;
          } else if (c === this.delimiter) {
            this.endField('');
            start = i + 1;
          } else if (c === LF || c === CR) {
            this.endField('');
            this.endRow(emit, c);
            start = i + 1;
          } else {
            this.error ??= `text after the closing quote of field ${this.fields.length + 1} (quote the whole field and double inner quotes)`;
            this.state = State.Unquoted;
            start = i;
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.pending += chunk.slice(start);
  }

  /** Flushes the last row; a quote still open at the end of the file is an error on the row it opened. */
  end(emit: (row: CsvRow) => void): void {
    if (this.state === State.Quoted) {
      this.error ??= 'a quoted field is never closed (an unmatched " swallowed the rest of the file)';
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.endField('');
      this.endRow(emit, -1);
    }
  }

  private endField(tail: string): void {
    this.fields.push(this.pending === '' ? tail : this.pending + tail);
    this.pending = '';
    this.state = State.FieldStart;
  }

  private endRow(emit: (row: CsvRow) => void, terminator: number): void {
    const fields = this.fields;
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === '' && this.error === undefined)) {
      emit(this.error === undefined ? { fields, lineNo: this.rowLine } : { fields, lineNo: this.rowLine, error: this.error });
    }
    this.fields = [];
    this.error = undefined;
    this.state = State.FieldStart;
    if (terminator === CR) this.afterCr = true;
    if (terminator >= 0) this.line++;
    this.rowLine = this.line;
  }
}
