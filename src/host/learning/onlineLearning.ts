import * as vscode from 'vscode';
import { recursInText } from '../../core/detection/learnedDetection';
import { LinkerError } from '../../core/errors';
import { decisionEntity, type AnnotatorDecision } from '../../core/learning/decision';
import type { LearnedState } from '../../core/learning/learnedState';
import { OnlineLearner } from '../../core/learning/onlineLearner';
import type { Logger } from '../../core/log';
import { rankerWeightsFromJson } from '../../core/linker/ranker';
import { AdaptationLoop, type AdaptationStatus } from '../../core/training/adaptationLoop';
import { deleteOnlineLearner, onlineStateFileFor, readOnlineLearner } from '../../core/training/onlineStateFile';
import { DecisionTracker, affectsOthers, documentContextOf } from '../../core/training/decisionTracker';
import { refitRequest } from '../../core/worker/learningRequests';
import { Disposable } from '../disposable';
import type { MentionService } from '../linking/mentionService';
import { LEARNING_SECTION, type LearningSettings } from './learningSettings';
import { plural } from '../../shared/plural';

/**
 * Online adaptation in the editor: the annotator's decisions (read from the annotation store as they are made,
 * with the prediction they were made on) feed an online learner; every `refitEvery` decisions the ranker is
 * refitted on the worker's training thread, the learned state (refitted weights, confirmed forms as names, the
 * annotators' prior, rejected forms) goes to the link thread, and open documents are linked again so their
 * unresolved mentions are ranked with it. Linking never waits for a refit. The state is saved per workspace
 * (`.entity-links/.online-learning.json`, atomic writes) and applied again when the linker (re)loads; a status
 * bar item says when the linker has adapted and from how many decisions.
 */
export class OnlineLearning extends Disposable {
  private tracker = new DecisionTracker();
  private loop: AdaptationLoop | undefined;
  private starting: Promise<AdaptationLoop | undefined> | undefined;
  /** Counts annotator switches: a loop that finishes starting after one belongs to the previous annotator. */
  private generation = 0;
  /** Forms decided since the memory last went to the link thread, with their document (see `remember`). */
  private readonly recentForms: { readonly key: string; readonly text: string }[] = [];
  /** Decisions seen before the loop could start (the session was still loading). */
  private readonly waiting: Parameters<AdaptationLoop['observe']>[0][number][] = [];
  /** The exemplar each confirmed decision of this session gave (taken back if the decision is retracted). */
  private readonly exemplarOf = new WeakMap<AnnotatorDecision, { readonly entityId: string; readonly vector: readonly number[] }>();
  /** Decisions retracted before their exemplar vectors came back from the link thread: those vectors are dropped. */
  private readonly retractedEarly = new WeakSet<AnnotatorDecision>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly adapted = this.register(new vscode.EventEmitter<AdaptationStatus>());
  /** Fires after each refit has reached the linker (tests wait on it). */
  readonly onDidAdapt = this.adapted.event;

  constructor(
    private readonly mentions: MentionService,
    private readonly readSettings: () => LearningSettings,
    private readonly logger: Logger,
  ) {
    super();
    this.statusItem = this.register(vscode.window.createStatusBarItem('entityLinker.learning', vscode.StatusBarAlignment.Right, 99));
    this.statusItem.name = 'Entity Linker learning';
    this.register(mentions.annotations.onDidChange((uri) => this.onAnnotations(uri)));
    // Each run of a document carries the decisions made in it (one sense per discourse, coherence).
    mentions.linking.contextOf = (uri) => {
      const records = this.readSettings().enabled ? mentions.annotations.get(uri)?.records : undefined;
      return records === undefined ? undefined : documentContextOf(records);
    };
    this.register(mentions.links.onDidChangeSession(() => void this.onSession()));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(LEARNING_SECTION)) void this.onSettings();
    }));
  }

  /**
   * Where the workspace's state is kept: the first folder's annotation store, in the annotator's own folder when
   * they keep their own label files (undefined without a folder).
   */
  get stateFile(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder === undefined) return undefined;
    const store = this.mentions.annotations.store(folder);
    return onlineStateFileFor(folder.uri.fsPath, store.ownFiles ? store.annotator : undefined);
  }

  get status(): AdaptationStatus | undefined {
    return this.loop?.status;
  }

  private onAnnotations(uri: vscode.Uri): void {
    const doc = this.mentions.annotations.get(uri);
    if (doc === undefined) return;
    const key = uri.toString();
    const predictions = this.mentions.linking.mentions(uri);
    // An undo, or a decision changed into another, retracts the earlier decision: learned is what was finally decided.
    const { decisions, retracted } = this.tracker.update(key, doc.records, predictions);
    const changed = [...retracted, ...decisions];
    if (changed.length === 0 || !this.readSettings().enabled) return;
    // A decision on a form that occurs again in the document (predicted there, or not yet detected: a form linked
    // with Link Selection, the surname of a decided full name) re-links it at once with the decision in its context.
    // So does an undone or replaced decision: a run made while it stood may have left its own span out (a NIL or a
    // rejection withdraws the form there), and without a new run the undone mention would not be shown again.
    // (The run starts on a timer, after the memory without the retracted decision has gone to the link thread.)
    const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key)?.getText();
    if (retracted.length > 0 || affectsOthers(changed, predictions) || (text !== undefined && changed.some((d) => recursInText(text, d)))) this.relinkDocument(uri);
    this.recentForms.push(...changed.map((d) => ({ key, text: d.text })));
    if (text !== undefined) void this.addExemplars(text, decisions);
    for (const r of retracted) if (!this.exemplarOf.has(r)) this.retractedEarly.add(r);
    const exemplars = retracted.flatMap((r) => this.exemplarOf.get(r) ?? []);
    if (this.loop !== undefined) {
      this.loop.retract(retracted);
      this.loop.retractExemplars(exemplars);
      this.loop.observe(decisions);
      return;
    }
    for (const r of retracted) {
      const at = this.waiting.indexOf(r);
      if (at >= 0) this.waiting.splice(at, 1);
    }
    if (decisions.length === 0) return;
    this.waiting.push(...decisions);
    void this.start();
  }

  /**
   * The exemplar memory learns the in-context vectors of the mentions the annotator confirmed: asked of the link
   * thread after the decision (the decision itself is observed at once, without waiting for the encoder).
   */
  private async addExemplars(text: string, decisions: readonly AnnotatorDecision[]): Promise<void> {
    const confirmed = decisions.flatMap((d) => {
      const entityId = decisionEntity(d);
      return entityId === undefined || d.mention?.vector !== undefined || d.end > text.length || text.slice(d.start, d.end) !== d.text ? [] : [{ decision: d, entityId, span: { start: d.start, end: d.end } }];
    });
    if (confirmed.length === 0) return;
    const generation = this.generation;
    try {
      const vectors = await this.mentions.links.request({ kind: 'mentionVectors', text, spans: confirmed.map((c) => c.span) });
      const loop = await this.start();
      if (loop === undefined || generation !== this.generation || this.isDisposed) return;
      // A decision undone while its vector was on its way gives none.
      const kept = confirmed.flatMap((c, i) => (this.retractedEarly.has(c.decision) ? [] : [{ decision: c.decision, entityId: c.entityId, vector: vectors[i] }]));
      for (const k of kept) this.exemplarOf.set(k.decision, { entityId: k.entityId, vector: k.vector });
      const replaced = loop.observeExemplars(kept.map(({ entityId, vector }) => ({ entityId, vector })));
      if (replaced !== undefined) {
        this.logger.info(`Online learning: the exemplars of ${plural(replaced.entities, 'entity', 'entities')} were learned with another model (${replaced.from}-d vectors, this one gives ${replaced.to}-d): the exemplar memory starts afresh with this model.`);
      }
    } catch (e) {
      if (!LinkerError.is(e, 'cancelled')) this.logger.debug(`Online learning: no exemplar vectors: ${(e as Error).message}`);
    }
  }

  /** Links a document again from scratch, so its other mentions of a decided form see the decision at once. */
  private relinkDocument(uri: vscode.Uri): void {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document === undefined || !this.mentions.linking.isTracked(uri)) return;
    this.mentions.links.forget(uri.toString());
    this.mentions.linking.track(document);
  }

  /** The loop, created once the session is ready: its base is the model's ranker; a saved state is restored. */
  private start(): Promise<AdaptationLoop | undefined> {
    this.starting ??= this.createLoop().catch((e: unknown) => {
      this.starting = undefined;
      this.logger.warn(`Online learning could not start: ${(e as Error).message}`);
      return undefined;
    });
    return this.starting;
  }

  private async createLoop(): Promise<AdaptationLoop | undefined> {
    const links = this.mentions.links;
    const generation = this.generation;
    await links.ready();
    const base = rankerWeightsFromJson((await links.request({ kind: 'learnedBase' })).weights);
    const file = this.stateFile;
    let learner: OnlineLearner | undefined;
    if (file !== undefined) {
      try {
        learner = await readOnlineLearner(file, base);
      } catch (e) {
        this.logger.warn(`${(e as Error).message} Learning starts afresh (the file is replaced at the next refit).`);
      }
    }
    if (this.isDisposed || generation !== this.generation) return undefined;
    const loop = new AdaptationLoop({
      channel: {
        // The training thread refits and writes the workspace's file: the editor's thread only sends the snapshot.
        refit: (json, signal) => links.request(refitRequest(json, file), { signal }),
        apply: (state) => this.apply(state),
        remember: (state) => this.remember(state),
      },
      refitEvery: () => this.readSettings().refitEvery,
      learner: learner ?? new OnlineLearner({ base }),
      onStatus: (status) => this.showStatus(status),
      onError: (e) => this.logger.warn(`Online learning: the refit failed: ${(e as Error).message}`),
    });
    this.loop = loop;
    if (learner !== undefined) this.logger.info(`Online learning: restored ${plural(learner.state.decisions, 'decision')} from ${file}.`);
    await this.restore();
    loop.observe(this.waiting.splice(0));
    this.showStatus(loop.status);
    return loop;
  }

  /** Gives the linker the learned state and links open documents again with it. */
  private async apply(state: LearnedState | null): Promise<void> {
    const links = this.mentions.links;
    if (links.state !== 'ready') return;
    const started = performance.now();
    await links.request({ kind: 'setLearned', state });
    this.mentions.linking.relinkAll();
    const status = this.loop?.status;
    if (state !== null && status !== undefined) {
      this.logger.info(`Online learning: the linker adapted to ${plural(state.decisions, 'decision')} (applied in ${(performance.now() - started).toFixed(0)} ms${status.last === undefined ? '' : `; refit ${status.last.report.ms.toFixed(0)} ms on ${plural(status.last.report.examples, 'example')}`}).`);
      this.adapted.fire(status);
    }
  }

  /**
   * After each decision, between refits: the memory goes to the link thread at once (the documents' last runs
   * are kept: only what is linked next sees it), so a form or surname decided here is detected in the next
   * document without waiting for the refit; the other open documents where a decided form occurs are linked
   * again with it.
   */
  private async remember(state: LearnedState): Promise<void> {
    const decided = this.recentForms.splice(0);
    const links = this.mentions.links;
    if (links.state !== 'ready' || !this.readSettings().enabled) return;
    await links.request({ kind: 'setLearned', state, keepRuns: true });
    for (const document of vscode.workspace.textDocuments) {
      const key = document.uri.toString();
      const text = document.getText();
      if (decided.some((d) => d.key !== key && recursInText(text, { start: -1, end: -1, text: d.text }))) this.relinkDocument(document.uri);
    }
  }

  /** After the session (re)opened, or learning was switched on: the adapted state goes to the new linker. */
  private async restore(): Promise<void> {
    const state = this.loop?.appliedState;
    if (state !== undefined && this.readSettings().enabled) await this.apply(state);
  }

  private async onSession(): Promise<void> {
    if (this.mentions.links.state !== 'ready') return;
    try {
      if (this.loop === undefined) {
        // A workspace with a saved state adapts the linker as soon as it loads, before any new decision.
        const file = this.stateFile;
        if (file !== undefined && this.readSettings().enabled && (await fileExists(file))) await this.start();
      } else {
        // Another model may have loaded: later refits start from its ranker.
        this.loop.rebase(rankerWeightsFromJson((await this.mentions.links.request({ kind: 'learnedBase' })).weights));
        await this.restore();
      }
    } catch (e) {
      if (!LinkerError.is(e, 'cancelled')) this.logger.warn(`Online learning: applying the learned state failed: ${(e as Error).message}`);
    }
  }

  /**
   * The annotator setting changed: the previous annotator's loop stops (its refits wrote their file) before
   * `reopen` opens the documents under the new annotator (so their labels are a new baseline, not decisions), then
   * the linker drops what it learned from the previous annotator and the new one's saved state, if any, is restored
   * from their own file; their decisions start a loop of their own.
   */
  async annotatorChanged(reopen: () => Promise<unknown>): Promise<void> {
    this.tracker = new DecisionTracker();
    const previous = this.stopLoop();
    await reopen();
    try {
      if (previous?.appliedState !== undefined) await this.apply(null);
      await this.onSession();
    } catch (e) {
      if (!LinkerError.is(e, 'cancelled')) this.logger.warn(`Online learning: switching annotator: ${(e as Error).message}`);
    }
    if (this.loop === undefined) this.statusItem.hide();
  }

  /**
   * Stops this session's loop (a refit in flight is cancelled; its vectors and decisions still on their way are
   * dropped by the generation count) so that the next decision starts a new one. Returns the stopped loop.
   */
  private stopLoop(): AdaptationLoop | undefined {
    this.generation++;
    const previous = this.loop;
    this.loop = undefined;
    this.starting = undefined;
    this.waiting.length = 0;
    previous?.dispose();
    return previous;
  }

  /** How many decisions the workspace's learned state holds: this session's loop, or the saved file (0: none). */
  async learnedDecisions(): Promise<number> {
    if (this.loop !== undefined) return this.loop.status.decisions;
    const file = this.stateFile;
    return file === undefined ? 0 : savedDecisions(file);
  }

  /**
   * Forget What Was Learned: the linker goes back to the model folder's ranker and memory, the workspace's saved
   * state (this annotator's) is deleted once no refit can write it back, and the decisions made so far become
   * baseline (undoing one later takes nothing back). The annotations stay; decisions from now on are learned
   * afresh. Returns how many decisions the forgotten state held (0: there was nothing to forget).
   */
  async forget(): Promise<number> {
    const file = this.stateFile;
    const decisions = await this.learnedDecisions();
    this.recentForms.length = 0;
    this.tracker.settle();
    this.stopLoop();
    this.statusItem.hide();
    const links = this.mentions.links;
    if (file !== undefined) {
      // On the training thread, after the refits in flight there (they write the file).
      if (links.state === 'ready') await links.request({ kind: 'forgetLearned', file });
      else await deleteOnlineLearner(file);
    }
    if (links.state === 'ready') await this.apply(null);
    this.logger.info(`Online learning: forgot what was learned from ${plural(decisions, 'decision')}${file === undefined ? '' : ` (${file} deleted)`}; the linker ranks with the model's own weights again.`);
    return decisions;
  }

  private async onSettings(): Promise<void> {
    const { enabled } = this.readSettings();
    try {
      if (!enabled) {
        this.loop?.cancel();
        if (this.loop?.appliedState !== undefined) await this.apply(null);
      } else {
        await this.restore();
      }
    } catch (e) {
      if (!LinkerError.is(e, 'cancelled')) this.logger.warn(`Online learning: ${(e as Error).message}`);
    }
    if (this.loop !== undefined) this.showStatus(this.loop.status);
  }

  private showStatus(status: AdaptationStatus): void {
    const item = this.statusItem;
    const { enabled, refitEvery } = this.readSettings();
    if (!enabled || (status.adaptedFrom === 0 && !status.running)) {
      item.hide();
      return;
    }
    item.text = status.running ? '$(sync~spin) Adapting' : `$(mortar-board) Adapted · ${status.adaptedFrom}`;
    const md = new vscode.MarkdownString(undefined, false);
    md.appendMarkdown('**Entity Linker: online learning**\n\n');
    const last = status.last;
    md.appendText(
      `The linker has adapted to ${status.adaptedFrom} of your decisions` +
        (last === undefined ? ' (restored from this workspace).' : `, last at ${new Date(last.at).toLocaleTimeString()} (${last.report.examples} ranking examples, refit ${last.report.ms.toFixed(0)} ms).`) +
        `\n${plural(status.decisions, 'decision')} seen; the next refit after ${Math.max(0, refitEvery - status.pending)} more.`,
    );
    item.tooltip = md;
    item.show();
  }

  override dispose(): void {
    this.loop?.dispose();
    super.dispose();
  }
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(file));
    return true;
  } catch {
    return false;
  }
}

/** How many decisions a saved state holds (0 when there is none or it cannot be read: forgetting deletes it anyway). */
async function savedDecisions(file: string): Promise<number> {
  try {
    const json = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8')) as { decisions?: unknown };
    return typeof json.decisions === 'number' ? json.decisions : 0;
  } catch {
    return 0;
  }
}
