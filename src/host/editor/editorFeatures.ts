import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { Disposable } from '../disposable';
import { reportError } from '../errorReporting';
import { AnnotationService } from '../linking/annotationService';
import { DocumentLinking } from '../linking/documentLinking';
import { isLinkable, type LinkingSettings } from '../linking/linkingSettings';
import type { LinkService } from '../linking/linkService';
import { MentionService } from '../linking/mentionService';
import { AnnotationQueue } from './annotationQueue';
import { AnnotationStatusBar } from './annotationStatusBar';
import { DocumentNameSpans } from './documentNameSpans';
import type { EditorTestApi } from './editorTestApi';
import { MentionCodeActions } from './mentionCodeActions';
import { MentionDecorations } from './mentionDecorations';
import { MentionHoverProvider } from './mentionHover';
import { MentionReveal } from './mentionReveal';
import { MentionTree } from './mentionTree';

/** Context key true while the active editor's document is linked (keybindings use it). */
const LINKABLE_CONTEXT = 'entityLinker.linkable';
export const MENTIONS_VIEW_ID = 'entityLinker.mentions';

/**
 * Everything the editor shows and tracks for linked documents: document events in, the mention model, and
 * the thin adapters over it (decorations, hover, code actions, tree view).
 */
export class EditorFeatures extends Disposable {
  readonly annotations: AnnotationService;
  readonly linking: DocumentLinking;
  readonly mentions: MentionService;
  readonly decorations: MentionDecorations;
  /** Moves the cursor to a mention with its sentence in view (commands, undo and redo use it). */
  readonly reveal: MentionReveal;
  /** The documents cross-document auto-advance walks (entityLinker.annotation.advanceAcrossDocuments). */
  readonly queue: AnnotationQueue;
  /** The KB's names in each document, for Next / Previous Possible Name. */
  readonly names: DocumentNameSpans;

  constructor(links: LinkService, private readonly settings: () => LinkingSettings, private readonly logger: Logger, showLog: () => void) {
    super();
    this.annotations = this.register(new AnnotationService(logger));
    this.linking = this.register(new DocumentLinking(links, () => settings().debounceMs, logger, (e) => reportError(logger, 'Linking the document', e, showLog)));
    this.mentions = this.register(new MentionService(links, this.linking, this.annotations, () => settings().ambiguousMargin, logger));
    this.decorations = this.register(new MentionDecorations(this.mentions));
    this.reveal = this.register(new MentionReveal());
    this.queue = new AnnotationQueue(this.mentions, this.reveal, settings, () => settings().advanceOrder, logger);
    this.register(new AnnotationStatusBar(this.mentions));
    const tree = this.register(new MentionTree(this.mentions, logger));
    this.register(vscode.window.createTreeView(MENTIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }));

    const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];
    this.register(vscode.languages.registerHoverProvider(selector, new MentionHoverProvider(this.mentions)));
    this.register(vscode.languages.registerCodeActionsProvider(selector, new MentionCodeActions(this.mentions), MentionCodeActions.metadata));

    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.open(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      this.annotations.onEdit(e);
      this.linking.onEdit(e);
    }));
    this.register(vscode.workspace.onDidSaveTextDocument((d) => {
      this.annotations.onSaved(d).catch((e: unknown) => reportError(logger, 'Saving annotations', e, showLog));
    }));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => {
      this.linking.untrack(d.uri);
      this.annotations.close(d).catch((e: unknown) => logger.error(e as Error));
    }));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()));
    this.names = new DocumentNameSpans((text) => links.nameSpans(text), logger);
    this.register(links.onDidChangeSession(() => {
      this.decorations.refreshSoon();
      this.names.clear();
    }));
    for (const document of vscode.workspace.textDocuments) this.open(document);
    this.updateContext();
  }

  /** Re-reads the selector: starts linking newly matching documents, stops the others, re-links the rest. */
  settingsChanged(): void {
    const settings = this.settings();
    for (const document of vscode.workspace.textDocuments) {
      if (!isLinkable(document, settings)) this.linking.untrack(document.uri);
      else if (!this.linking.isTracked(document.uri)) this.open(document);
    }
    this.linking.relinkAll();
    this.updateContext();
  }

  private open(document: vscode.TextDocument): void {
    if (!isLinkable(document, this.settings())) return;
    // Annotations first, so the first decorations already show the stored decisions.
    this.annotations.open(document).then(
      () => this.linking.track(document),
      (e: unknown) => {
        this.logger.error(e as Error);
        this.linking.track(document);
      },
    );
  }

  private updateContext(): void {
    const document = vscode.window.activeTextEditor?.document;
    void vscode.commands.executeCommand('setContext', LINKABLE_CONTEXT, document !== undefined && isLinkable(document, this.settings()));
  }

  /** What tests and benchmarks read (decorations cannot be read through the VS Code API). */
  testApi(links: LinkService): EditorTestApi {
    const find = (uri: string): vscode.TextDocument | undefined => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    return {
      whenLinked: async (uri) => {
        const document = find(uri);
        if (document === undefined) throw new Error(`${uri} is not open.`);
        for (let i = 0; i < 200 && !this.linking.isTracked(document.uri); i++) await delay(25);
        await this.linking.whenIdle(document.uri);
        this.decorations.refresh();
      },
      mentions: (uri) => {
        const document = find(uri);
        return document === undefined ? [] : this.mentions.mentionsOf(document).map((m) => ({ start: m.start, end: m.end, text: m.text, status: m.status, style: m.style, kbId: m.kbId, anchored: m.anchored, annotationId: m.annotation?.id }));
      },
      decorations: (uri) => [...this.decorations.rangesOf(vscode.Uri.parse(uri))],
      annotationFile: (uri) => this.annotations.fileFor(vscode.Uri.parse(uri)),
      linkerThread: () => links.thread,
      session: () => links.info,
      eventLoopDelay: async (during) => {
        const histogram = monitorEventLoopDelay({ resolution: 5 });
        histogram.enable();
        const started = performance.now();
        await during();
        const wallMs = performance.now() - started;
        histogram.disable();
        return { wallMs, meanMs: histogram.mean / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
      },
      linkTimed: async (uri) => {
        const document = find(uri);
        if (document === undefined) throw new Error(`${uri} is not open.`);
        const started = performance.now();
        const result = await links.linkDocument(`bench:${uri}:${started}`, document.getText());
        links.forget(`bench:${uri}:${started}`);
        return { ms: performance.now() - started, mentions: result.length };
      },
    };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
