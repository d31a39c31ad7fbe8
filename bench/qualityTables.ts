/** Markdown tables for the quality bench: one per dataset (a row per linker mode) and a summary. */
import type { EvaluationReport } from '../src/core/eval/evaluate';
import type { Fraction } from '../src/core/eval/metrics';

export interface ModeRow {
  readonly mode: string;
  readonly report: EvaluationReport;
  /** Seconds spent linking (a pooled row sums its sets, whose answers it replays). */
  readonly seconds: number;
}

export interface DatasetResult {
  readonly dataset: string;
  readonly rows: readonly ModeRow[];
}

export function pct(x: Fraction | undefined): string {
  return x === null || x === undefined ? 'n/a' : (100 * x).toFixed(1);
}

function msPerMention(row: ModeRow): string {
  const n = row.report.metrics.mentions;
  return n === 0 ? 'n/a' : ((1000 * row.seconds) / n).toFixed(2);
}

export function datasetTable(result: DatasetResult): string {
  const first = result.rows[0]?.report.metrics;
  const lines = [
    `### ${result.dataset}` + (first === undefined ? '' : ` (${first.mentions} mentions: ${first.inKb} in KB, ${first.outOfKb} out of KB, ${first.nilGold} NIL)`),
    '',
    '| mode | in-KB | R@1 | R@10 | R@64 | accuracy | norm. acc. | acc. (all) | time (s) | ms/mention |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of result.rows) {
    const m = row.report.metrics;
    lines.push(
      `| ${row.mode} | ${m.inKb} | ${pct(m['recall@1'])} | ${pct(m['recall@10'])} | ${pct(m['recall@64'])} | ${pct(m.accuracy)} | ` +
        `${pct(m.normalizedAccuracy)} | ${pct(m.unnormalizedAccuracy)} | ${row.seconds.toFixed(1)} | ${msPerMention(row)} |`,
    );
  }
  return lines.join('\n');
}

/** Accuracy (in-KB, %) per dataset and mode, with the hybrid recall@64; modes missing from a dataset read '–'. */
export function summaryTable(results: readonly DatasetResult[], modes: readonly string[]): string {
  const lines = [
    `| dataset | in-KB | ${modes.map((m) => `${m} acc.`).join(' | ')} | hybrid R@64 | hybrid time (s) |`,
    `|---|---:|${modes.map(() => '---:').join('|')}|---:|---:|`,
  ];
  for (const r of results) {
    const byMode = new Map(r.rows.map((row) => [row.mode, row]));
    const hybrid = byMode.get('hybrid');
    const inKb = r.rows[0]?.report.metrics.inKb ?? 0;
    const accs = modes.map((m) => {
      const row = byMode.get(m);
      return row === undefined ? '–' : pct(row.report.metrics.accuracy);
    });
    lines.push(`| ${r.dataset} | ${inKb} | ${accs.join(' | ')} | ${pct(hybrid?.report.metrics['recall@64'])} | ${hybrid === undefined ? '–' : hybrid.seconds.toFixed(1)} |`);
  }
  return lines.join('\n');
}
