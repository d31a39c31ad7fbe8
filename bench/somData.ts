/**
 * The SOM bench's data (bench/som.ts): each domain's in-KB gold mentions linked by the shipped ranker (its top-K
 * candidates with their scores), and the encoder's token states of the mention texts and of those candidates'
 * entity texts. Both are cached under .cache/bench/som/ (linking and encoding take minutes on two shared cores;
 * training and measuring then read the cache). The split is the ranker's (bench/rankerDomains.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { TextEncoder, TokenStates } from '../src/core/encoder/encoder';
import { Linker } from '../src/core/linker/linker';
import { DEFAULT_RANKER_WEIGHTS } from '../src/core/linker/ranker';
import { DEFAULT_TEMPLATE, entityText, mentionText } from '../src/core/linker/textTemplates';
import type { TextTemplateOptions } from '../src/core/linker/textTemplates';
import type { SpanRequest } from '../src/core/linker/types';
import { CACHE, secs } from './benchData';
import type { MemoEncoder } from './qualityLinkers';
import type { Domain } from './rankerDomains';

/** Candidates re-ranked per mention. */
export const TOP_K = 16;
/** Token states kept per text (the first ones). */
export const MAX_TOKENS = 32;
/** SOM reads the title and the start of the description: 32 words, of which the first 32 tokens' states are kept. */
export const SOM_ENTITY_TEMPLATE: TextTemplateOptions = { ...DEFAULT_TEMPLATE, entityWords: 32, entityChars: 240 };
export const SOM_CACHE = path.join(CACHE, 'som');
/**
 * What a cache must have been made with to be read: the split (training documents equal to test documents left
 * out, bench/rankerDomains.ts) and the shipped ranker's weights (its scores are cached). Another is made again.
 */
const CACHE_KEY = JSON.stringify({ split: 'leak-free 1', ranker: DEFAULT_RANKER_WEIGHTS });

export interface SomCandidateRecord {
  readonly id: string;
  /** The shipped ranker's score. */
  readonly score: number;
  /** Index into the domain's texts (the entity text). */
  readonly text: number;
}

export interface SomMentionRecord {
  readonly split: 'train' | 'test';
  readonly doc: number;
  /** Index into the domain's texts (the mention in context). */
  readonly text: number;
  readonly gold: readonly string[];
  /** The shipped ranker's top-K, best first. */
  readonly candidates: readonly SomCandidateRecord[];
  /** The gold's entity text when the gold is not among the candidates (training needs it). */
  readonly goldText?: number;
}

export interface SomDomainData {
  readonly name: string;
  readonly modelId: string;
  readonly mentions: readonly SomMentionRecord[];
  readonly texts: readonly string[];
  readonly states: readonly TokenStates[];
  /** Seconds the shipped linker took per document (all gold spans), test documents. */
  readonly linkSeconds: readonly number[];
}

const files = (name: string): { meta: string; bin: string } => ({ meta: path.join(SOM_CACHE, `${name}.json`), bin: path.join(SOM_CACHE, `${name}.states.bin`) });

export async function readSomDomain(name: string, modelId: string): Promise<SomDomainData | undefined> {
  const f = files(name);
  if (!existsSync(f.meta) || !existsSync(f.bin)) return undefined;
  const meta = JSON.parse(await readFile(f.meta, 'utf8')) as Omit<SomDomainData, 'states'> & { tokens: number[]; dims: number; topK: number; maxTokens: number; key?: string };
  if (meta.modelId !== modelId || meta.topK !== TOP_K || meta.maxTokens !== MAX_TOKENS || meta.key !== CACHE_KEY) return undefined;
  const buf = await readFile(f.bin);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  let at = 0;
  const states = meta.tokens.map((tokens) => {
    const data = all.subarray(at, at + tokens * meta.dims);
    at += tokens * meta.dims;
    return { tokens, dims: meta.dims, data };
  });
  return { name, modelId, mentions: meta.mentions, texts: meta.texts, states, linkSeconds: meta.linkSeconds };
}

/** Links every document with the shipped ranker, encodes the token states, writes the cache. */
export async function prepareSomDomain(d: Domain, encoder: MemoEncoder, tokenEncoder: TextEncoder): Promise<SomDomainData> {
  const t0 = performance.now();
  const linker = new Linker({ kb: d.kb, encoder, rankerWeights: DEFAULT_RANKER_WEIGHTS, ...d.init });
  const texts: string[] = [];
  const textIndex = new Map<string, number>();
  const intern = (t: string): number => {
    let i = textIndex.get(t);
    if (i === undefined) {
      i = texts.length;
      texts.push(t);
      textIndex.set(t, i);
    }
    return i;
  };
  const entityTextOf = (id: string): number => {
    const row = d.kb.rowOf(id);
    return intern(row === undefined ? id : entityText(d.kb.entities[row], SOM_ENTITY_TEMPLATE));
  };
  const mentions: SomMentionRecord[] = [];
  const linkSeconds: number[] = [];
  const docs = [...d.train.map((doc) => ({ doc, split: 'train' as const })), ...d.test.map((doc) => ({ doc, split: 'test' as const }))];
  for (const [docIndex, { doc, split }] of docs.entries()) {
    const valid = doc.mentions.filter((m) => doc.text.slice(m.start, m.end) === m.text);
    if (valid.length === 0) continue;
    const requests: SpanRequest[] = valid.map((m) => {
      const given = m.candidateIds ?? d.candidatesFor?.(m);
      return given === undefined ? { start: m.start, end: m.end } : { start: m.start, end: m.end, candidateIds: given };
    });
    const t = performance.now();
    const linked = await linker.linkSpans(doc.text, requests, { topK: TOP_K });
    if (split === 'test') linkSeconds.push((performance.now() - t) / 1000);
    valid.forEach((m, i) => {
      const gold = d.mapGold(m);
      if (gold.status !== 'in-kb') return;
      const candidates = linked[i]!.candidates.slice(0, TOP_K).map((c) => ({ id: c.id, score: c.score, text: entityTextOf(c.id) }));
      const hit = candidates.some((c) => gold.ids.includes(c.id));
      mentions.push({
        split,
        doc: docIndex,
        text: intern(mentionText(doc.text, m)),
        gold: gold.ids,
        candidates,
        ...(hit || split === 'test' ? {} : { goldText: entityTextOf(gold.ids[0]!) }),
      });
    });
  }
  const tLink = performance.now();
  console.log(`${d.name}: ${mentions.length} in-KB mentions linked (top ${TOP_K}) in ${secs(tLink - t0)} s; encoding token states of ${texts.length} texts`);
  const states: TokenStates[] = [];
  const encodeTokens = tokenEncoder.encodeTokens!.bind(tokenEncoder);
  for (let b = 0; b < texts.length; b += 256) {
    const batch = await encodeTokens(texts.slice(b, b + 256), { batchSize: 32 });
    for (const s of batch) {
      const tokens = Math.min(s.tokens, MAX_TOKENS);
      states.push({ tokens, dims: s.dims, data: s.data.slice(0, tokens * s.dims) });
    }
  }
  console.log(`${d.name}: token states of ${texts.length} texts in ${secs(performance.now() - tLink)} s`);
  const data: SomDomainData = { name: d.name, modelId: tokenEncoder.modelId, mentions, texts, states, linkSeconds };
  await writeSomDomain(data);
  return data;
}

async function writeSomDomain(data: SomDomainData): Promise<void> {
  await mkdir(SOM_CACHE, { recursive: true });
  const f = files(data.name);
  const dims = data.states[0]?.dims ?? 0;
  const bin = new Float32Array(data.states.reduce((a, s) => a + s.tokens * dims, 0));
  let at = 0;
  for (const s of data.states) {
    bin.set(s.data, at);
    at += s.data.length;
  }
  await writeFile(f.bin, new Uint8Array(bin.buffer));
  const { states, ...rest } = data;
  await writeFile(f.meta, JSON.stringify({ ...rest, tokens: states.map((s) => s.tokens), dims, topK: TOP_K, maxTokens: MAX_TOKENS, key: CACHE_KEY }));
}
