import * as vscode from 'vscode';
import { COMMAND_IDS, createCommands } from './commands';
import { affectsModel, readSettings, type EntityLinkerSettings } from './config';
import { Disposable } from './disposable';
import { EncoderService } from './encoderService';
import { reportError } from './errorReporting';
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

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.logger = this.register(new ChannelLogger());
    this.encoders = this.register(new EncoderService(() => this.settings().model, this.logger, 'entityLinker.showLog'));

    this.panels = this.register(new PanelManager(context.extensionUri, () => this.mentionBackend, this.logger));

    const commands = createCommands({ logger: this.logger, showLog: () => this.logger.show(), encoders: this.encoders, panels: this.panels });
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

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
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
}
