import * as vscode from 'vscode';
import type { Logger } from '../core/log';

/** The name of the one output channel; the Show Log command reveals it. */
export const LOG_CHANNEL_NAME = 'Entity Linker';

/**
 * The core's Logger on top of a VS Code LogOutputChannel, so the user picks the level in the channel's own
 * menu and the core never sees `vscode`. Errors keep their stack, which is what a bug report needs.
 */
export class ChannelLogger implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(name: string = LOG_CHANNEL_NAME) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  trace(message: string): void {
    this.channel.trace(message);
  }

  debug(message: string): void {
    this.channel.debug(message);
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string | Error): void {
    this.channel.error(message);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
