/**
 * The shared real data the quality benches link against, set up once per run: wiki11k with its entity vectors
 * and HNSW index, WordNet with the vectors of the lemmas' synsets. Entity vectors are cached under
 * .cache/bench/<kb>/ (git-ignored), so only the first run encodes them. Data is read from ../shared/data.
 */
import * as path from 'node:path';
import type { TextEncoder } from '../src/core/encoder/encoder';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument, GoldMention } from '../src/core/formats/goldDocument';
import { embedAll } from '../src/core/index/embeddingCache';
import { openOrBuildIndex } from '../src/core/index/openOrBuildIndex';
import type { VectorIndex } from '../src/core/index/vectorIndex';
import { kbContentHash } from '../src/core/kb/kbContentHash';
import type { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { parseSourceArg } from '../src/core/kb/sniffFormat';
import { loadWordNetLexicon } from '../src/core/kb/wordnetLexicon';
import { DEFAULT_TEMPLATE, entityText, templateId } from '../src/core/linker/textTemplates';
import { wordnetSynsetCounts } from '../src/core/linker/wordnetSenseCounts';

// out/bench -> repository root
export const ROOT = path.resolve(__dirname, '../..');
export const DATA = path.resolve(ROOT, '../shared/data');
export const CACHE = path.join(ROOT, '.cache/bench');
export const TEMPLATE = DEFAULT_TEMPLATE;

export function secs(ms: number): string {
  return (ms / 1000).toFixed(1);
}

export async function loadKb(source: string, name: string): Promise<{ kb: KnowledgeBase; setup: string[] }> {
  const t = performance.now();
  const { kb, report } = await loadKnowledgeBase([parseSourceArg(source)], { strict: false, name, sourceLocations: false });
  const setup = [`KB ${kb.size} entities loaded in ${secs(performance.now() - t)} s${report.skipped > 0 ? ` (${report.skipped} bad records skipped)` : ''}`];
  return { kb, setup };
}

export interface RowVectors {
  readonly flat: Float32Array;
  readonly of: (row: number) => Float32Array | undefined;
}

/** Vectors of the given KB rows through the on-disk cache (one folder per KB, so compaction never drops another KB's vectors). */
export async function embedRows(encoder: TextEncoder, kb: KnowledgeBase, rows: readonly number[], cacheName: string, setup: string[]): Promise<RowVectors> {
  const t = performance.now();
  let encoded = 0;
  const flat = await embedAll({
    cacheDir: path.join(CACHE, cacheName),
    modelId: encoder.modelId,
    dims: encoder.dims,
    texts: rows.map((r) => entityText(kb.entities[r], TEMPLATE)),
    encode: async (texts) => {
      encoded += texts.length;
      return encoder.encode(texts, { batchSize: 64 });
    },
  });
  setup.push(`${rows.length} entity vectors (${encoded} encoded, the rest cached) in ${secs(performance.now() - t)} s`);
  const dims = encoder.dims;
  const slot = new Map(rows.map((r, i) => [r, i]));
  return {
    flat,
    of: (row) => {
      const i = slot.get(row);
      return i === undefined ? undefined : flat.subarray(i * dims, (i + 1) * dims);
    },
  };
}

export interface Wiki11k {
  readonly kb: KnowledgeBase;
  readonly index: VectorIndex;
  readonly vectors: RowVectors;
  readonly mapGold: GoldMapper;
  readonly setup: string[];
}

/** wiki11k (brat DB), every entity embedded, the HNSW index; elevant gold maps by title. */
export async function openWiki11k(encoder: TextEncoder): Promise<Wiki11k> {
  const kbFile = path.join(DATA, 'wiki11k/Wiki.txt');
  const { kb, setup } = await loadKb(`brat:${kbFile}`, 'wiki11k');
  const vectors = await embedRows(encoder, kb, kb.entities.map((_, row) => row), 'wiki11k', setup);
  const t = performance.now();
  const opened = await openOrBuildIndex({
    dir: path.join(CACHE, 'wiki11k-hnsw'),
    kind: 'hnsw',
    dims: encoder.dims,
    vectors: vectors.flat,
    modelId: encoder.modelId,
    kbHash: kbContentHash(kb),
    templateId: templateId(TEMPLATE),
  });
  setup.push(`HNSW index ${opened.action} in ${secs(performance.now() - t)} s`);
  return { kb, index: opened.index, vectors, mapGold: createGoldMapper(kb, { kind: 'title' }), setup };
}

export interface WordNetData {
  readonly kb: KnowledgeBase;
  readonly vectors: RowVectors;
  readonly mapGold: GoldMapper;
  readonly candidatesFor: (m: GoldMention) => readonly string[] | undefined;
  /** WordNet sense tag counts per KB row (the `kbPrior` source). */
  readonly prior: (row: number) => number | undefined;
  readonly setup: string[];
}

/** WordNet, all parts of speech; only the synsets of the documents' lemmas are embedded (no index: given candidates). */
export async function openWordNet(encoder: TextEncoder, docs: readonly GoldDocument[]): Promise<WordNetData> {
  const lexicon = await loadWordNetLexicon();
  const candidatesFor = (m: GoldMention): readonly string[] | undefined => (m.lemma === undefined ? undefined : lexicon.lemmaSenses(m.lemma, m.pos));
  const { kb, setup } = await loadKb('wordnet:all', 'WordNet (all POS)');
  const rows = new Set<number>();
  for (const d of docs) {
    for (const m of d.mentions) for (const id of candidatesFor(m) ?? []) {
      const row = kb.rowOf(id);
      if (row !== undefined) rows.add(row);
    }
  }
  const vectors = await embedRows(encoder, kb, [...rows].sort((a, b) => a - b), 'wordnet', setup);
  const counts = await wordnetSynsetCounts();
  const mapGold = createGoldMapper(kb, { kind: 'sense-key', resolveSenseKey: (key) => lexicon.entityIdOfSenseKey(key) });
  return { kb, vectors, mapGold, candidatesFor, prior: (row) => counts.get(kb.entities[row].id), setup };
}
