import * as vscode from 'vscode';
import { COMMAND_IDS, createCommands } from './commands';
import { affectsModel, readSettings, type EntityLinkerSettings } from './config';
import { Disposable } from './disposable';
import { EncoderService } from './encoderService';
import { reportError } from './errorReporting';
import { EditorFeatures } from './editor/editorFeatures';
import type { EditorTestApi } from './editor/editorTestApi';
import { LinkService } from './linking/linkService';
import { RELINK_KEYS, SESSION_RELOAD_KEYS } from './linking/linkingSettings';
import type { MentionBackend } from './linking/mentionBackend';
import { ChannelLogger } from './log';
import { PanelManager } from './panels/panelManager';

/**
 * The extension object: built once by `activate`, it owns every service and disposable, and services get what
 * they need through their constructors (no module-level state, no service locator).
 */
export class EntityLinker extends Disposable {
  readonly logger: ChannelLogger;
  readonly encoders: EncoderService;
  readonly panels: PanelManager;
  /** The editor side's mentions and labelling actions, once document linking is set up (the panels read it). */
  mentionBackend: MentionBackend | undefined;
  /** The linking session (KB, model, index) in the linker worker. */
  readonly links: LinkService;
  readonly editor: EditorFeatures;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.logger = this.register(new ChannelLogger());
    this.encoders = this.register(new EncoderService(() => this.settings().model, this.logger, 'entityLinker.showLog'));

    const showLog = (): void => this.logger.show();
    this.links = this.register(new LinkService(() => this.settings(), context.extensionPath, context.globalStorageUri.fsPath, this.logger, 'entityLinker.showLog'));
    this.editor = this.register(new EditorFeatures(this.links, () => this.settings().linking, this.logger, showLog));
    this.mentionBackend = this.editor.mentions;

    this.panels = this.register(new PanelManager(context.extensionUri, () => this.mentionBackend, this.logger));

    const editor = { mentions: this.editor.mentions, logger: this.logger, showLog, acceptThreshold: () => this.settings().linking.acceptThreshold, autoAdvance: () => this.settings().linking.autoAdvance, reveal: this.editor.reveal, reload: () => this.reloadLinker() };
    const training = {
      links: this.links,
      logger: this.logger,
      showLog,
      storageDir: context.globalStorageUri.fsPath,
      currentModel: () => this.settings().model,
      report: (what: string, e: unknown) => reportError(this.logger, what, e, showLog),
    };
    const commands = createCommands({ logger: this.logger, showLog, encoders: this.encoders, panels: this.panels, editor, training });
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

  /** The test and benchmark API that activate() returns. */
  testApi(): EditorTestApi {
    return this.editor.testApi(this.links);
  }

  /** Drops the linking session (only it) and links open documents again with the current settings. */
  async reloadLinker(): Promise<void> {
    await this.links.unload();
    this.editor.settingsChanged();
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    this.onLinkingConfigurationChanged(event);
    if (!affectsModel(event)) {
      return;
    }
    const wasLoaded = this.encoders.isLoaded;
    this.logger.info('The model settings changed: the encoder will be loaded again on next use.');
    this.encoders.unload().then(
      async () => {
        if (!wasLoaded) {
          return;
        }
        const action = 'Load Now';
        const picked = await vscode.window.showInformationMessage('Entity Linker: the model settings changed. The encoder will be loaded again on next use.', action);
        if (picked === action) {
          await this.encoders.get();
        }
      },
    ).catch((e: unknown) => reportError(this.logger, 'Loading the encoder', e, () => this.logger.show()));
  }

  /**
   * A KB, model or detection change needs the session loaded again (and maybe a re-index): say so and offer
   * it, rather than silently re-indexing a large KB. Selector and top-k changes only re-link.
   */
  private onLinkingConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (SESSION_RELOAD_KEYS.some((key) => event.affectsConfiguration(key))) {
      if (this.links.state === 'idle') {
        this.editor.settingsChanged();
        return;
      }
      const action = 'Reload Now';
      this.logger.info('KB, model or detection settings changed: the linking session must be loaded again (the index is rebuilt if the KB or model changed).');
      void vscode.window.showInformationMessage('Entity Linker: the KB, model or detection settings changed. Reload the linker (the index is rebuilt when the KB or model changed)?', action).then((picked) => {
        if (picked === action) this.reloadLinker().catch((e: unknown) => reportError(this.logger, 'Reloading the linker', e, () => this.logger.show()));
      });
      return;
    }
    if (RELINK_KEYS.some((key) => event.affectsConfiguration(key)) || event.affectsConfiguration('entityLinker.annotation')) {
      this.editor.settingsChanged();
    }
  }
}
