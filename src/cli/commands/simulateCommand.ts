import { LinkerError } from '../../core/errors';
import type { GoldMapper } from '../../core/formats/goldMapping';
import { type GoldDocument, spanProblem } from '../../core/formats/goldDocument';
import { GOLD_FORMATS, type GoldFormat } from '../../core/formats/goldFormat';
import { LinkerLearning, simulationLinker } from '../../core/simulation/linkerSimulation';
import { simulateSession } from '../../core/simulation/simulateSession';
import { DEFAULT_EDITOR_FLOW, DEFAULT_SIMULATION_OPTIONS, LEGACY_EDITOR_FLOW, LINK_SELECTION_ACCEPT_ABOVE, type SessionResult, type SimulationDocument, type SimulationOptions, type VisitOrder } from '../../core/simulation/simulationTypes';
import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import type { CliIo } from '../cliIo';
import { GOLD_INPUT_OPTIONS, goldIdMapArg, goldMappingFor, readGoldArgs } from '../goldArgs';
import { ENGINE_OPTIONS, ENGINE_OPTIONS_HELP, parseChoice, parseCommandArgs, parseNumber, parsePositiveInt } from '../options';
import { openSessionFromArgs } from '../sessionArgs';

type Flow = 'auto' | 'manual';

const USAGE = `Usage: entity-linker simulate --gold PATH [--gold-format FORMAT] [--gold-id-map id|iri-suffix|title|sense-key]
                             [--kb SRC]... [--model DIR] [--retrain-every N] [--order document|uncertainty] [--json]

Replays an annotation session over gold documents as the editor is used, and counts the keys: each document is
linked as it is opened; the annotator visits the suggestions (Next Unresolved, or the next one after an action
with auto-advance), accepts a right top candidate (1 key), chooses the gold one (Choose Candidate, which opens on
the second candidate, then arrows to its rank + Enter, or its title typed until the picker's KB search shows it +
arrows + Enter), marks an out-of-KB or NIL gold mention NIL (1) and rejects a detection that is no gold mention (1). In-KB gold mentions the
linker did not detect are selected (Ctrl+Right / Ctrl+Shift+Right by words, Find, or Next / Previous Possible
Mention, whichever is cheaper) and linked with Link Selection, which accepts a top candidate of at least
--link-selection-accept-above at once (a wrong one costs Undo, Choose Candidate and the picker) and otherwise opens
the picker. Out-of-KB gold mentions it did not detect cost nothing. Run twice: with online learning
(as in the editor: after every N decisions the ranker and the annotator memory refit and open documents are linked
again; confirmed forms and surnames are detected, rejected forms withdrawn; a document is linked again at once when
a decided form recurs in it) and without. Estimates the effort of a project before starting it.

  --gold PATH          gold file or folder, repeatable
  --gold-format F      ${GOLD_FORMATS.join(' | ')} | auto (default auto: sniffed)
  --gold-id-map M      how gold ids name KB entities: id (default), iri-suffix, title, sense-key
  --retrain-every N    refit after every N decisions (default ${DEFAULT_SIMULATION_OPTIONS.retrainEvery})
  --order O            document (default) | uncertainty: the least certain suggestion of the corpus first (active
                       learning; moving to another document costs a key); the document-order session is run too
                       and the difference reported
  --flow F             auto (default; actions move to the next unresolved mention, entityLinker.annotation.autoAdvance)
                       | manual (Next Unresolved before each mention): which one the headline figures count
  --legacy-flow        the editor without the annotation queue and Possible Mention: a key to reach each document,
                       suggestions first, then a pass from the document start (Ctrl+Home) selecting the missed
                       mentions by words or Find (default: auto-advance crosses to the next document, Link Selection
                       moves on, missed mentions are linked while reading, reached by Next / Previous Possible Mention
                       when cheaper)
  --link-selection-accept-above P
                       Link Selection accepts the top candidate at once, without the picker, when its probability
                       is at least P (entityLinker.annotation.linkSelectionAcceptAbove, default ${LINK_SELECTION_ACCEPT_ABOVE});
                       a wrong one costs Undo, Choose Candidate and the picker; 1: the picker always opens
  --no-reject-remaining
                       one Reject per false suggestion (default: when the open suggestion the annotator is on and
                       every one after it are no mentions, Reject Remaining rejects them with one key)
  --no-accept-remaining
                       one Accept per right suggestion (default: when the open suggestion the annotator is on and
                       every one after it have the right top candidate, Accept Remaining accepts them with one key)
  --no-link-at-caret   a missed mention is selected before Link Selection (default: one that is the name at the caret
                       is linked with the caret in it, as the editor's Link Selection with nothing selected)
  --no-link-selection-moves-on
                       a document whose last action links a missed mention is left with Next Unresolved (default:
                       by that Link Selection, with Link Selection and Move On)
  --no-possible-names  a missed mention is reached with Next / Previous Possible Mention only (default: also with the
                       editor's Next / Previous Possible Name, the same stops but for the lower-case words no KB name
                       covers, whichever pair takes fewer presses)
  --accept-above P     press Accept All Above Threshold (one key) in each document at confidence P; every wrong
                       acceptance costs reaching it and its correction (default: not used)
  --top-k N            ranked candidates shown per mention (default 5, as the editor's linking.topK)
  --block N            decisions per block of the learning curve (default ${DEFAULT_SIMULATION_OPTIONS.blockSize})
  --learn-detection    also refit the mention scorer from accepted, linked and rejected spans, at the key-cost
                       operating point (a miss costs more keys than a false alarm); the editor does not fit it
  --skip-invalid       skip gold mentions whose offsets or text are wrong instead of failing
  --json               print {"gold","keystrokes","keystrokesPerMention","accuracyByBlock","withoutLearning":{...},...}
${ENGINE_OPTIONS_HELP}
  Keystrokes per mention = all keys of the session / in-KB gold mentions. Suggestion accuracy = the share of
  decisions where the annotator kept what the linker suggested (accepted its top candidate, or NIL where it said NIL).`;

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'estimate annotation effort: replay an editor session over gold data, with and without online learning',
  usage: USAGE,
  async run(args, io, signal) {
    const { values } = parseCommandArgs(args, {
      ...ENGINE_OPTIONS,
      ...GOLD_INPUT_OPTIONS,
      'retrain-every': { type: 'string' },
      order: { type: 'string' },
      flow: { type: 'string' },
      'accept-above': { type: 'string' },
      'link-selection-accept-above': { type: 'string' },
      'top-k': { type: 'string' },
      block: { type: 'string' },
      'learn-detection': { type: 'boolean' },
      'legacy-flow': { type: 'boolean' },
      'no-reject-remaining': { type: 'boolean' },
      'no-accept-remaining': { type: 'boolean' },
      'no-link-at-caret': { type: 'boolean' },
      'no-link-selection-moves-on': { type: 'boolean' },
      'no-possible-names': { type: 'boolean' },
      'skip-invalid': { type: 'boolean' },
      json: { type: 'boolean' },
    }, USAGE);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const goldPaths = values.gold ?? [];
    if (goldPaths.length === 0) throw new LinkerError('usage', `simulate needs --gold PATH.\n\n${USAGE}`);
    const format = parseChoice<GoldFormat | 'auto'>('gold-format', values['gold-format'], [...GOLD_FORMATS, 'auto'], 'auto');
    const order = parseChoice<VisitOrder>('order', values.order, ['document', 'uncertainty'], 'document');
    const flow = parseChoice<Flow>('flow', values.flow, ['auto', 'manual'], 'auto');
    // A probability: -1, NaN and 5 get the same message.
    const threshold = values['accept-above'] === undefined ? undefined : parseNumber('accept-above', values['accept-above'], 0.9, 0, 1);
    const linkSelectionAcceptAbove = values['link-selection-accept-above'] === undefined ? undefined : parseNumber('link-selection-accept-above', values['link-selection-accept-above'], LINK_SELECTION_ACCEPT_ABOVE, 0, 1);
    const options: SimulationOptions = {
      ...DEFAULT_SIMULATION_OPTIONS,
      retrainEvery: parsePositiveInt('retrain-every', values['retrain-every'], DEFAULT_SIMULATION_OPTIONS.retrainEvery),
      blockSize: parsePositiveInt('block', values.block, DEFAULT_SIMULATION_OPTIONS.blockSize),
      order,
      flow: { ...(values['legacy-flow'] === true ? LEGACY_EDITOR_FLOW : DEFAULT_EDITOR_FLOW), ...(linkSelectionAcceptAbove === undefined ? {} : { linkSelectionAcceptAbove }), ...(values['no-reject-remaining'] === true ? { rejectRemaining: false } : {}), ...(values['no-accept-remaining'] === true ? { acceptRemaining: false } : {}), ...(values['no-link-at-caret'] === true ? { linkAtCaret: false } : {}), ...(values['no-link-selection-moves-on'] === true ? { linkSelectionMovesOn: false } : {}), ...(values['no-possible-names'] === true ? { possibleNames: false } : {}) },
      ...(threshold === undefined ? {} : { acceptAllThreshold: threshold }),
      signal,
    };
    const topK = parsePositiveInt('top-k', values['top-k'], 5);
    const idMapFor = goldIdMapArg(values['gold-id-map']);

    const { docs, formats } = await readGoldArgs(goldPaths, format, io);
    const wsd = formats.includes('wsd');
    const idMap = idMapFor(wsd);
    const began = performance.now();
    const session = await openSessionFromArgs(values, io, signal);
    try {
      const { mapGold } = await goldMappingFor(session, idMap, wsd);
      const simDocs = simulationDocuments(docs, mapGold, values['skip-invalid'] === true, io);
      const linker = simulationLinker(session.linker, session.kb, topK);
      const run = async (label: string, learning: boolean, o: SimulationOptions): Promise<SessionResult> => {
        const learner = learning ? new LinkerLearning(session.linker, { detection: values['learn-detection'] === true }) : undefined;
        if (!learning) LinkerLearning.reset(session.linker);
        try {
          return await simulateSession(simDocs, linker, learner, { ...o, onProgress: (done, total) => io.progress({ stage: label, done, total }) });
        } finally {
          LinkerLearning.reset(session.linker);
          io.endProgress();
        }
      };
      const withLearning = await run('session with learning', true, options);
      const withoutLearning = await run('session without learning', false, options);
      const documentOrder = order === 'uncertainty' ? await run('session in document order', true, { ...options, order: 'document' }) : undefined;
      const report = simulationReport(flow, order, options.blockSize, withLearning, withoutLearning, documentOrder, (performance.now() - began) / 1000);
      io.out(values.json === true ? JSON.stringify(report) : formatReport(report));
      return EXIT_OK;
    } finally {
      await session.dispose();
    }
  },
};

/** Gold documents with mapped gold; a mention whose span disagrees with the text fails the run or, when skipping, is reported and left out. */
function simulationDocuments(docs: readonly GoldDocument[], mapGold: GoldMapper, skipInvalid: boolean, io: CliIo): SimulationDocument[] {
  let skipped = 0;
  const out = docs.map((doc) => ({
    id: doc.id,
    text: doc.text,
    mentions: doc.mentions.flatMap((m) => {
      const problem = spanProblem(doc.text, m.start, m.end, m.text);
      if (problem === undefined) return [{ start: m.start, end: m.end, gold: mapGold(m), ...(m.optional === true ? { optional: true } : {}) }];
      if (!skipInvalid) {
        throw new LinkerError('inputFormat', `Gold mention in document ${doc.id}: ${problem}.`, { location: { file: m.source.file, line: m.source.line }, hint: 'Fix the gold file, or pass --skip-invalid to leave such mentions out.' });
      }
      skipped++;
      return [];
    }),
  }));
  if (skipped > 0) io.err(`skipped ${skipped} gold mentions whose offsets or text are wrong`);
  return out;
}

interface SessionFigures {
  readonly keystrokes: number;
  readonly keystrokesPerMention: number | null;
  readonly accuracyByBlock: readonly number[];
  readonly accuracyFirstHalf: number | null;
  readonly accuracySecondHalf: number | null;
}

function figures(r: SessionResult, flow: Flow): SessionFigures {
  const keystrokes = flow === 'auto' ? r.keystrokes.autoAdvance : r.keystrokes.manual;
  return { keystrokes, keystrokesPerMention: r.gold === 0 ? null : keystrokes / r.gold, accuracyByBlock: r.accuracyByBlock, accuracyFirstHalf: r.accuracyFirstHalf, accuracySecondHalf: r.accuracySecondHalf };
}

function simulationReport(flow: Flow, order: VisitOrder, blockSize: number, learned: SessionResult, plain: SessionResult, documentOrder: SessionResult | undefined, seconds: number) {
  const other: Flow = flow === 'auto' ? 'manual' : 'auto';
  return {
    gold: learned.gold,
    goldNotInKb: learned.goldNotInKb,
    documents: learned.documents,
    flow,
    order,
    blockSize,
    ...figures(learned, flow),
    withoutLearning: figures(plain, flow),
    otherFlow: { flow: other, withLearning: figures(learned, other), withoutLearning: figures(plain, other) },
    ...(documentOrder === undefined ? {} : { documentOrder: figures(documentOrder, flow), uncertaintySavesKeys: figures(learned, flow).keystrokes < figures(documentOrder, flow).keystrokes }),
    sessions: { withLearning: learned, withoutLearning: plain, ...(documentOrder === undefined ? {} : { documentOrder }) },
    seconds,
  };
}

type Report = ReturnType<typeof simulationReport>;

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const perMention = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));

function formatReport(r: Report): string {
  const w = r.sessions.withLearning;
  const p = r.sessions.withoutLearning;
  const flowName = (f: Flow): string => (f === 'auto' ? 'one key per decision (auto-advance)' : 'Next Unresolved before each mention');
  const keysLine = (s: SessionResult): string =>
    `navigation ${s.keys.navigation}, accept ${s.keys.accept}, choose ${s.keys.choose} + picker ${s.keys.picker}, NIL ${s.keys.nil}, reject ${s.keys.reject}, cursor ${s.keys.cursor}, Possible Mention ${s.keys.possible}, Link Selection ${s.keys.linkSelection}, Undo ${s.keys.undo}, Accept All ${s.keys.acceptAll}`;
  const outcomeLine = (s: SessionResult): string =>
    `${s.decisions} decisions: ${s.outcomes.accept} accepted, ${s.outcomes.acceptAll} by Accept All, ${s.outcomes.choose} chosen, ${s.outcomes.nil} NIL, ${s.outcomes.reject} rejected, ${s.outcomes.linkSelection} linked by hand (${s.outcomes.unreachable} not reachable in the picker); ${s.refits} refits`;
  const lines = [
    `simulate: ${r.documents} documents, ${r.gold} in-KB gold mentions (${r.goldNotInKb} out of KB or NIL), ${r.order} order, ${flowName(r.flow)}`,
    `                          with learning    without learning`,
    `  keystrokes              ${String(r.keystrokes).padStart(13)}    ${String(r.withoutLearning.keystrokes).padStart(16)}`,
    `  per in-KB gold mention  ${perMention(r.keystrokesPerMention).padStart(13)}    ${perMention(r.withoutLearning.keystrokesPerMention).padStart(16)}`,
    `  ${flowName(r.otherFlow.flow)}: ${perMention(r.otherFlow.withLearning.keystrokesPerMention)} / ${perMention(r.otherFlow.withoutLearning.keystrokesPerMention)} per mention`,
    `  suggestion accuracy, first half -> second half: with learning ${pct(r.accuracyFirstHalf)} -> ${pct(r.accuracySecondHalf)}; without ${pct(r.withoutLearning.accuracyFirstHalf)} -> ${pct(r.withoutLearning.accuracySecondHalf)}`,
    `  per block of ${r.blockSize} decisions, with learning:    ${r.accuracyByBlock.map(pct).join(' ')}`,
    `  per block of ${r.blockSize} decisions, without learning: ${r.withoutLearning.accuracyByBlock.map(pct).join(' ')}`,
    `  keys with learning:    ${keysLine(w)}`,
    `  keys without learning: ${keysLine(p)}`,
    `  with learning: ${outcomeLine(w)}`,
    `  without learning: ${outcomeLine(p)}`,
  ];
  if (r.documentOrder !== undefined) {
    lines.push(`  document order with learning: ${r.documentOrder.keystrokes} keys (${perMention(r.documentOrder.keystrokesPerMention)} per mention): uncertainty order ${r.uncertaintySavesKeys === true ? 'saves' : 'does not save'} keys (${r.keystrokes - r.documentOrder.keystrokes >= 0 ? '+' : ''}${r.keystrokes - r.documentOrder.keystrokes})`);
  }
  lines.push(`done in ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}
