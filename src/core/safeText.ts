/*
 * Everything the command line prints passes through here. KB titles and ids, document names, gold records and
 * error messages are untrusted text: an ESC sequence could clear the screen or retitle the terminal, an OSC 8
 * sequence plant a hidden link, BEL ring, CR overwrite the start of a line, and a bidi override (U+202E) make
 * "exe.txt" read as "txt.exe". Each such character is printed as a visible `\uXXXX` escape instead. `\uXXXX`
 * is also JSON's own escape, so a raw character inside a JSON string becomes the same character once parsed:
 * --json output stays valid and equal in value, while JSON.stringify alone leaves U+202E, C1 controls and the
 * line separators raw.
 */

/**
 * C0 controls except TAB and LF (kept so tables and multi-line messages print), DEL, C1 controls (U+0080 to
 * U+009F, which include the 8-bit CSI and OSC introducers), the line and paragraph separators, and the bidi
 * embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same set plus TAB and LF: for one field of a one-line display (a table cell, a title). */
const UNSAFE_INLINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Text safe to write to a terminal: line breaks and tabs kept, every other control or bidi character escaped. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** One field shown inline (a KB title in the link table): line breaks and tabs escaped too. */
export function inlineSafe(text: string): string {
  return text.replace(UNSAFE_INLINE, escapeChar);
}

/** JSON for stdout or a JSONL file: JSON.stringify, then the characters it leaves raw escaped (see above). */
export function safeJson(value: unknown): string {
  return terminalSafe(JSON.stringify(value));
}
