import * as path from 'node:path';
import { LinkerError } from '../../core/errors';
import { DEFAULT_DEV_FRACTION, devFractionProblem, seedProblem } from '../../core/formats/documentSplit';
import { GOLD_FORMATS, type GoldFormat } from '../../core/formats/goldFormat';
import { checkModelOutDir } from '../../core/encoder/finetuned/finetunedModel';
import { defaultCacheDir } from '../../core/session/linkingSession';
import { finetuneFromSession } from '../../core/training/finetuneSession';
import { FINETUNE_LEARNING, FINETUNE_SELECTIONS, type FinetuneLearning, type FinetuneSelection } from '../../core/training/finetune';
import { NEGATIVE_STRATEGIES, type NegativeStrategy } from '../../core/training/negativeMining';
import { DEFAULT_HEAD_TRAINING } from '../../core/training/trainHead';
import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { WSD_UNIT_OPTION, goldIdMapArg, goldMappingFor, readDuplicates, readGoldArgs, wsdLinkerOptions, wsdUnitArg, wsdUnitHelp } from '../goldArgs';
import { ENGINE_OPTIONS, ENGINE_OPTIONS_HELP, parseCheckedNumber, parseChoice, parseCommandArgs, parseNumber, parsePositiveInt } from '../options';
import { openSessionFromArgs } from '../sessionArgs';

/** Limits of the training flags: beyond them a typo (1e9 epochs would run for ever, 1e9 negatives exhaust memory). */
const MAX_EPOCHS = 1000;
const MAX_NEGATIVES = 10_000;
const MAX_BATCH = 100_000;

/** Why `x` cannot be AdamW's peak learning rate, or undefined. */
function learningRateProblem(x: number): string | undefined {
  return Number.isFinite(x) && x > 0 && x <= 1 ? undefined : `the learning rate is a number above 0 and at most 1 (default ${DEFAULT_HEAD_TRAINING.optimizer.lr})`;
}

const USAGE = `Usage: entity-linker finetune --train PATH [--train-format F] [--dev PATH] [--dev-format F] --out DIR
                         [--kb SRC]... [--kb-config FILE] [--model DIR] [--gold-id-map M]
                         [--negatives random|hard|mixed] [--num-negatives 64] [--epochs N] [--seed N] [--json]

Trains a scoring head over the model's frozen encoder with the contrastive loss (gold first, K negatives
re-mined every epoch with the current weights; gold and declared duplicates never negatives) and, for each
epoch's head, the ranker (listwise, the retrieved wrong candidates as hard negatives); keeps the epoch with the
best whole-linker dev accuracy, and writes a new model folder: the head, ranker.json, learned.json (the training
documents' surface forms as names of their entities and their counts as the annotators' prior, which eval
--model DIR and the editor use) and a manifest naming the parent, the data hash, the hyperparameters and the dev
metrics before and after. The folder appears only when training has finished. Then the new model's index is
built, so linking with --model DIR starts at once.

  --train PATH          training gold, repeatable: any format eval reads, or exported BLINK training JSONL
  --train-format F      ${GOLD_FORMATS.join(' | ')} | auto (default auto)
  --dev PATH            dev gold, repeatable (default: a seeded split of ${100 * DEFAULT_DEV_FRACTION}% of the training documents)
  --dev-format F        as --train-format
  --dev-fraction X      share of training documents split off as dev without --dev, from 0 up to 1
                        (default ${DEFAULT_DEV_FRACTION})
  --gold-id-map M       id | iri-suffix | title | sense-key (as eval; sense-key for wsd gold)
${wsdUnitHelp(24)}
  --duplicates FILE     ids declared the same entity, one group per line (tab, comma or space separated)
  --negatives S         random | hard | mixed (default ${DEFAULT_HEAD_TRAINING.negatives}; mixed: half top-scoring wrong entities, half random)
  --num-negatives N     negatives per mention (default ${DEFAULT_HEAD_TRAINING.numNegatives}, at most ${MAX_NEGATIVES})
  --sample-temperature T  sample hard negatives from softmax(score / T) with the log-q correction
  --epochs N            at most N epochs (default ${DEFAULT_HEAD_TRAINING.epochs}, up to ${MAX_EPOCHS}); early stopping, patience ${DEFAULT_HEAD_TRAINING.patience}
  --batch-size N        mentions per step (default ${DEFAULT_HEAD_TRAINING.batchSize}, at most ${MAX_BATCH})
  --lr X                AdamW peak learning rate (default ${DEFAULT_HEAD_TRAINING.optimizer.lr}; 10% warmup, linear decay)
  --entity-side         also train the entity-side map (slower; see the manual)
  --select-on S         linker (default: whole-linker dev accuracy, ranker refitted per epoch) | cross-fit
                        (whole-linker accuracy pooled over 3 folds of the training documents, each linked by a
                        head and learned state that never saw it; ranker = the fold rankers averaged, or the
                        parent's when refitting does not win) | recall (dev recall@64 of the head alone;
                        faster; the parent's ranker is kept, no learned.json)
  --learn WHAT          all (default: head, ranker and learned.json) | exemplars (learned.json holds the
                        training documents' exemplars alone, no confirmed names or prior; the parent's
                        encoder and ranker are kept, nothing is trained: for WordNet senses, where the
                        memory and a refit cost held-out accuracy)
  --seed N              seed of the split, the shuffling and the sampling: 0 to 2^32-1 (default ${DEFAULT_HEAD_TRAINING.seed})
  --out DIR             the new model folder
  --overwrite           replace DIR when it is an earlier fine-tuned model or empty (only once training has
                        finished); a file, another folder or the --model folder is never replaced
  --no-index            do not build the new model's index now
  --json                print {"outDir","modelId","metrics":{"before","after"},"epochs":[...],"counts",...}
${ENGINE_OPTIONS_HELP}`;


export const finetuneCommand: CliCommand = {
  name: 'finetune',
  summary: 'fine-tune a scoring head on gold data (random, hard or mixed negatives) into a new model folder',
  usage: USAGE,
  async run(args, io, signal) {
    const { values } = parseCommandArgs(args, {
      ...ENGINE_OPTIONS,
      train: { type: 'string', multiple: true },
      'train-format': { type: 'string' },
      dev: { type: 'string', multiple: true },
      'dev-format': { type: 'string' },
      'dev-fraction': { type: 'string' },
      'gold-id-map': { type: 'string' },
      ...WSD_UNIT_OPTION,
      duplicates: { type: 'string' },
      negatives: { type: 'string' },
      'num-negatives': { type: 'string' },
      'sample-temperature': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'entity-side': { type: 'boolean' },
      seed: { type: 'string' },
      'select-on': { type: 'string' },
      learn: { type: 'string' },
      out: { type: 'string' },
      overwrite: { type: 'boolean' },
      'no-index': { type: 'boolean' },
      json: { type: 'boolean' },
    }, USAGE);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const trainPaths = values.train ?? [];
    if (trainPaths.length === 0 || values.out === undefined) {
      throw new LinkerError('usage', `finetune needs --train PATH and --out DIR.\n\n${USAGE}`);
    }
    // Every flag is checked before any input is read or the session is loaded (minutes): a typo fails at once.
    const choices = [...GOLD_FORMATS, 'auto'] as (GoldFormat | 'auto')[];
    const trainFormat = parseChoice('train-format', values['train-format'], choices, 'auto');
    const devFormat = parseChoice('dev-format', values['dev-format'], choices, 'auto');
    if (values.dev !== undefined && values['dev-fraction'] !== undefined) {
      throw new LinkerError('usage', '--dev-fraction splits a dev set off the training documents, but --dev already names the dev set.', { hint: 'Give one of --dev PATH or --dev-fraction X.' });
    }
    const devFraction = parseCheckedNumber('dev-fraction', values['dev-fraction'], DEFAULT_DEV_FRACTION, devFractionProblem);
    const training = {
      negatives: parseChoice<NegativeStrategy>('negatives', values.negatives, NEGATIVE_STRATEGIES, DEFAULT_HEAD_TRAINING.negatives),
      numNegatives: parsePositiveInt('num-negatives', values['num-negatives'], DEFAULT_HEAD_TRAINING.numNegatives, MAX_NEGATIVES),
      epochs: parsePositiveInt('epochs', values.epochs, DEFAULT_HEAD_TRAINING.epochs, MAX_EPOCHS),
      batchSize: parsePositiveInt('batch-size', values['batch-size'], DEFAULT_HEAD_TRAINING.batchSize, MAX_BATCH),
      seed: parseCheckedNumber('seed', values.seed, DEFAULT_HEAD_TRAINING.seed, seedProblem),
      trainEntitySide: values['entity-side'] === true,
      optimizer: { ...DEFAULT_HEAD_TRAINING.optimizer, lr: parseCheckedNumber('lr', values.lr, DEFAULT_HEAD_TRAINING.optimizer.lr, learningRateProblem) },
      ...(values['sample-temperature'] === undefined ? {} : { sampleTemperature: parseNumber('sample-temperature', values['sample-temperature'], 1, 1e-6, 1e6) }),
    };
    // Unset: finetune's default (linker).
    const selectOn = values['select-on'] === undefined ? undefined : parseChoice<FinetuneSelection>('select-on', values['select-on'], FINETUNE_SELECTIONS, 'cross-fit');
    const learn = parseChoice<FinetuneLearning>('learn', values.learn, FINETUNE_LEARNING, 'all');
    if (learn === 'exemplars' && values['select-on'] !== undefined) {
      throw new LinkerError('usage', '--learn exemplars trains nothing, so there is nothing to select on.', { hint: 'Leave out --select-on, or --learn.' });
    }
    const idMapFor = goldIdMapArg(values['gold-id-map']);
    const wsdUnit = wsdUnitArg(values['wsd-unit']);
    // The output folder too: a file, a foreign folder or the parent model as --out fails now, not after training.
    checkModelOutDir(values.out, { overwrite: values.overwrite === true, ...(values.model === undefined ? {} : { parentDir: values.model }) });
    const train = await readGoldArgs(trainPaths, trainFormat, io, undefined, undefined, wsdUnit);
    const dev = values.dev === undefined ? undefined : await readGoldArgs(values.dev, devFormat, io, undefined, undefined, wsdUnit);
    const wsd = [...train.formats, ...(dev?.formats ?? [])].includes('wsd');
    const idMap = idMapFor(wsd);
    const duplicatesOf = values.duplicates === undefined ? undefined : await readDuplicates(values.duplicates);
    const engineValues = wsd && (values.kb ?? []).length === 0 && values['kb-config'] === undefined ? { ...values, kb: ['wordnet:all'] } : values;
    const cacheDir = values.cache === undefined ? defaultCacheDir() : path.resolve(values.cache);
    const session = await openSessionFromArgs(engineValues, io, signal, wsdLinkerOptions(wsdUnit));
    let result;
    try {
      const mapping = await goldMappingFor(session, idMap, wsd);
      result = await finetuneFromSession({
        session,
        cacheDir,
        train: train.docs,
        dev: dev?.docs,
        devFraction,
        ...mapping,
        duplicatesOf,
        outDir: values.out,
        overwrite: values.overwrite === true,
        training,
        selectOn,
        ...(learn === 'all' ? {} : { learn }),
        logger: io.logger,
        signal,
        onProgress: (p) => {
          if (p.stage === 'epoch') {
            io.endProgress();
            const r = p.report;
            io.err(`epoch ${r.epoch}/${r.epochs}: loss ${r.loss.toFixed(4)}, dev recall@1 ${pct(r.dev['recall@1'])}, @10 ${pct(r.dev['recall@10'])}, @64 ${pct(r.dev['recall@64'])} (${r.seconds.toFixed(1)} s)`);
          } else {
            io.progress(p);
          }
        },
      });
    } finally {
      await session.dispose();
    }
    io.endProgress();
    let indexSize: number | undefined;
    if (values['no-index'] !== true) {
      // Opening a session on the new folder builds its index from the vectors finetuneFromSession cached.
      // A --store serves the parent model: the new model's index is built here (index --store serves it from the store).
      const next = await openSessionFromArgs({ ...engineValues, model: result.outDir, store: undefined }, io, signal);
      indexSize = next.index?.size;
      await next.dispose();
      io.endProgress();
    }
    const m = result.manifest;
    const summary = {
      outDir: path.resolve(result.outDir),
      modelId: m.modelId,
      parent: m.parent,
      dataHash: m.dataHash,
      metrics: { before: result.training.before, after: result.training.after, bestEpoch: result.training.bestEpoch, ...(m.metrics.linker === undefined ? {} : { linker: m.metrics.linker }) },
      epochs: result.training.epochs,
      counts: result.counts,
      seconds: result.training.seconds,
      index: indexSize === undefined ? null : { size: indexSize },
    };
    if (values.json === true) {
      io.out(JSON.stringify(summary));
    } else {
      const b = summary.metrics.before;
      const a = summary.metrics.after;
      io.out(`fine-tuned model written to ${summary.outDir} (model ${m.modelId.slice(0, 12)}, parent ${m.parent.path})`);
      io.out(`  trained on ${result.counts.trainMentions} mentions (${result.counts.train.nil} NIL and ${result.counts.train.outOfKb} out-of-KB left out), dev ${result.counts.devMentions}`);
      io.out(`  dev recall@1  ${pct(b['recall@1'])} -> ${pct(a['recall@1'])}`);
      io.out(`  dev recall@10 ${pct(b['recall@10'])} -> ${pct(a['recall@10'])}`);
      io.out(`  dev recall@64 ${pct(b['recall@64'])} -> ${pct(a['recall@64'])}  (best epoch ${summary.metrics.bestEpoch}, ${summary.seconds.toFixed(1)} s)`);
      const linker = m.metrics.linker;
      if (linker !== undefined) io.out(`  dev accuracy of the whole linker ${pct(linker.before)} -> ${pct(linker.after)} (head, ranker and learned state; selected on it)`);
      if (result.learned !== undefined) io.out(`  learned.json: ${result.learned.decisions} decisions, ${Object.keys(result.learned.memory.names).length} entities with confirmed names`);
      if (indexSize !== undefined) io.out(`  index of ${indexSize} entities built for the new model; link with --model ${summary.outDir}`);
    }
    return EXIT_OK;
  },
};

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
