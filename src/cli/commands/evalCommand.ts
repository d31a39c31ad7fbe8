import { LinkerError } from '../../core/errors';
import { evaluate, type EvaluationMode, type EvaluationReport, type InvalidMention } from '../../core/eval/evaluate';
import type { Fraction } from '../../core/eval/metrics';
import { GOLD_FORMATS, type GoldFormat } from '../../core/formats/goldFormat';
import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { GOLD_INPUT_OPTIONS, SELF_EXEMPLARS_HELP, SELF_EXEMPLARS_OPTION, WSD_UNIT_OPTION, goldIdMapArg, goldMappingFor, readGoldArgs, wsdLinkerOptions, wsdUnitArg, wsdUnitHelp } from '../goldArgs';
import { ENGINE_OPTIONS, ENGINE_OPTIONS_HELP, parseChoice, parseCommandArgs, parsePositiveInt } from '../options';
import { openSessionFromArgs } from '../sessionArgs';

const USAGE = `Usage: entity-linker eval --gold PATH [--gold-format FORMAT] [--gold-id-map id|iri-suffix|title|sense-key]
                         [--kb SRC]... [--kb-config FILE] [--model DIR] [--mode disambiguation|end-to-end] [--json]

Links gold documents and scores the result: recall@1/@10/@64, accuracy, normalised accuracy, NIL precision and
recall, end-to-end precision/recall/F1, with breakdowns per document and per surface form.

  --gold PATH         gold file or folder, repeatable
  --gold-format F     ${GOLD_FORMATS.join(' | ')} | auto (default auto: sniffed)
  --gold-id-map M     how gold ids name KB entities: id (equal ids, default), iri-suffix, title (gold label =
                      KB title, case-insensitive), sense-key (WordNet sense keys; the default for wsd gold)
  --mode M            disambiguation (gold spans given, default) | end-to-end (mentions detected too)
  --top-k N           candidates ranked per mention (default 64)
  --skip-invalid      skip gold mentions whose offsets or text are wrong (listed) instead of failing
${wsdUnitHelp(22)}
${SELF_EXEMPLARS_HELP}
  --json              print {"metrics":{...},"e2e":{...},"perDocument":[...],"seconds"} (fractions in 0..1)
${ENGINE_OPTIONS_HELP}
  With wsd gold and no --kb, the KB is WordNet with every part of speech and each mention is ranked among the
  senses of its lemma.`;

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'score the linker on gold data (NIF, Zeshel, elevant, WSD, Prodigy, annotations)',
  usage: USAGE,
  async run(args, io, signal) {
    const { values } = parseCommandArgs(args, {
      ...ENGINE_OPTIONS,
      ...GOLD_INPUT_OPTIONS,
      ...WSD_UNIT_OPTION,
      ...SELF_EXEMPLARS_OPTION,
      mode: { type: 'string' },
      'top-k': { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      json: { type: 'boolean' },
    }, USAGE);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const goldPaths = values.gold ?? [];
    if (goldPaths.length === 0) {
      throw new LinkerError('usage', `eval needs --gold PATH.\n\n${USAGE}`);
    }
    const format = parseChoice<GoldFormat | 'auto'>('gold-format', values['gold-format'], [...GOLD_FORMATS, 'auto'], 'auto');
    const mode = parseChoice<EvaluationMode>('mode', values.mode, ['disambiguation', 'end-to-end'], 'disambiguation');
    const topK = parsePositiveInt('top-k', values['top-k'], 64);
    const idMapFor = goldIdMapArg(values['gold-id-map']);
    const wsdUnit = wsdUnitArg(values['wsd-unit']);
    const linkerOptions = wsdLinkerOptions(wsdUnit, values['self-exemplars']);

    const skipInvalid = values['skip-invalid'] === true;
    const invalidAtRead: InvalidMention[] = [];
    const { docs, formats } = await readGoldArgs(goldPaths, format, io, undefined, skipInvalid ? (source, problem) => invalidAtRead.push({ documentId: source.record ?? '', source, problem }) : undefined, wsdUnit);
    const wsd = formats.includes('wsd');
    const idMap = idMapFor(wsd);
    const engineValues = wsd && (values.kb ?? []).length === 0 && values['kb-config'] === undefined ? { ...values, kb: ['wordnet:all'] } : values;

    const session = await openSessionFromArgs(engineValues, io, signal, linkerOptions);
    try {
      const { mapGold, candidatesFor } = await goldMappingFor(session, idMap, wsd);
      const report = await evaluate({
        docs,
        linker: session.linker,
        mapGold,
        mode,
        topK,
        signal,
        skipInvalid,
        invalidAtRead,
        onProgress: (p) => io.progress(p),
        candidatesFor,
      });
      io.endProgress();
      io.out(values.json === true ? JSON.stringify(reportJson(report)) : formatReport(report));
      return EXIT_OK;
    } finally {
      await session.dispose();
    }
  },
};

function reportJson(r: EvaluationReport) {
  return { mode: r.mode, primary: r.primary, metrics: r.metrics, macro: r.macro, e2e: r.e2e ?? null, perDocument: r.perDocument, perCollection: r.perCollection, perSurface: r.perSurface, invalid: r.invalid, emergingInKb: r.emergingInKb, seconds: r.seconds };
}

function pct(x: Fraction): string {
  return x === null ? '   n/a' : `${(100 * x).toFixed(2).padStart(6)}%`;
}

function formatReport(r: EvaluationReport): string {
  const m = r.metrics;
  const lines = [
    `mode ${r.mode}: ${m.mentions} mentions, ${m.inKb} in KB${r.emergingInKb > 0 ? ` (${r.emergingInKb} of them notInWiki gold the KB holds)` : ''}, ${m.outOfKb} out of KB, ${m.nilGold} NIL gold`,
    `  recall@1   ${pct(m['recall@1'])}`,
    `  recall@10  ${pct(m['recall@10'])}`,
    `  recall@64  ${pct(m['recall@64'])}`,
    `  accuracy (in KB)         ${pct(m.accuracy)}`,
    `  normalised accuracy      ${pct(m.normalizedAccuracy)}`,
    `  unnormalised accuracy    ${pct(m.unnormalizedAccuracy)}`,
    `  NIL precision / recall   ${pct(m.nilPrecision)} / ${pct(m.nilRecall)}`,
  ];
  if (r.e2e !== undefined) {
    for (const [name, pr] of [['strict', r.e2e.strict], ['overlap', r.e2e.overlap], ['detection', r.e2e.detection]] as const) {
      lines.push(`  end-to-end ${name.padEnd(10)}    P ${pct(pr.precision)}  R ${pct(pr.recall)}  F1 ${pct(pr.f1)}  (${pr.truePositives} of ${pr.predicted} predicted, ${pr.gold} gold)`);
    }
  }
  if (m.meanSecondsPerMention !== null) {
    lines.push(`  latency                  ${(1000 * m.meanSecondsPerMention).toFixed(2)} ms per mention`);
  }
  if (r.invalid.length > 0) {
    const first = r.invalid[0].source;
    lines.push(`  ${r.invalid.length} invalid gold mentions skipped (first: ${first.file}${first.line === undefined ? '' : `:${first.line}`}: ${r.invalid[0].problem})`);
  }
  lines.push(`primary ${r.primary.name} = ${pct(r.primary.value).trim()} in ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}
