/**
 * Escaping for KB text shown in hovers: KB titles and descriptions are untrusted input, so nothing in them may
 * become a link, a command, an image or HTML. Kept free of `vscode` so it is unit-tested with node:test.
 */

/** Every character Markdown or HTML could read as syntax is backslash-escaped; newlines become spaces. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~"':$]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, ' ');
}

/** Inside a code span escapes are not read: only a backtick or a line break could end it early. */
export function codeSpan(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, ' ')}\``;
}
