/**
 * Fine-tuning speed against the whole WordNet noun KB (issue 13 item 6): the head training's time per epoch with
 * hard negatives re-mined over all 82k synsets, the previous code against this one in the same run, and the
 * whole `finetune` (head + ranker refit + whole-linker selection) on about 1,000 annotations.
 *
 *   node out/bench/finetuneSpeed.js [--old DIR] [--epochs=2] [--mentions=1000] [--seeds=1] [--no-exact] [--no-finetune]
 *
 * Data: the default linking session (built-in WordNet nouns, USE-lite fp32, its HNSW index and embedding cache
 * under ~/.cache/entity-linker, opened as the CLI opens them; run `npm run link` once first). Annotations: the
 * noun mentions of the WSD training sets (semeval2013, semeval2015, senseval3) whose sense is a noun synset, whole
 * documents until `--mentions`, split 80/20 by document (dev for early stopping); no candidate sets, so every
 * negative is mined over the whole KB as for an annotator's own corpus. Held out: senseval2 + semeval2007 nouns,
 * recall of the gold among all 82k synsets. --old DIR: a checkout compiled with tsc (DIR/out), whose trainHead
 * (a full scan per mention) runs on the same data. Variants: previous; this code with the exact (blocked) scan;
 * this code with the session's HNSW index (what `finetune` passes).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, rmSync } from 'node:fs';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { splitByDocument } from '../src/core/formats/documentSplit';
import { embedAll } from '../src/core/index/embeddingCache';
import { loadWordNetLexicon } from '../src/core/kb/wordnetLexicon';
import { entityText } from '../src/core/linker/textTemplates';
import { silentLogger } from '../src/core/log';
import { openLinkingSession } from '../src/core/session/linkingSession';
import { finetune } from '../src/core/training/finetune';
import { type TrainingMention, trainingMentions } from '../src/core/training/trainingExamples';
import { type DevMetrics, type HeadExample, type HeadTrainingData, type HeadTrainingResult, evaluateHead, trainHead } from '../src/core/training/trainHead';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const OLD = argv.includes('--old') ? path.resolve(argv[argv.indexOf('--old') + 1]!) : undefined;
const EPOCHS = Number(arg('epochs') ?? 2);
const MENTIONS = Number(arg('mentions') ?? 1000);
const SEEDS = Number(arg('seeds') ?? 1);
const TRAINING = { negatives: 'mixed', numNegatives: 64, epochs: EPOCHS, patience: EPOCHS } as const;

type TrainHead = typeof trainHead;

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`finetuneSpeed bench: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  const cacheDir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'entity-linker');
  let t = performance.now();
  const session = await openLinkingSession({ packageRoot: ROOT, provider: 'cpu', precision: 'fp32', cacheDir, logger: silentLogger });
  const { kb, encoder } = session;
  const index = session.index;
  if (index === undefined) throw new Error('the session has no vector index');
  const entityVectors = await embedAll({
    cacheDir: path.join(cacheDir, 'embeddings'),
    modelId: encoder.modelId,
    dims: encoder.dims,
    texts: kb.entities.map((e) => entityText(e, session.linker.options.template)),
    encode: (texts) => encoder.encode(texts, { role: 'entity' }),
  });
  const setup = (performance.now() - t) / 1000;
  const lexicon = await loadWordNetLexicon();
  const mapGold = createGoldMapper(kb, { kind: 'sense-key', resolveSenseKey: (key) => lexicon.entityIdOfSenseKey(key) });
  const read = async (names: string[]): Promise<GoldDocument[]> => (await Promise.all(names.map((n) => readGold(path.join(DATA, 'wsd', n), 'wsd')))).flat();
  const docs = await annotations(await read(['semeval2013', 'semeval2015', 'senseval3']), kb, mapGold);
  const testDocs = await read(['senseval2', 'semeval2007']);
  const template = session.linker.options.template;
  console.log(
    `# finetuneSpeed: ${new Date().toISOString()}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}; ` +
      `KB ${kb.name} ${kb.size} entities, index ${index.kind}; session + entity vectors ${setup.toFixed(1)} s`,
  );

  const results: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const split = splitByDocument(docs, 0.2, seed, (d) => d.id);
    const opts = { mapGold, template };
    const train = trainingMentions(split.train, kb, opts).mentions;
    const dev = trainingMentions(split.dev, kb, opts).mentions;
    const test = trainingMentions(testDocs, kb, opts).mentions;
    t = performance.now();
    const all = [...train, ...dev, ...test];
    const flat = new Float32Array(all.length * encoder.dims);
    (await encoder.encode(all.map((m) => m.text), { role: 'mention' })).forEach((v, i) => flat.set(v, i * encoder.dims));
    const data: HeadTrainingData = { dims: encoder.dims, entityVectors, mentionVectors: flat, train: examples(train, 0), dev: examples(dev, train.length) };
    const testExamples = examples(test, train.length + dev.length);
    console.log(`seed ${seed}: ${split.train.length}/${split.dev.length} documents, ${train.length} training + ${dev.length} dev mentions (${test.length} held out); mentions encoded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const variants: { name: string; run: () => Promise<HeadTrainingResult> }[] = [];
    if (OLD !== undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const oldTrainHead = (require(path.join(OLD, 'out/src/core/training/trainHead.js')) as { trainHead: TrainHead }).trainHead;
      variants.push({ name: 'previous (scan per mention)', run: () => oldTrainHead(data, { ...TRAINING, seed }) });
    }
    if (!argv.includes('--no-exact')) variants.push({ name: 'this code, exact blocked scan', run: () => trainHead(data, { ...TRAINING, seed }) });
    variants.push({ name: `this code, session's ${index.kind} index`, run: () => trainHead({ ...data, entityIndex: index }, { ...TRAINING, seed }) });
    for (const v of variants) {
      const r = await v.run();
      const heldOut = evaluateHead(r.head, data, testExamples);
      results.push(
        `| ${seed} | ${v.name} | ${r.epochs.map((e) => e.seconds.toFixed(1)).join(', ')} | ${r.seconds.toFixed(1)} | ${metrics(r.before)} -> ${metrics(r.after)} | ${metrics(heldOut)} | ${r.bestEpoch} |`,
      );
      console.log(results.at(-1));
    }
    if (!argv.includes('--no-finetune')) {
      const out = path.join(os.tmpdir(), `el-bench-finetune-speed-${process.pid}`);
      t = performance.now();
      const result = await finetune({
        train: [...split.train, ...split.dev], devFraction: 0.2, kb, encoder, parentDir: session.modelDir, entityVectors, entityIndex: index, rankerWeights: session.rankerWeights,
        mapGold, template, outDir: out, overwrite: true, training: { ...TRAINING, epochs: 4, patience: 2, seed },
      });
      const total = (performance.now() - t) / 1000;
      const linker = result.manifest.metrics.linker;
      const e = result.training.epochs;
      results.push(
        `| ${seed} | whole \`finetune\` (4 epochs max, whole-linker selection, session index) | ${e.map((x) => `${x.seconds.toFixed(1)}+${(x.selectionSeconds ?? 0).toFixed(1)}`).join(', ')} | ${total.toFixed(1)} total | ` +
          `linker dev ${linker === undefined ? '?' : `${pct(linker.before)} -> ${pct(linker.after)}`} | | ${result.training.bestEpoch} |`,
      );
      console.log(results.at(-1));
      rmSync(out, { recursive: true, force: true });
    }
  }
  console.log('');
  console.log('| seed | variant | s per epoch (train+mine+dev recall) | total s | dev R@1/R@64 before -> after | held-out R@1/R@10/R@64 | best epoch |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) console.log(r);
  await session.dispose();
}

/** Whole documents, in order, until about MENTIONS mentions map to a synset of the KB. */
async function annotations(docs: readonly GoldDocument[], kb: Parameters<typeof trainingMentions>[1], mapGold: ReturnType<typeof createGoldMapper>): Promise<GoldDocument[]> {
  const out: GoldDocument[] = [];
  let n = 0;
  for (const d of docs) {
    if (n >= MENTIONS) break;
    const inKb = trainingMentions([d], kb, { mapGold }).mentions.length;
    if (inKb === 0) continue;
    out.push(d);
    n += inKb;
  }
  return out;
}

function examples(ms: readonly TrainingMention[], offset: number): HeadExample[] {
  return ms.map((m, i) => ({ mentionRow: offset + i, goldRows: m.goldRows, excludedRows: m.excludedRows }));
}

function metrics(m: DevMetrics): string {
  return `${pct(m['recall@1'])}/${m['recall@10'] === undefined ? '' : `${pct(m['recall@10'])}/`}${pct(m['recall@64'])}`;
}

function pct(x: number): string {
  return (100 * x).toFixed(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
