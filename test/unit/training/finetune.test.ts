import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FinetunedEncoder } from '../../../src/core/encoder/finetuned/finetunedEncoder';
import { HEAD_FILE, readFinetunedModel } from '../../../src/core/encoder/finetuned/finetunedModel';
import { detectModelFolder, loadEncoder } from '../../../src/core/encoder/loadEncoder';
import { LinkerError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/core/log';
import { createGoldMapper } from '../../../src/core/formats/goldMapping';
import { DEFAULT_RANKER_WEIGHTS, loadRankerWeights } from '../../../src/core/linker/ranker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { finetune } from '../../../src/core/training/finetune';
import { readModelLearnedState } from '../../../src/core/training/modelLearnedState';
import { splitByDocument } from '../../../src/core/formats/documentSplit';
import { syntheticCorpus } from '../../fixtures/training/syntheticCorpus';

const TRAINING = { epochs: 5, numNegatives: 8, batchSize: 8, patience: 5, seed: 3, optimizer: { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, warmupFraction: 0.1, clipNorm: 1 } };

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'el-finetune-'));
}

type FinetuneOptions = Parameters<typeof finetune>[0];

/**
 * Runs `body` with the synthetic corpus, a temporary folder (removed afterwards), the model folder to write
 * (`out`, inside it) and the options each test starts from (the shipped ranker, TRAINING).
 */
async function withCorpus(body: (c: ReturnType<typeof syntheticCorpus> & { root: string; out: string; options: FinetuneOptions }) => Promise<void>): Promise<void> {
  const corpus = syntheticCorpus();
  const root = tempDir();
  const out = path.join(root, 'model');
  const options: FinetuneOptions = { train: corpus.docs, kb: corpus.kb, encoder: corpus.encoder, parentDir: root, mapGold: createGoldMapper(corpus.kb, { kind: 'id' }), rankerWeights: DEFAULT_RANKER_WEIGHTS, outDir: out, training: TRAINING };
  try {
    await body({ ...corpus, root, out, options });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void test('finetune writes a model folder whose encoder applies the head per role and beats the parent on dev', async () => {
  await withCorpus(async ({ kb, docs, encoder, root, out, options }) => {
    const result = await finetune(options);
    assert.ok(result.training.after['recall@1'] > result.training.before['recall@1'], `dev recall@1 ${result.training.before['recall@1']} -> ${result.training.after['recall@1']}`);
    assert.ok(result.counts.devMentions > 0 && result.counts.trainMentions > result.counts.devMentions);
    assert.deepEqual(new Set(encoder.calls.roles), new Set(['mention', 'entity']));
    assert.equal(detectModelFolder(out), 'finetuned');
    const { manifest, head } = readFinetunedModel(out);
    assert.equal(manifest.parent.modelId, 'synthetic-parent');
    assert.equal(manifest.seed, 3);
    assert.equal(manifest.metrics.after['recall@1'], result.training.after['recall@1']);
    assert.match(manifest.dataHash, /^[0-9a-f]{64}$/);
    // The ranker was refitted for the head and the whole linker's dev accuracy chose the epoch.
    assert.match((await loadRankerWeights(out)).source ?? '', /ranker\.json/);
    assert.match(fs.readFileSync(path.join(out, 'ranker.json'), 'utf8'), /training mentions, whole-linker dev accuracy/);
    const linker = manifest.metrics.linker!;
    assert.ok(linker.after >= 0 && linker.after <= 1 && linker.before >= 0, JSON.stringify(linker));
    assert.equal(result.training.selection?.after, linker.after);
    // What the training documents taught beyond weights: their surface forms as names, their counts as a prior.
    const learned = await readModelLearnedState(out);
    assert.equal(learned?.decisions, docs.length);
    const gold0 = docs[0]!.mentions[0]!;
    assert.ok(learned?.memory.names[gold0.goldIds[0]!]?.includes(gold0.text), 'a training surface form is a name of its entity');
    assert.deepEqual(fs.readdirSync(root).sort(), ['model'], 'no temp folder left beside the output');

    const loaded = await FinetunedEncoder.load(out, { provider: 'cpu', logger: silentLogger }, async () => encoder);
    assert.notEqual(loaded.modelId, encoder.modelId);
    assert.equal(loaded.modelId, manifest.modelId);
    const [asEntity] = await loaded.encode([entityText(kb.entities[0]!)], { role: 'entity' });
    const [asMention] = await loaded.encode([entityText(kb.entities[0]!)], { role: 'mention' });
    assert.notDeepEqual(asEntity, asMention, 'each role has its own map');
    const row0 = result.projectedEntities.subarray(0, head.dims);
    for (let i = 0; i < head.dims; i++) assert.ok(Math.abs(asEntity![i]! - row0[i]!) < 1e-5, 'the encoder and the projected index agree');
  });
});

void test('finetune --select-on cross-fit selects on folds of the training documents: pooled out-of-fold accuracy, a head trained on all of them for the epochs chosen', async () => {
  await withCorpus(async ({ docs, out, options }) => {
    const epochs: number[] = [];
    const result = await finetune({
      ...options, training: { ...TRAINING, epochs: 3 }, selectOn: 'cross-fit',
      onProgress: (p) => (p.stage === 'epoch' ? epochs.push(p.report.epoch) : undefined),
    });
    const { manifest, head } = readFinetunedModel(out);
    assert.equal(manifest.hyperparameters['selectOn'], 'cross-fit');
    assert.equal(manifest.hyperparameters['folds'], 3);
    assert.match(manifest.metrics.linker?.selectedOn ?? '', /pooled over 3 cross-fitted folds/);
    // Every document is trained on (no dev split), and the head kept has exactly the chosen number of epochs.
    assert.equal(result.counts.trainMentions, docs.length);
    assert.equal(result.counts.devMentions, 0);
    const folds = (manifest.training?.['crossFit'] as { epoch: number; refit: number; base: number; mentions: number }[]);
    assert.deepEqual(folds.map((f) => f.epoch), folds.map((_, i) => i), 'epoch 0 (the identity head) is scored first');
    assert.ok(folds.every((f) => f.mentions === docs.length), 'every training mention is scored out of fold');
    const best = Math.max(...folds.map((f) => Math.max(f.refit, f.base)));
    assert.equal(manifest.metrics.linker?.after, best);
    assert.equal(manifest.metrics.bestEpoch, folds.find((f) => Math.max(f.refit, f.base) === best)!.epoch);
    assert.equal(result.training.epochs.length, manifest.metrics.bestEpoch, 'the shipped head stops at the chosen epoch');
    assert.deepEqual(epochs, folds.slice(1).map((f) => f.epoch), 'one epoch report per scored epoch');
    if (manifest.metrics.bestEpoch === 0) assert.ok(head.mention.every((x) => x === 0), 'epoch 0 ships the identity head');
    assert.ok(best > 0.5, `out-of-fold accuracy ${best}`);
    const ranker = fs.readFileSync(path.join(out, 'ranker.json'), 'utf8');
    assert.match(ranker, /cross-fitted folds|refitting did not beat them out of fold/);
    const learned = await readModelLearnedState(out);
    assert.equal(learned?.decisions, docs.length, 'the learned state holds every document');
    const exemplars = learned?.exemplars;
    assert.ok(exemplars !== undefined && Object.keys(exemplars.entities).length > 0, 'and their exemplars through the shipped head');
  });
});

void test('a cancelled fine-tuning run leaves no output folder', async () => {
  await withCorpus(async ({ root, options }) => {
    const controller = new AbortController();
    await assert.rejects(
      finetune({
        ...options, training: TRAINING,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'train' && p.epoch === 2) controller.abort();
        },
      }),
      (e: unknown) => LinkerError.is(e, 'cancelled'),
    );
    assert.deepEqual(fs.readdirSync(root), []);
  });
});

void test('a damaged head file is a modelLoad error; an existing output folder is kept without overwrite', async () => {
  await withCorpus(async ({ out, options }) => {
    const opts = { ...options, training: { ...TRAINING, epochs: 1 } };
    await finetune(opts);
    await assert.rejects(finetune(opts), (e: unknown) => LinkerError.is(e, 'usage'));
    const before = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
    await finetune({ ...opts, overwrite: true, training: { ...TRAINING, epochs: 1, seed: 9 } });
    assert.notEqual(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'), before);
    const file = path.join(out, HEAD_FILE);
    const bytes = fs.readFileSync(file);
    bytes[10] ^= 0xff;
    fs.writeFileSync(file, bytes);
    assert.throws(() => readFinetunedModel(out), (e: unknown) => LinkerError.is(e, 'modelLoad'));
  });
});

void test('splitByDocument keeps documents whole, depends on the seed, and not on input order', () => {
  const items = Array.from({ length: 200 }, (_, i) => ({ doc: `d${i % 50}`, i }));
  const a = splitByDocument(items, 0.2, 1, (x) => x.doc);
  const devDocs = new Set(a.dev.map((x) => x.doc));
  assert.equal(devDocs.size, 10);
  assert.ok(a.train.every((x) => !devDocs.has(x.doc)));
  const reversed = splitByDocument([...items].reverse(), 0.2, 1, (x) => x.doc);
  assert.deepEqual(new Set(reversed.dev.map((x) => x.doc)), devDocs);
  const other = splitByDocument(items, 0.2, 2, (x) => x.doc);
  assert.notDeepEqual(new Set(other.dev.map((x) => x.doc)), devDocs);
});

void test('finetune splits dev by document group (a WSD sentence\'s text), never a group across train and dev', async () => {
  await withCorpus(async ({ docs, options }) => {
    // Two texts: one of 2 sentences, one of the rest. A dev split by sentence would take 20% of the sentences.
    const grouped = docs.map((d, i) => ({ ...d, group: i < 2 ? 'set/d000' : 'set/d001' }));
    const result = await finetune({ ...options, train: grouped, training: { ...TRAINING, epochs: 1 }, selectOn: 'recall' });
    assert.ok([2, docs.length - 2].includes(result.counts.dev.documents), `dev holds one whole text: ${result.counts.dev.documents} of ${docs.length} sentences`);
    assert.equal(result.counts.dev.documents + result.counts.train.documents, docs.length);
  });
});

void test('finetune learn "exemplars" writes the exemplars alone: no memory, the parent ranker and encoder kept, no epoch', async () => {
  await withCorpus(async ({ kb, docs, encoder, out, options }) => {
    const epochs: number[] = [];
    const result = await finetune({
      ...options, training: TRAINING, learn: 'exemplars',
      onProgress: (p) => (p.stage === 'epoch' ? epochs.push(p.report.epoch) : undefined),
    });
    assert.deepEqual(epochs, [], 'nothing trained');
    assert.equal(result.training.bestEpoch, 0);
    const learned = await readModelLearnedState(out);
    assert.deepEqual(learned?.memory.names, {}, 'no confirmed names');
    assert.deepEqual(learned?.memory.forms, {}, 'no annotators\' prior');
    const gold0 = docs[0]!.mentions[0]!.goldIds[0]!;
    assert.ok((learned?.exemplars?.entities[gold0]?.n ?? 0) >= 1, 'the gold entity has exemplars');
    assert.equal(learned?.decisions, docs.reduce((a, d) => a + d.mentions.length, 0));
    assert.deepEqual((await loadRankerWeights(out)).weights, DEFAULT_RANKER_WEIGHTS.weights, 'the parent ranker kept');
    assert.equal(readFinetunedModel(out).manifest.hyperparameters['learn'], 'exemplars');
    const loaded = await FinetunedEncoder.load(out, { provider: 'cpu', logger: silentLogger }, async () => encoder);
    const text = entityText(kb.entities[0]!);
    const [mine] = await loaded.encode([text], { role: 'mention' });
    const [parent] = await encoder.encode([text], { role: 'mention' });
    const norm = Math.hypot(...parent!);
    for (let i = 0; i < parent!.length; i++) assert.ok(Math.abs(mine![i]! - parent![i]! / norm) < 1e-5, 'the identity head: the parent encoder');
  });
});

void test('loadEncoder dispatches a fine-tuned folder and says when its parent folder is gone', async () => {
  await withCorpus(async ({ root, out, options }) => {
    await finetune({ ...options, parentDir: path.join(root, 'gone'), training: { ...TRAINING, epochs: 1 } });
    await assert.rejects(loadEncoder(out, { provider: 'cpu', logger: silentLogger }), (e: unknown) => LinkerError.is(e, 'modelMissing') && /gone/.test((e as Error).message));
  });
});

void test('finetune refits a version-3 parent ranker as version 3 (its hidden units kept) and eval loads it', async () => {
  await withCorpus(async ({ out, options }) => {
    const parent = { ...DEFAULT_RANKER_WEIGHTS, profiles: undefined, version: 3 as const, hidden: [{ bias: 0.2, weights: { dense: 1.5, exactName: -0.5 }, out: 0.8 }] };
    await finetune({ ...options, rankerWeights: parent, training: { ...TRAINING, epochs: 1 } });
    const json = JSON.parse(fs.readFileSync(path.join(out, 'ranker.json'), 'utf8')) as { version: number };
    assert.equal(json.version, 3);
    const loaded = await loadRankerWeights(out);
    assert.equal(loaded.hidden?.length, 1);
    assert.equal(loaded.hidden?.[0]?.weights.dense, 1.5, "the unit's inputs are the parent's");
    assert.equal(loaded.hidden?.[0]?.bias, 0.2);
  });
});
