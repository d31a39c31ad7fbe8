import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkbench, type WorkbenchSession } from './browser';
import { freePort, REPO_ROOT, startCodeServer, type RunningCodeServer } from './codeServer';
import { HOST_OUTPUT_MARKER } from './testResults';

/**
 * A stand-in for the `code` executable that @vscode/test-electron's runTests() starts: it takes the same test
 * arguments but runs the extension tests in code-server (a real Node extension host) driven by headless
 * Chromium, because the Electron build of VS Code cannot be downloaded offline. It exits with the tests' exit
 * code. Started through test/integration/bin/code-server-vscode.
 */
interface VscodeArguments {
  readonly extensionDevelopmentPath?: string;
  readonly extensionTestsPath: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly folder?: string;
}

/** How long a whole run may take before it is declared hung (override: ENTITY_LINKER_TEST_TIMEOUT_S). */
const TIMEOUT_S = Number(process.env.ENTITY_LINKER_TEST_TIMEOUT_S ?? 600);

function parseArguments(argv: readonly string[]): VscodeArguments {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      values.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (['user-data-dir', 'extensions-dir', 'extensionDevelopmentPath', 'extensionTestsPath'].includes(arg.slice(2)) && i + 1 < argv.length) {
      values.set(arg.slice(2), argv[++i]);
    }
    // Electron-only switches (--no-sandbox, --disable-updates, ...) have no meaning here and are ignored.
  }
  const extensionTestsPath = values.get('extensionTestsPath');
  if (extensionTestsPath === undefined) {
    throw new Error('code-server-vscode runs extension tests only: --extensionTestsPath is required.');
  }
  const scratch = path.join(REPO_ROOT, '.test-artifacts', 'code-server-vscode');
  return {
    extensionDevelopmentPath: values.get('extensionDevelopmentPath'),
    extensionTestsPath: path.resolve(extensionTestsPath),
    userDataDir: path.resolve(values.get('user-data-dir') ?? path.join(scratch, 'user-data')),
    extensionsDir: path.resolve(values.get('extensions-dir') ?? path.join(scratch, 'extensions')),
    folder: positional[0] === undefined ? undefined : path.resolve(positional[0]),
  };
}

/** The workbench URL that makes VS Code run the tests: a `payload` the smoke-test driver honours. */
function workbenchUrl(serverUrl: string, args: VscodeArguments): string {
  const host = new URL(serverUrl).host;
  const remote = (p: string) => `vscode-remote://${host}${p}`;
  const payload: [string, string][] = [['extensionTestsPath', remote(args.extensionTestsPath)]];
  if (args.extensionDevelopmentPath !== undefined) {
    payload.unshift(['extensionDevelopmentPath', remote(path.resolve(args.extensionDevelopmentPath))]);
  }
  const query = new URLSearchParams();
  if (args.folder !== undefined) {
    query.set('folder', args.folder);
  }
  query.set('payload', JSON.stringify(payload));
  return `${serverUrl}/?${query.toString()}`;
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  fs.mkdirSync(args.userDataDir, { recursive: true });
  fs.mkdirSync(args.extensionsDir, { recursive: true });
  const profileDir = fs.mkdtempSync(path.join(path.dirname(args.userDataDir), 'chromium-'));
  const logFile = path.join(path.dirname(args.userDataDir), 'code-server.log');
  const log = fs.createWriteStream(logFile);
  const record = (line: string) => log.write(`${line}\n`);

  let server: RunningCodeServer | undefined;
  let workbench: WorkbenchSession | undefined;
  const cleanup = async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(profileDir, { recursive: true, force: true });
    log.end();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    server = await startCodeServer({
      port: await freePort(),
      userDataDir: args.userDataDir,
      extensionsDir: args.extensionsDir,
      smokeTestDriver: true,
      onOutput: (line) => {
        record(line);
        forwardHostOutput(line);
      },
    });
    workbench = await openWorkbench(workbenchUrl(server.url, args), profileDir, record);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`code-server-vscode: the extension tests did not finish within ${TIMEOUT_S} s; giving up. Server and browser log: ${logFile}`);
        resolve(124);
      }, TIMEOUT_S * 1000);
    });
    const code = await Promise.race([workbench.exitCode, timeout]);
    clearTimeout(timer);
    if (code !== 0) {
      console.error(`code-server-vscode: the extension tests exited with ${code}. Server, extension host and browser log: ${logFile}`);
    }
    return code;
  } finally {
    await cleanup();
  }
}

/**
 * code-server logs what its extension host prints among its own lines; only the tests' report (marked by the
 * suite) is worth showing in the terminal. Everything goes to the log file.
 */
function forwardHostOutput(line: string): void {
  const at = line.indexOf(HOST_OUTPUT_MARKER);
  if (at >= 0) {
    process.stdout.write(`${line.slice(at + HOST_OUTPUT_MARKER.length)}\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`code-server-vscode: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
