import * as vscode from 'vscode';
import { COMMAND_IDS, createCommands } from './commands';
import { KbStoreSecret } from './linking/kbStoreSecret';
import { readSettings, type EntityLinkerSettings } from './config';
import { Disposable } from './disposable';
import { reportError } from './errorReporting';
import { EditorFeatures } from './editor/editorFeatures';
import type { HostTestApi } from './hostTestApi';
import { forgetLearning } from './learning/forgetLearning';
import { readLearningSettings } from './learning/learningSettings';
import { OnlineLearning } from './learning/onlineLearning';
import { LinkService } from './linking/linkService';
import type { MentionBackend } from './linking/mentionBackend';
import { ChannelLogger } from './log';
import { Notifier } from './notifier';
import { PanelManager } from './panels/panelManager';
import { CurationFlow } from './panels/curationPicker';
import { planSettingsChange } from './settingsChange';

/**
 * The extension object: built once by `activate`, it owns every service and disposable, and services get what
 * they need through their constructors (no module-level state, no service locator).
 */
export class EntityLinker extends Disposable {
  readonly logger: ChannelLogger;
  /** The session's, the settings' and training's notifications (kept for the test hooks). */
  readonly notifier = new Notifier();
  readonly panels: PanelManager;
  /** The editor side's mentions and labelling actions, once document linking is set up (the panels read it). */
  mentionBackend: MentionBackend | undefined;
  /** The linking session (KB, model, index) in the linker worker. */
  readonly links: LinkService;
  readonly editor: EditorFeatures;
  /** Online adaptation: the linker learns from the decisions made in the editor. */
  readonly learning: OnlineLearning;
  /** Curate Disagreements: the team's differing labels, decided by keyboard. */
  readonly curation: CurationFlow;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.logger = this.register(new ChannelLogger());
    const showLog = (): void => this.logger.show();
    const storeSecret = new KbStoreSecret(context.secrets);
    this.links = this.register(new LinkService(() => this.settings(), context.extensionPath, context.globalStorageUri.fsPath, this.logger, 'entityLinker.showLog', this.notifier, showLog, (url) => storeSecret.password(url)));
    this.editor = this.register(new EditorFeatures(this.links, () => this.settings().linking, this.logger, showLog));
    this.mentionBackend = this.editor.mentions;
    this.learning = this.register(new OnlineLearning(this.editor.mentions, () => readLearningSettings(vscode.workspace.getConfiguration('entityLinker')), this.logger));

    this.panels = this.register(new PanelManager(context.extensionUri, () => this.mentionBackend, this.logger));

    const editor = { mentions: this.editor.mentions, logger: this.logger, showLog, acceptThreshold: () => this.settings().linking.acceptThreshold, autoAdvance: () => this.settings().linking.autoAdvance, advanceOrder: () => this.settings().linking.advanceOrder, acrossDocuments: () => this.settings().linking.advanceAcrossDocuments, linkSelectionAcceptAbove: () => this.settings().linking.linkSelectionAcceptAbove, queue: this.editor.queue, reveal: this.editor.reveal, names: this.editor.names, reload: () => this.reloadLinker() };
    const training = {
      links: this.links,
      logger: this.logger,
      showLog,
      storageDir: context.globalStorageUri.fsPath,
      currentModel: () => this.settings().model,
      report: (what: string, e: unknown) => reportError(this.logger, what, e, showLog),
      notifier: this.notifier,
    };
    this.curation = new CurationFlow(this.links, this.logger);
    const setKbStorePassword = async (): Promise<void> => {
      if (await storeSecret.ask(this.settings().linking.kbStore)) await this.reloadLinker();
    };
    const forget = (options: unknown): Promise<number | undefined> => forgetLearning(this.learning, options);
    const commands = createCommands({ logger: this.logger, showLog, links: this.links, panels: this.panels, editor, training, curation: this.curation, setKbStorePassword, forgetLearning: forget });
    for (const id of COMMAND_IDS) {
      const handler = commands[id];
      this.register(vscode.commands.registerCommand(id, (...args: unknown[]) => handler(...args)));
    }

    this.register(vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)));
    this.logger.info(`Entity Linker ${String(context.extension.packageJSON.version)} activated (VS Code ${vscode.version}, ${process.platform}-${process.arch}, Node ${process.versions.node}).`);
  }

  /** Current settings; read on demand so a change applies to the next use. */
  settings(): EntityLinkerSettings {
    return readSettings(this.context.extensionPath, (message) => this.logger.warn(message));
  }

  /** The test and benchmark API that activate() returns under the test harness (testHooks.ts). */
  testApi(): HostTestApi {
    return {
      ...this.editor.testApi(this.links),
      notifications: () => this.notifier.recent,
      replyToNextNotification: (action) => this.notifier.replyNext(action),
      statusText: () => this.links.statusText,
      mentionBackend: () => this.editor.mentions,
      curationStep: () => this.curation.step,
    };
  }

  /** Drops the linking session (only it) and links open documents again with the current settings. */
  async reloadLinker(): Promise<void> {
    await this.links.unload();
    this.editor.settingsChanged();
  }

  /**
   * One decision per change (settingsChange.ts: what each setting needs) and at most one prompt: a KB, model or
   * detection change while a session is loaded asks before throwing it away (a large KB is re-indexed); with
   * none loaded (or a failed one) documents simply link again. Compare Texts uses the session's encoder, so it
   * follows the session.
   */
  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    const plan = planSettingsChange((key) => event.affectsConfiguration(key), this.links.state);
    if (plan.switchAnnotator === true) {
      this.learning.annotatorChanged(() => this.editor.annotations.annotatorChanged()).catch((e: unknown) => reportError(this.logger, 'Switching the annotator', e, () => this.logger.show()));
    }
    switch (plan.session) {
      case 'none':
        return;
      case 'relink':
        this.editor.settingsChanged();
        return;
      case 'reload':
        this.reloadLinker().catch((e: unknown) => reportError(this.logger, 'Reloading the linker', e, () => this.logger.show()));
        return;
      case 'ask': {
        const action = 'Reload Now';
        this.logger.info('KB, model or detection settings changed: the linking session must be loaded again (the index is rebuilt if the KB or model changed).');
        void this.notifier.show('info', 'Entity Linker: the KB, model or detection settings changed. Reload the linker (the index is rebuilt when the KB or model changed)?', action).then((picked) => {
          if (picked === action) this.reloadLinker().catch((e: unknown) => reportError(this.logger, 'Reloading the linker', e, () => this.logger.show()));
        });
        return;
      }
    }
  }
}
