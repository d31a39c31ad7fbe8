import { LinkerError } from '../../core/errors';
import { EXPORT_FORMATS, type ExportFormat, type ExportSummary, exportGold } from '../../core/formats/export/exportGold';
import { mineExportNegatives } from '../../core/formats/export/exportNegatives';
import { checkExportTargets, goldInputFiles } from '../../core/formats/export/exportTarget';
import { DEFAULT_DEV_FRACTION, DEFAULT_SPLIT_SEED, devFractionProblem, seedProblem } from '../../core/formats/documentSplit';
import { GOLD_FORMATS, type GoldFormat } from '../../core/formats/goldFormat';
import { readKbConfig } from '../../core/kb/kbConfig';
import { parseSourceArg } from '../../core/kb/sniffFormat';
import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { ENGINE_OPTIONS, ENGINE_OPTIONS_HELP, parseCheckedNumber, parseChoice, parseCommandArgs, parsePositiveInt } from '../options';
import { openSessionFromArgs } from '../sessionArgs';
import { GOLD_INPUT_OPTIONS, goldIdMapArg, goldMappingFor, readDuplicates, readGoldArgs } from '../goldArgs';

const DEFAULT_HARD_NEGATIVES = 16;
/** More would make each BLINK record a KB dump and mining slow; a typo such as 1e12 fails at once. */
const MAX_HARD_NEGATIVES = 1000;

function hardNegativesProblem(x: number): string | undefined {
  return Number.isInteger(x) && x >= 0 && x <= MAX_HARD_NEGATIVES ? undefined : `negatives per mention are a whole number from 0 to ${MAX_HARD_NEGATIVES}`;
}

const USAGE = `Usage: entity-linker export --gold PATH [--gold-format F] --to blink|nif|brat --out PATH
                         [--dev-out PATH [--dev-fraction ${DEFAULT_DEV_FRACTION}] [--seed N]] [--no-nil]
                         [--kb SRC]... [--kb-config FILE] [--model DIR] [--hard-negatives N] [--json]

Writes gold annotations (the annotation store, or any gold format eval reads) as training or interchange data:
  blink  BLINK/Zeshel training JSONL: context_left, mention, context_right, label (entity text), label_id,
         label_title, world, document_id, mention_start/end, and hard_negatives [{id,title,score}] mined by the
         current model (gold and declared duplicates excluded); NIL mentions have label_id null
  nif    NIF 2.0 Turtle (code-point offsets; ids that are not IRIs go under --entity-base)
  brat   a folder of .txt/.ann pairs with normalisation lines (N ... Reference T1 DB:ID); NIL = no N line
Only confirmed annotations are gold (accepted, nil); suggested, rejected and needs-review records are left
out and counted in the summary. With --dev-out the documents are split (by document, seeded) into two files.

  --gold PATH          gold file or folder, repeatable (a workspace with .entity-links/ for the store)
  --gold-format F      ${GOLD_FORMATS.join(' | ')} | auto (default auto)
  --to F               ${EXPORT_FORMATS.join(' | ')}
  --out PATH           output file (blink, nif) or folder (brat)
  --dev-out PATH       write a dev split here: --dev-fraction X of the documents, from 0 up to 1 (default
                       ${DEFAULT_DEV_FRACTION}), split by --seed N, a whole number from 0 to 2^32-1 (default ${DEFAULT_SPLIT_SEED})
  --no-nil             leave NIL mentions out
  --context-chars N    blink: characters of context per side, cut at a word (default: the whole document)
  --hard-negatives N   blink: negatives per mention mined by the current model, 0 to ${MAX_HARD_NEGATIVES} (default ${DEFAULT_HARD_NEGATIVES} with --kb or
                       --kb-config, else 0; a KB is needed to label records and mine negatives)
  --gold-id-map M      id | iri-suffix | title | sense-key: how gold ids name KB entities (as eval)
  --duplicates FILE    ids declared the same entity, one group per line: never exported as negatives
  --entity-base IRI    nif: prefix of entity IRIs for ids that are not IRIs (default urn:entity-linker:kb/)
  --brat-db NAME       brat: normalisation DB name in N lines (default KB)
  --force              replace an existing --out/--dev-out that is not a previous export of ours
  --json               print the summary as JSON

Outputs are checked before anything is written: an output may not be one of the inputs (same real path) or
lie in .entity-links/, --out and --dev-out must differ, and only regular files (brat: folders) are replaced.
An existing output is replaced only when it is a previous export of entity-linker, recognised by its content:
NIF files start with the line "# entity-linker export (NIF 2.0)", a BLINK file's first record has the fields
context_left, mention, context_right, label_id, document_id, mention_start and mention_end, and a brat folder
holds a .entity-linker-export file. Anything else (and an empty file or folder is fine) needs --force.
${ENGINE_OPTIONS_HELP}`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export gold annotations as BLINK training JSONL (with hard negatives), NIF or brat standoff',
  usage: USAGE,
  async run(args, io, signal) {
    const { values } = parseCommandArgs(args, {
      ...ENGINE_OPTIONS,
      ...GOLD_INPUT_OPTIONS,
      to: { type: 'string' },
      out: { type: 'string' },
      'dev-out': { type: 'string' },
      'dev-fraction': { type: 'string' },
      seed: { type: 'string' },
      'no-nil': { type: 'boolean' },
      'context-chars': { type: 'string' },
      'hard-negatives': { type: 'string' },
      duplicates: { type: 'string' },
      'entity-base': { type: 'string' },
      'brat-db': { type: 'string' },
      json: { type: 'boolean' },
      force: { type: 'boolean' },
    }, USAGE);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const goldPaths = values.gold ?? [];
    if (goldPaths.length === 0 || values.to === undefined || values.out === undefined) {
      throw new LinkerError('usage', `export needs --gold PATH, --to FORMAT and --out PATH.\n\n${USAGE}`);
    }
    const format = parseChoice<ExportFormat>('to', values.to, EXPORT_FORMATS, 'blink');
    // Flags are checked before any input is read: a typo fails at once, not after minutes of mining negatives.
    if (values['dev-out'] === undefined && (values['dev-fraction'] !== undefined || values.seed !== undefined)) {
      throw new LinkerError('usage', '--dev-fraction and --seed split off a dev set, which needs --dev-out PATH (where the dev documents go).', { hint: 'Add --dev-out PATH, or leave --dev-fraction and --seed out.' });
    }
    const devFraction = parseCheckedNumber('dev-fraction', values['dev-fraction'], DEFAULT_DEV_FRACTION, devFractionProblem);
    const seed = parseCheckedNumber('seed', values.seed, DEFAULT_SPLIT_SEED, seedProblem);
    const withKb = (values.kb ?? []).length > 0 || values['kb-config'] !== undefined;
    const askedNegatives = parseCheckedNumber('hard-negatives', values['hard-negatives'], withKb ? DEFAULT_HARD_NEGATIVES : 0, hardNegativesProblem);
    const hardNegatives = format === 'blink' ? askedNegatives : 0;
    const idMapFor = goldIdMapArg(values['gold-id-map']);
    // Read (and so checked) even when unused: a wrong path is not silently ignored.
    const duplicatesOf = values.duplicates === undefined ? undefined : await readDuplicates(values.duplicates);
    if (duplicatesOf !== undefined && hardNegatives === 0) {
      io.err('warning: --duplicates keeps declared duplicates out of mined hard negatives, and this export mines none (only --to blink with --kb or --kb-config and --hard-negatives above 0 does).');
    }
    const skipped = new Map<string, number>();
    const { docs, formats } = await readGoldArgs(goldPaths, parseChoice<GoldFormat | 'auto'>('gold-format', values['gold-format'], [...GOLD_FORMATS, 'auto'], 'auto'), io, skipped);
    // Checked here before a KB is loaded and negatives are mined (minutes), and again by exportGold itself.
    const inputs = [...goldPaths, ...(await kbInputs(values.kb ?? [], values['kb-config'])), ...(values.duplicates === undefined ? [] : [values.duplicates])];
    const force = values.force === true;
    checkExportTargets({ format, out: values.out, devOut: values['dev-out'], force, inputs: [...inputs, ...goldInputFiles(docs)] });
    const wsd = formats.includes('wsd');
    const common = {
      format,
      out: values.out,
      devOut: values['dev-out'],
      devFraction,
      seed,
      includeNil: values['no-nil'] !== true,
      nif: values['entity-base'] === undefined ? {} : { entityBase: values['entity-base'] },
      brat: values['brat-db'] === undefined ? {} : { db: values['brat-db'] },
      skipped: Object.fromEntries(skipped),
      inputs,
      force,
    };
    const contextChars = values['context-chars'] === undefined ? undefined : parsePositiveInt('context-chars', values['context-chars'], 1);
    let summary: ExportSummary;
    if (!withKb && hardNegatives === 0) {
      summary = await exportGold(docs, { ...common, blink: { contextChars } });
    } else {
      const session = await openSessionFromArgs(values, io, signal);
      try {
        const idMap = idMapFor(wsd);
        const mapping = await goldMappingFor(session, idMap, wsd);
        const negatives =
          hardNegatives > 0
            ? await mineExportNegatives(docs, session.linker, { ...mapping, count: hardNegatives, duplicatesOf, signal, onProgress: (p) => io.progress(p) })
            : undefined;
        io.endProgress();
        summary = await exportGold(docs, { ...common, kb: session.kb, mapGold: mapping.mapGold, blink: { contextChars, ...(negatives === undefined ? {} : { hardNegatives: (m) => negatives.get(m) }) } });
      } finally {
        await session.dispose();
      }
    }
    if (values.json === true) {
      io.out(JSON.stringify(summary));
      return EXIT_OK;
    }
    const m = summary.mentions;
    io.out(`exported ${summary.documents.train + summary.documents.dev} documents as ${summary.format} to ${summary.files.train}${summary.files.dev === undefined ? '' : ` (train ${summary.documents.train}) and ${summary.files.dev} (dev ${summary.documents.dev}, seed ${summary.seed})`}`);
    io.out(`  mentions: ${m.total} (${m.linked} linked, ${m.nil} NIL${m.nilLeftOut > 0 ? `, ${m.nilLeftOut} NIL left out` : ''}), ${m.written} written, ${summary.distinctEntities} distinct entities`);
    if (summary.kbCoverage !== undefined) io.out(`  KB coverage: ${m.inKb} of ${m.linked} linked mentions have their entity in the KB (${(100 * summary.kbCoverage).toFixed(1)}%); ${m.outOfKb} out of KB`);
    for (const [reason, count] of Object.entries(summary.skipped)) io.out(`  left out (not gold): ${count} records, ${reason}`);
    if (hardNegatives > 0) io.out(`  hard negatives: up to ${hardNegatives} per in-KB mention, mined by the current model`);
    return EXIT_OK;
  },
};

/** The files of the KB: --kb sources, the --kb-config file and the sources it lists (the WordNet keyword names none). */
async function kbInputs(sources: readonly string[], config: string | undefined): Promise<string[]> {
  const specs = [...sources.map(parseSourceArg), ...(config === undefined ? [] : (await readKbConfig(config)).sources)];
  return [...specs.filter((s) => s.path !== 'wordnet').map((s) => s.path), ...(config === undefined ? [] : [config])];
}
