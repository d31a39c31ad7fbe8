import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

/** The repository root, from out/test/integration/harness/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Written by scripts/installCodeServer.sh: runs code-server with its own Node 24. */
export const CODE_SERVER_LAUNCHER = path.join(REPO_ROOT, '.tools', 'code-server.sh');

export function assertCodeServerInstalled(): void {
  if (!fs.existsSync(CODE_SERVER_LAUNCHER)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_LAUNCHER} is missing). Run: bash scripts/installCodeServer.sh`);
  }
}

/** A free TCP port on 127.0.0.1 (asked of the OS; another process could still take it before we bind). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface CodeServerOptions {
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Lets a browser drive extension tests through the URL payload (`extensionTestsPath`). */
  readonly smokeTestDriver: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Receives each line code-server (and the extension host it starts) writes. */
  readonly onOutput: (line: string) => void;
}

export interface RunningCodeServer {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  assertCodeServerInstalled();
  const args = [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${options.port}`,
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (options.smokeTestDriver) {
    args.push('--vscode-option', 'enable-smoke-test-driver');
  }
  // Its own process group, so stopping it also stops the extension host and other children it started.
  const child = spawn(CODE_SERVER_LAUNCHER, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  forwardLines(child, options.onOutput);
  const url = `http://127.0.0.1:${options.port}`;
  const stop = () => stopProcessGroup(child);
  try {
    await waitUntilHealthy(url, child, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, process: child, stop };
}

function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    stream?.on('end', () => pending !== '' && onLine(pending));
  }
}

async function waitUntilHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready.`);
    }
    if (await isHealthy(`${url}/healthz`)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s.`);
}

function isHealthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(2_000, () => request.destroy());
  });
}

/** SIGTERM to the whole group, SIGKILL after a grace period if anything is left. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.pid === undefined) {
    return;
  }
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-child.pid!, signal);
      return true;
    } catch {
      return false; // The group is already gone.
    }
  };
  if (!signalGroup('SIGTERM')) {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!signalGroup(0)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  signalGroup('SIGKILL');
}

/** Runs code-server's CLI (e.g. --install-extension) to completion; rejects with its output on failure. */
export async function runCodeServerCli(args: readonly string[]): Promise<string> {
  assertCodeServerInstalled();
  return new Promise((resolve, reject) => {
    const child = spawn(CODE_SERVER_LAUNCHER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`code-server ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}
