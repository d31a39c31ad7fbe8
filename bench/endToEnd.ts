/**
 * End-to-end linking (detection + linking) on the OKE eval files against wiki11k, after learning from the OKE
 * train files: the training gold's surface forms become names of their entities, and the mention scorer is
 * fitted on the training documents' gold spans (dictionary matches and capitalised proposals labelled by
 * whether they are an in-KB gold span; missed gold spans added as positives).
 *
 *   node out/bench/endToEnd.js [--coreference [--on-train]]
 *
 * --coreference: only the two configurations with scorer + proposals, each without and with coreference (pronouns
 * proposed where an antecedent resolves them, src/core/coreference); --on-train scores them on the training
 * files instead (where coreference's detection default is chosen; the scorer is then fitted in-sample).
 *
 * Gold: elevant labels mapped to wiki11k by title (as bench/quality.ts); only in-KB golds count (e2eMetrics.ts:
 * a prediction with an entity on a NIL or out-of-KB gold span is a false positive; NIL predictions are not
 * counted). Rows compare the previous detection (dictionary only, no function-word rule) with each piece
 * added, in one run. The scorer's fit is deterministic (no seed to vary). Entity vectors and the HNSW index
 * are cached under .cache/bench/ (shared with bench/quality.ts).
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MentionDetector } from '../src/core/detection/mentionDetector';
import { MentionScorer } from '../src/core/detection/mentionScorer';
import type { MentionExample } from '../src/core/detection/mentionScorer';
import { builtInWordFrequencies } from '../src/core/detection/wordFrequencies';
import { evaluate } from '../src/core/eval/evaluate';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { embedAll } from '../src/core/index/embeddingCache';
import { openOrBuildIndex } from '../src/core/index/openOrBuildIndex';
import type { Entity } from '../src/core/kb/entity';
import { kbContentHash } from '../src/core/kb/kbContentHash';
import { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { parseSourceArg } from '../src/core/kb/sniffFormat';
import type { DetectionOptions } from '../src/core/linker/gazetteer';
import { Linker } from '../src/core/linker/linker';
import { loadRankerWeights } from '../src/core/linker/ranker';
import { DEFAULT_TEMPLATE, entityText, templateId } from '../src/core/linker/textTemplates';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { describeLeakFree, leakFreeTraining } from '../src/core/training/leakFreeTraining';
import { MemoEncoder } from './qualityLinkers';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const CACHE = path.join(ROOT, '.cache/bench');
const TRAIN = ['oke-2015-train', 'oke-2016-train'];
const TEST = ['oke-2015-eval', 'oke-2016-eval'];

interface Config {
  readonly name: string;
  readonly learnedNames: boolean;
  readonly scorer: boolean;
  readonly detection: Partial<DetectionOptions>;
  readonly coreference?: boolean;
}

const COREFERENCE = process.argv.includes('--coreference');
const ON_TRAIN = process.argv.includes('--on-train');

/** With --coreference: the scorer + proposals configurations, without and with coreference. */
function configs(): readonly Config[] {
  if (!COREFERENCE) return CONFIGS;
  return CONFIGS.filter((c) => c.scorer && c.detection.proposals !== false && c.detection.fuzzy !== true).flatMap((c) => [c, { ...c, name: `${c.name} + coreference`, coreference: true }]);
}

const CONFIGS: readonly Config[] = [
  { name: 'previous: dictionary only', learnedNames: false, scorer: false, detection: { functionWords: false, splitCommaNames: false } },
  { name: 'function-word rule + comma split', learnedNames: false, scorer: false, detection: {} },
  { name: 'same + fuzzy', learnedNames: false, scorer: false, detection: { fuzzy: true } },
  { name: 'training names', learnedNames: true, scorer: false, detection: {} },
  { name: 'training names + fuzzy', learnedNames: true, scorer: false, detection: { fuzzy: true } },
  { name: 'training names + scorer', learnedNames: true, scorer: true, detection: { proposals: false } },
  { name: 'training names + scorer + proposals', learnedNames: true, scorer: true, detection: {} },
  { name: 'all-words: training names', learnedNames: true, scorer: false, detection: { mode: 'all-words' } },
  { name: 'all-words: training names + scorer', learnedNames: true, scorer: true, detection: { mode: 'all-words', proposals: false } },
  { name: 'all-words: training names + scorer + proposals', learnedNames: true, scorer: true, detection: { mode: 'all-words' } },
  { name: 'all-words: training names + scorer + proposals + fuzzy', learnedNames: true, scorer: true, detection: { mode: 'all-words', fuzzy: true } },
];

async function main(): Promise<void> {
  const kbFile = path.join(DATA, 'wiki11k/Wiki.txt');
  const goldFile = (name: string): string => path.join(DATA, 'elevant', `${name}.benchmark.jsonl`);
  const missing = [kbFile, ...[...TRAIN, ...TEST].map(goldFile)].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    console.log(`end-to-end bench: data missing (${missing.join(', ')}); nothing measured.`);
    return;
  }
  const began = performance.now();
  const { encoder: raw, modelDir } = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  const encoder = new MemoEncoder(raw);
  const weights = await loadRankerWeights(modelDir);
  const { kb } = await loadKnowledgeBase([parseSourceArg(`brat:${kbFile}`)], { strict: false, name: 'wiki11k', sourceLocations: false });
  const flat = await embedAll({
    cacheDir: path.join(CACHE, 'wiki11k'),
    modelId: raw.modelId,
    dims: raw.dims,
    texts: kb.entities.map((e) => entityText(e, DEFAULT_TEMPLATE)),
    encode: (texts) => raw.encode(texts, { batchSize: 64 }),
  });
  const { index } = await openOrBuildIndex({
    dir: path.join(CACHE, 'wiki11k-hnsw'),
    kind: 'hnsw',
    dims: raw.dims,
    vectors: flat,
    modelId: raw.modelId,
    kbHash: kbContentHash(kb),
    templateId: templateId(DEFAULT_TEMPLATE),
  });
  const mapGold = createGoldMapper(kb, { kind: 'title' });
  const tests = await Promise.all(TEST.map(async (n) => ({ name: n, docs: await readGold(goldFile(n), 'elevant') })));
  // oke-2016-train holds 88 of the 101 oke-2015-eval documents (and 86 of oke-2015-train): training documents
  // whose text is a test document's are left out, and each text is trained on once.
  const split = leakFreeTraining((await Promise.all(TRAIN.map((n) => readGold(goldFile(n), 'elevant')))).flat(), tests.flatMap((t) => t.docs));
  const train = split.train;
  console.error(describeLeakFree('training documents', split));
  const learnedKb = withTrainingNames(kb, train, mapGold);
  const setupSeconds = (performance.now() - began) / 1000;

  console.log('# End-to-end linking on OKE vs wiki11k (bench/endToEnd.ts)');
  console.log('');
  console.log(`${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; ranker ${weights.source ?? '?'}; setup ${setupSeconds.toFixed(1)} s.`);
  console.log(`Train: ${TRAIN.join(' + ')} (${train.length} documents, ${countInKb(train, mapGold)} in-KB gold mentions); test: ${TEST.join(', ')}.`);
  console.log('');
  console.log('| detection | set | strict P | strict R | strict F1 | overlap F1 | detection F1 | s |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  const sets = ON_TRAIN ? TRAIN.map((n) => ({ name: n, docs: train.filter((d) => d.collection === n) })) : tests;
  for (const config of configs()) {
    const linker = new Linker({ kb: config.learnedNames ? learnedKb : kb, encoder, index, entityVector: (row) => index.vector(row), rankerWeights: weights, options: { detection: config.detection, coreference: { detect: config.coreference === true } } });
    let fitNote = '';
    if (config.scorer) {
      const t = performance.now();
      const examples = trainingExamples(linker.detector, train, mapGold);
      const scorer = MentionScorer.fit(examples);
      linker.setMentionScorer(scorer);
      fitNote = ` (scorer: ${examples.length} examples, ${examples.filter((e) => e.label).length} positive, threshold ${scorer.threshold}, fitted in ${((performance.now() - t) / 1000).toFixed(2)} s incl. features)`;
      console.error(`${config.name}: weights ${JSON.stringify(scorer.namedWeights(), (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))}`);
    }
    for (const set of sets) {
      const r = await evaluate({ docs: set.docs, linker, mapGold, mode: 'end-to-end', topK: 10, skipInvalid: true });
      const e = r.e2e;
      if (e === undefined) throw new Error('no end-to-end metrics');
      const pct = (f: number | null): string => (f === null ? '-' : (f * 100).toFixed(1));
      console.log(`| ${config.name}${fitNote} | ${set.name} | ${pct(e.strict.precision)} | ${pct(e.strict.recall)} | **${pct(e.strict.f1)}** | ${pct(e.overlap.f1)} | ${pct(e.detection.f1)} | ${r.seconds.toFixed(1)} |`);
      fitNote = '';
    }
  }
  console.log('');
  console.log(`Total ${((performance.now() - began) / 1000).toFixed(1)} s. WordNet tag counts: ${builtInWordFrequencies()?.size ?? 0} lemmas.`);
  await raw.dispose();
}

function inKbSpans(doc: GoldDocument, mapGold: GoldMapper): { start: number; end: number; ids: readonly string[]; text: string }[] {
  return doc.mentions.flatMap((m) => {
    const g = mapGold(m);
    return g.status === 'in-kb' ? [{ start: m.start, end: m.end, ids: g.ids, text: m.text }] : [];
  });
}

function countInKb(docs: readonly GoldDocument[], mapGold: GoldMapper): number {
  return docs.reduce((n, d) => n + inKbSpans(d, mapGold).length, 0);
}

/** The KB with every in-KB training gold surface form added as an alias of its gold entities (same rows). */
function withTrainingNames(kb: KnowledgeBase, train: readonly GoldDocument[], mapGold: GoldMapper): KnowledgeBase {
  const extra = new Map<string, Set<string>>();
  for (const doc of train) {
    for (const s of inKbSpans(doc, mapGold)) for (const id of s.ids) (extra.get(id) ?? extra.set(id, new Set()).get(id))?.add(s.text);
  }
  const entities: Entity[] = kb.entities.map((e) => {
    const names = extra.get(e.id);
    return names === undefined ? e : { ...e, aliases: [...new Set([...e.aliases, ...names])] };
  });
  return new KnowledgeBase(`${kb.name}+oke-train-names`, entities);
}

/** Gold spans of the training documents as the scorer's examples: in-KB gold spans are the mentions. */
function trainingExamples(detector: MentionDetector, train: readonly GoldDocument[], mapGold: GoldMapper): MentionExample[] {
  return train.flatMap((doc) => detector.examplesFromMentions(doc.text, inKbSpans(doc, mapGold), [], doc.id));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
