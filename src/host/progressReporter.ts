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
    // "epoch 2/4: loss ..." lines change their text but are one stage: the part before ':' names the stage.
    const key = p.stage.replace(/:.*$/, '');
    if (key !== stage) {
      stage = key;
      percent = 0;
      stageStarted = now();
    }
    const words = stageWords(p.stage);
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
