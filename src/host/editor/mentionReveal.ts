import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { sentenceAround } from './annotationFlow';

const FLASH_MS = 700;

/**
 * Moves the annotator to a mention: the mention selected, anchored at its start with the cursor at its end (the
 * keybindings act on the mention at the cursor, and Ctrl+Shift+Right / Left widen or narrow the selection for
 * Link Selection when the mention should be longer or shorter),
 * its sentence kept in view, and on request a short flash so the eye finds what an undo or redo changed.
 */
export class MentionReveal extends Disposable {
  private readonly flashType = this.register(vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('entityLinker.flashBackground'),
    outlineColor: new vscode.ThemeColor('entityLinker.flashBorder'),
    outlineWidth: '2px',
    outlineStyle: 'solid',
  }));
  private flashTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.register({ dispose: () => clearTimeout(this.flashTimer) });
  }

  /** Selects [start, end) in `editor` and scrolls so the whole sentence around it shows (centred if it was off screen). */
  show(editor: vscode.TextEditor, start: number, end: number, options: { flash?: boolean } = {}): void {
    const document = editor.document;
    const range = new vscode.Range(document.positionAt(start), document.positionAt(end));
    editor.selection = new vscode.Selection(range.start, range.end);
    const sentence = sentenceAround(document.getText(), start, end);
    editor.revealRange(new vscode.Range(document.positionAt(sentence.start), document.positionAt(sentence.end)), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    // A sentence taller than the viewport: the mention itself must still show.
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    if (options.flash === true) this.flash(editor, range);
  }

  private flash(editor: vscode.TextEditor, range: vscode.Range): void {
    clearTimeout(this.flashTimer);
    editor.setDecorations(this.flashType, [range]);
    this.flashTimer = setTimeout(() => editor.setDecorations(this.flashType, []), FLASH_MS);
  }
}
