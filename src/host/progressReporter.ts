import type * as vscode from 'vscode';
import type { Progress } from '../core/log';

/** Words for the core's internal stage names (the others are already words, e.g. "Encoding entities"). */
const STAGE_WORDS: Readonly<Record<string, string>> = {
  'encode-mentions': 'Encoding mentions',
  'encode-entities': 'Encoding entities',
  'Encoding entities': 'Embedding KB entities',
  'mine negatives': 'Mining hard negatives',
  mine: 'mining hard negatives',
  train: 'training',
  evaluate: 'evaluating on dev',
};

/** A stage name as the user reads it: "encode-mentions" → "Encoding mentions", "epoch 2: train" → "epoch 2: training". */
export function stageWords(stage: string): string {
  const direct = STAGE_WORDS[stage];
  if (direct !== undefined) return direct;
  const m = /^(.*: )(\S+)$/.exec(stage);
  return m !== null && STAGE_WORDS[m[2]] !== undefined ? `${m[1]}${STAGE_WORDS[m[2]]}` : stage;
}

/**
 * A progress report in words: the stage named, under its epoch when it has one, and a finished epoch's figures
 * ("epoch 2: training", "epoch 2 finished: loss 0.1234, dev recall@64 85.0%, dev recall@1 60.0%").
 */
export function progressWords(p: Progress): string {
  if (p.stage === 'epoch' && p.epoch !== undefined) {
    const figures = Object.entries(p.figures ?? {}).map(([name, value]) => (name.startsWith('recall@') ? `dev ${name} ${(100 * value).toFixed(1)}%` : `${name} ${value.toFixed(4)}`));
    return `epoch ${p.epoch} finished${figures.length === 0 ? '' : `: ${figures.join(', ')}`}`;
  }
  const words = stageWords(p.stage);
  return p.epoch === undefined ? words : `epoch ${p.epoch}: ${words.charAt(0).toLowerCase()}${words.slice(1)}`;
}

/** "about 3 min left" from the rate so far; undefined until the estimate means something (2 s and 2 % in). */
export function timeLeft(done: number, total: number, elapsedMs: number): string | undefined {
  if (done <= 0 || done >= total || elapsedMs < 2000 || done / total < 0.02) return undefined;
  const seconds = ((total - done) * elapsedMs) / done / 1000;
  if (seconds < 60) return `about ${Math.max(5, Math.round(seconds / 5) * 5)} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Turns the core's (stage, done, total) progress into VS Code's message + percentage increments: the stage in
 * words, "done / total" with thousands separators and an estimate of the time left. VS Code adds up
 * increments, so each stage restarts the bar from its own zero. `now` is injectable for tests.
 */
export function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>, now: () => number = () => performance.now()): (p: Progress) => void {
  let stage = '';
  let percent = 0;
  let stageStarted = now();
  return (p) => {
    // Each epoch's mining, training and evaluation is its own stage; the finished-epoch reports are one (done of total epochs).
    const key = p.epoch === undefined || p.stage === 'epoch' ? p.stage : `${p.epoch} ${p.stage}`;
    if (key !== stage) {
      stage = key;
      percent = 0;
      stageStarted = now();
    }
    const words = progressWords(p);
    if (p.total === undefined || p.total <= 0) {
      progress.report({ message: p.done > 0 ? `${words} (${count(p.done)})` : words });
      return;
    }
    const next = Math.min(100, (100 * p.done) / p.total);
    const left = timeLeft(p.done, p.total, now() - stageStarted);
    progress.report({ message: `${words}: ${count(p.done)} / ${count(p.total)}${left === undefined ? '' : ` · ${left}`}`, increment: Math.max(0, next - percent) });
    percent = next;
  };
}
