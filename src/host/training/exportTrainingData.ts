import * as path from 'node:path';
import * as vscode from 'vscode';
import { LinkerError } from '../../core/errors';
import { DEFAULT_SPLIT_SEED, devFractionProblem, seedProblem } from '../../core/formats/documentSplit';
import { EXPORT_FORMATS, type ExportFormat, type ExportSummary } from '../../core/formats/export/exportGold';
import { abortSignalFrom } from '../cancellation';
import type { TrainingCommandServices } from './trainingCommands';
import { progressReporter } from '../progressReporter';
import { storeRootFor } from './trainingUi';
import { type SplitQuestion, devShareQuestion, splitSeedQuestion } from './exportSplitInput';
import { plural } from '../../shared/plural';

/** Arguments for programmatic use (tests, other extensions): with them nothing is asked. */
export interface ExportTrainingArgs {
  readonly format: ExportFormat;
  /** A file (blink, nif) or a folder (brat). */
  readonly out: string;
  /** Share of documents written to the dev file, from 0 up to 1 (default 0: no split). */
  readonly devFraction?: number;
  /** Seed of the dev split, a whole number from 0 to 2^32-1 (default 1, as the CLI's export --seed). */
  readonly seed?: number;
  /** BLINK: negatives per mention mined by the current linker (default 16). */
  readonly hardNegatives?: number;
  /** The folder whose `.entity-links/` store is exported (default: the first workspace folder). */
  readonly workspace?: string;
}

const FORMAT_ITEMS: readonly (vscode.QuickPickItem & { format: ExportFormat })[] = [
  { format: 'blink', label: 'BLINK training JSONL', description: 'with hard negatives mined by the current linker' },
  { format: 'nif', label: 'NIF 2.0 Turtle', description: '.ttl, entity IRIs' },
  { format: 'brat', label: 'brat standoff', description: 'a folder of .txt/.ann pairs with normalisation lines' },
];

export function isExportArgs(value: unknown): value is ExportTrainingArgs {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { format?: unknown; out?: unknown };
  return typeof v.out === 'string' && typeof v.format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v.format);
}

/** Asks for what the arguments would give; undefined when the user backs out. */
async function askExportArgs(): Promise<ExportTrainingArgs | undefined> {
  const workspace = await storeRootFor(undefined);
  const picked = await vscode.window.showQuickPick(FORMAT_ITEMS, { title: 'Entity Linker: Export Training Data - format', ignoreFocusOut: true });
  if (picked === undefined) return undefined;
  const base = vscode.Uri.file(workspace);
  let out: vscode.Uri | undefined;
  if (picked.format === 'brat') {
    out = (await vscode.window.showOpenDialog({ title: 'Folder for the brat files', canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: base, openLabel: 'Export Here' }))?.[0];
  } else {
    const ext = picked.format === 'blink' ? 'jsonl' : 'ttl';
    out = await vscode.window.showSaveDialog({ title: 'Export training data to', defaultUri: vscode.Uri.joinPath(base, `annotations.${picked.format}.${ext}`), filters: { [picked.label]: [ext] } });
  }
  if (out === undefined) return undefined;
  const devFraction = await ask(devShareQuestion());
  if (devFraction === undefined) return undefined;
  const seed = devFraction > 0 ? await ask(splitSeedQuestion()) : DEFAULT_SPLIT_SEED;
  if (seed === undefined) return undefined;
  return { format: picked.format, out: out.fsPath, devFraction, seed, workspace };
}

/** One question in an input box that refuses what the CLI would refuse; undefined when the user backs out. */
async function ask(q: SplitQuestion): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({ title: q.title, prompt: q.prompt, value: q.value, ignoreFocusOut: true, validateInput: q.validateInput });
  return text === undefined ? undefined : q.parse(text);
}

/** The dev target beside the train target: `name.dev.ext`, or a `dev` folder beside brat's `train` folder. */
export function devTargetOf(format: ExportFormat, out: string): { train: string; dev: string } {
  if (format === 'brat') return { train: path.join(out, 'train'), dev: path.join(out, 'dev') };
  const ext = path.extname(out);
  return { train: out, dev: `${out.slice(0, out.length - ext.length)}.dev${ext}` };
}

export function summaryLines(s: ExportSummary): string[] {
  const m = s.mentions;
  const lines = [
    `Exported ${plural(s.documents.train + s.documents.dev, 'document')} as ${s.format}: ${plural(m.total, 'mention')} (${m.linked} linked, ${m.nil} NIL), ${plural(s.distinctEntities, 'distinct entity', 'distinct entities')}.`,
    s.files.dev === undefined ? `Written to ${s.files.train}.` : `Train ${plural(s.documents.train, 'document')} to ${s.files.train}; dev ${s.documents.dev} to ${s.files.dev} (seed ${s.seed}).`,
  ];
  if (s.kbCoverage !== undefined) lines.push(`KB coverage: ${m.inKb} of ${m.linked} linked mentions (${(100 * s.kbCoverage).toFixed(1)}%) have their entity in the KB; ${m.outOfKb} out of KB.`);
  for (const [reason, count] of Object.entries(s.skipped)) lines.push(`Left out (not gold): ${plural(count, 'record')}, ${reason}.`);
  return lines;
}

/**
 * Exports the workspace's confirmed annotations. The session's linker mines BLINK's hard negatives in the
 * worker; the notification can cancel it. Programmatic calls return the summary and let errors through.
 */
export async function exportTrainingData(services: TrainingCommandServices, args: ExportTrainingArgs | undefined): Promise<ExportSummary | undefined> {
  const chosen = args ?? (await askExportArgs());
  if (chosen === undefined) return undefined;
  const storeRoot = await storeRootFor(chosen.workspace);
  const devFraction = chosen.devFraction ?? 0;
  const seed = chosen.seed ?? DEFAULT_SPLIT_SEED;
  const problem = devFractionProblem(devFraction) ?? seedProblem(seed);
  if (problem !== undefined) throw new LinkerError('usage', `Cannot export with dev share ${devFraction} and seed ${seed}: ${problem}.`);
  const targets = devFraction > 0 ? devTargetOf(chosen.format, chosen.out) : { train: chosen.out, dev: undefined };
  services.logger.info(`Export training data: ${storeRoot} as ${chosen.format} to ${targets.train}${targets.dev === undefined ? '' : ` and ${targets.dev} (dev fraction ${devFraction}, seed ${seed})`}.`);
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Entity Linker: exporting training data', cancellable: true },
    async (progress, token) => {
      const abort = abortSignalFrom(token);
      try {
        return await services.links.request(
          {
            kind: 'exportGold',
            request: {
              storeRoot,
              format: chosen.format,
              out: targets.train,
              ...(targets.dev === undefined ? {} : { devOut: targets.dev, devFraction }),
              seed,
              hardNegatives: chosen.format === 'blink' ? (chosen.hardNegatives ?? 16) : 0,
            },
          },
          { signal: abort.signal, onProgress: progressReporter(progress) },
        );
      } finally {
        abort.dispose();
      }
    },
  );
  const lines = summaryLines(summary);
  for (const line of lines) services.logger.info(`Export training data: ${line}`);
  if (args === undefined) {
    const reveal = 'Reveal';
    void vscode.window.showInformationMessage(`Entity Linker: ${lines.join(' ')}`, reveal, 'Show Log').then((picked) => {
      if (picked === reveal) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(summary.files.train));
      else if (picked !== undefined) services.showLog();
    });
  }
  return summary;
}
