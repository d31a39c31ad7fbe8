import * as path from 'node:path';
import { readTeamStore } from '../../core/agreement/teamStore';
import { LinkerError } from '../../core/errors';
import { type AgreementFigures } from '../../core/agreement/agreementFigures';
import { agreementReport } from '../../core/agreement/agreementReport';
import { checkAnnotatorName } from '../../core/annotations/annotationPaths';
import { terminalSafe } from '../../core/safeText';
import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { parseCommandArgs } from '../options';

const USAGE = `Usage: entity-linker agreement [--dir PATH] [--annotator NAME]... [--json]

Inter-annotator agreement of a team-annotated workspace, per document and overall (units pooled over documents).
Each annotator's labels are in .entity-links/@<name>/<doc>.jsonl; an old shared .entity-links/<doc>.jsonl counts
as one more annotator; .entity-links/@curated/ holds the curator's decisions.

  span agreement      exact span match: pairwise F1, Cohen's kappa and Krippendorff's alpha over the spans
                      anyone decided (rejected suggestions are the negatives; "-" where undefined)
  entity agreement    on spans at least two annotators marked: Cohen's kappa (mean over pairs with more than
                      two annotators) and Krippendorff's alpha (nominal), NIL a category of its own
  open                disagreements not curated yet (export and fine-tuning leave them out)

  --dir PATH          the workspace folder holding .entity-links/, or that folder (default: the current folder)
  --annotator NAME    compare only these annotators (repeatable)
  --json              print {"documents":[{"document","figures","disagreements","uncurated"}],"overall",...}`;

export const agreementCommand: CliCommand = {
  name: 'agreement',
  summary: 'inter-annotator agreement per document and overall (span and entity; kappa, alpha)',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      dir: { type: 'string' },
      annotator: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    }, USAGE);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const annotators = (values.annotator ?? []).map((a) => checkAnnotatorName(a, '--annotator'));
    const store = await readTeamStore(values.dir ?? '.');
    // What is left out is said (stderr), so a figure never silently rests on fewer labels than the files hold.
    for (const u of store.unplaced) io.err(`warning: ${u.file}:${u.line}: "${u.text}" is left out: ${u.why}. Open the document in the editor to review the label, or fix the line.`);
    for (const file of store.notRead) io.err(`warning: ${file} is named like a label file but is not a regular file (a folder, link or pipe): not read.`);
    const found = new Set(store.documents.flatMap((d) => d.labelSets.map((l) => l.annotator)));
    const unknown = annotators.filter((a) => !found.has(a));
    if (unknown.length > 0) {
      throw new LinkerError('usage', `--annotator ${unknown.join(', ')}: no labels from ${unknown.length === 1 ? 'this annotator' : 'these annotators'} in ${path.resolve(values.dir ?? '.')}.`, { hint: found.size === 0 ? 'The store holds no labels yet.' : `Annotators with labels: ${[...found].sort().join(', ')}.` });
    }
    const report = agreementReport(store.documents, annotators);
    if (values.json === true) {
      io.out(terminalSafe(JSON.stringify(report)));
      return EXIT_OK;
    }
    const rows = [...report.documents.map((d) => row(d.document, d.figures, d.uncurated)), row('overall', report.overall, report.uncurated)];
    const header = ['document', 'annotators', 'spans', 'span F1', 'span κ', 'span α', 'shared', 'agreed', 'entity κ', 'entity α', 'open'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
    io.out(line(header));
    for (const r of rows) io.out(line(r));
    const pairs = report.overall.spans.pairs;
    if (pairs.length > 0) {
      io.out('');
      io.out('pairs (overall): span F1, entity kappa on the spans both marked');
      for (const p of pairs) {
        const e = report.overall.entities.pairs.find((q) => q.a === p.a && q.b === p.b);
        io.out(`  ${terminalSafe(p.a)} - ${terminalSafe(p.b)}: span F1 ${fixed(p.f1)}, entity κ ${fixed(e?.kappa ?? null)} on ${e?.sharedSpans ?? 0} spans (${e?.agreed ?? 0} agreed)`);
      }
    }
    if (report.documents.every((d) => d.figures.annotators.length < 2)) {
      io.out('');
      io.out('No document has labels from two annotators yet: set "entityLinker.annotator" in each annotator\'s editor so their labels go to .entity-links/@<name>/.');
    }
    return EXIT_OK;
  },
};

function row(name: string, f: AgreementFigures, open: number): string[] {
  return [terminalSafe(name), String(f.annotators.length), String(f.spans.units), fixed(f.spans.f1), fixed(f.spans.kappa), fixed(f.spans.alpha), String(f.entities.sharedSpans), String(f.entities.agreed), fixed(f.entities.kappa), fixed(f.entities.alpha), String(open)];
}

function fixed(v: number | null): string {
  return v === null ? '-' : v.toFixed(3);
}
