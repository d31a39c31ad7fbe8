import * as vscode from 'vscode';
import { parseStoreUrl } from '../../core/store/storeUrl';

/**
 * The PostgreSQL KB store's password in VS Code's SecretStorage (the system keychain), one per server, user and
 * database: never in a settings file, never in a log. The setting `entityLinker.kb.store` holds the URL without it.
 */
export class KbStoreSecret {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async password(storeUrl: string): Promise<string | undefined> {
    const value = await this.secrets.get(secretKey(storeUrl));
    return value === undefined || value === '' ? undefined : value;
  }

  /** Asks for the password of the configured store (hidden input); empty removes it. True when it was changed. */
  async ask(storeUrl: string | undefined): Promise<boolean> {
    if (storeUrl === undefined) {
      void vscode.window.showInformationMessage('Entity Linker: set `entityLinker.kb.store` to a postgres:// URL (without the password) first.');
      return false;
    }
    const value = await vscode.window.showInputBox({
      title: 'Entity Linker: KB Store Password',
      prompt: `Password for ${parseStoreUrl(storeUrl).redacted}. Kept in the system keychain, never in settings; leave empty to remove it.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return false;
    if (value === '') await this.secrets.delete(secretKey(storeUrl));
    else await this.secrets.store(secretKey(storeUrl), value);
    return true;
  }
}

/** The store's user, host, port and database (not the schema, not the password). */
function secretKey(storeUrl: string): string {
  const l = parseStoreUrl(storeUrl);
  return `entityLinker.kb.store.password:${l.user ?? ''}@${l.host ?? ''}:${l.port ?? ''}/${l.database ?? ''}`;
}
