import type * as vscode from 'vscode';
import type { Span } from '../../core/linker/types';
import type { Logger } from '../../core/log';

/** What asks the link thread for a text's KB names (LinkService.nameSpans). */
export type NameSpansSource = (text: string) => Promise<readonly Span[] | null>;

/** Documents whose spans are kept: the few an annotator moves between. */
const KEPT = 16;

/**
 * The spans of an open document the KB has a name for, in any case (the stops of Next / Previous Possible Name
 * besides Possible Mention's names and pronouns), asked of the link thread once per document version: a press of
 * the keys does not wait for the KB's dictionary again while the text is unchanged. Undefined when they cannot be
 * had (a KB read from a store alone, a link thread that failed): the commands then stop where Possible Mention does.
 */
export class DocumentNameSpans {
  private readonly byUri = new Map<string, { readonly version: number; readonly spans: Promise<readonly Span[] | undefined> }>();

  constructor(private readonly source: NameSpansSource, private readonly logger: Logger) {}

  of(document: vscode.TextDocument): Promise<readonly Span[] | undefined> {
    const key = document.uri.toString();
    const kept = this.byUri.get(key);
    if (kept !== undefined && kept.version === document.version) return kept.spans;
    const entry = {
      version: document.version,
      spans: this.source(document.getText()).then(
        (found) => found ?? undefined,
        (e: unknown) => {
          this.logger.warn(`Possible Name: the KB's names could not be found in ${document.uri.fsPath} (${(e as Error).message}); stopping where Possible Mention does.`);
          // Asked again on the next press; a newer version's entry, kept since, stays.
          if (this.byUri.get(key) === entry) this.byUri.delete(key);
          return undefined;
        },
      ),
    };
    this.byUri.delete(key);
    this.byUri.set(key, entry);
    while (this.byUri.size > KEPT) this.byUri.delete(this.byUri.keys().next().value as string);
    return entry.spans;
  }

  /** Forgets every document's spans (the linking session, and so the KB, changed). */
  clear(): void {
    this.byUri.clear();
  }
}
