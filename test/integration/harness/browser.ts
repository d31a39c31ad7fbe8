import * as fs from 'node:fs';
import { format } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium; Playwright's own browsers are downloaded from a CDN, which is not reachable offline. */
export const CHROMIUM_PATH = process.env.ENTITY_LINKER_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WorkbenchSession {
  readonly context: BrowserContext;
  /** Resolves with the code the workbench passes to `window.codeAutomationExit` (the extension tests' result). */
  readonly exitCode: Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the workbench URL in a fresh headless Chromium profile and exposes `codeAutomationExit`, which VS Code's
 * smoke-test driver calls when the extension tests finish. Browser console lines go to `onLog`.
 */
export async function openWorkbench(url: string, profileDir: string, onLog: (line: string) => void): Promise<WorkbenchSession> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium (or set ENTITY_LINKER_CHROMIUM).`);
  }
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  let resolveExit: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => (resolveExit = resolve));
  const page = context.pages()[0] ?? (await context.newPage());
  await page.exposeFunction('codeAutomationExit', (code: unknown) => {
    resolveExit(typeof code === 'number' ? code : 1);
  });
  await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
    onLog(`[workbench ${String(type)}] ${Array.isArray(args) ? format(...(args as unknown[])) : String(args)}`);
  });
  page.on('console', (message) => onLog(`[browser ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => onLog(`[browser pageerror] ${error.message}`));
  await page.goto(url);
  return { context, exitCode, close: () => context.close() };
}
