/**
 * Where the ranker's held-out errors are: per test set (bench/rankerDomains.ts split), each in-KB mention is a
 * retrieval miss (the gold is not among the scored candidates), a ranking error (scored, not first) or right;
 * for the ranking errors, which features favour the wrong winner over the gold and by how much (weight x
 * feature difference, the linear score's own decomposition).
 *
 *   node out/bench/rankerErrors.js [--dump] [--domain=elevant|WSD] [--list] [--weights=ranker.json]
 *
 * --list prints every held-out error of elevant with titles (mention: winner > gold, the gold's rank); --weights
 * takes another ranker than the shipped one (e.g. a seed of bench/trainRanker.ts written as ranker.json).
 *
 * --dump also writes the features of the training examples and of the held-out mentions to
 * .cache/bench/ranker-features.json (for offline feature and model experiments; the held-out part is only
 * ever used to report, never to choose).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { Linker } from '../src/core/linker/linker';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, parseRankerWeights, weightVector } from '../src/core/linker/ranker';
import { rankerForKind } from '../src/core/linker/rankerProfiles';
import type { RankerWeights } from '../src/core/linker/ranker';
import type { SpanRequest } from '../src/core/linker/types';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { CACHE, DATA, ROOT, secs } from './benchData';
import { MemoEncoder } from './qualityLinkers';
import { domainExamples, elevantDomain, wsdDomain } from './rankerDomains';
import type { Domain, DomainExample } from './rankerDomains';

const DUMP = process.argv.includes('--dump');
const LIST = process.argv.includes('--list');
const DOMAIN = process.argv.find((a) => a.startsWith('--domain='))?.slice('--domain='.length);
const WEIGHTS_FILE = process.argv.find((a) => a.startsWith('--weights='))?.slice('--weights='.length);

/** One held-out in-KB mention as the linker scored it. */
export interface HeldOutMention {
  readonly doc: string;
  readonly text: string;
  readonly lemma?: string;
  readonly ids: readonly string[];
  readonly features: readonly (readonly number[])[];
  /** Index of the first acceptable gold among the candidates; -1 when it was not scored (retrieval miss). */
  readonly gold: number;
  readonly goldTitle?: string;
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`rankerErrors: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  const t0 = performance.now();
  const opened = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  const encoder = new MemoEncoder(opened.encoder);
  const weights = WEIGHTS_FILE === undefined ? DEFAULT_RANKER_WEIGHTS : parseRankerWeights(await readFile(WEIGHTS_FILE, 'utf8'), WEIGHTS_FILE);
  console.log(`# Ranker errors (bench/rankerErrors.ts), ${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}; weights ${weights.source}`);
  const dump: Record<string, { train: DomainExample[]; test: HeldOutMention[] }> = {};
  try {
    for (const name of ['elevant', 'WSD'].filter((n) => DOMAIN === undefined || DOMAIN === n)) {
      const d = name === 'elevant' ? await elevantDomain(encoder) : await wsdDomain(encoder);
      const test = await heldOut(d, encoder, weights);
      breakdown(d.name, test, rankerForKind(weights, name === 'WSD' ? 'senses' : 'entities'));
      if (LIST && d.name === 'elevant') listErrors(d, test);
      if (DUMP) dump[d.name] = { train: (await domainExamples(d, encoder)).ex, test };
    }
  } finally {
    await opened.encoder.dispose();
  }
  if (DUMP) {
    const file = path.join(CACHE, 'ranker-features.json');
    await mkdir(CACHE, { recursive: true });
    await writeFile(file, JSON.stringify({ features: FEATURE_NAMES, domains: dump }));
    console.log(`wrote ${path.relative(ROOT, file)}`);
  }
  console.log(`Total ${secs(performance.now() - t0)} s.`);
}

/** The held-out in-KB mentions linked zero-shot (gold spans, every scored candidate kept). */
async function heldOut(d: Domain, encoder: MemoEncoder, weights: RankerWeights): Promise<HeldOutMention[]> {
  const linker = new Linker({ kb: d.kb, encoder, rankerWeights: weights, ...d.init });
  const out: HeldOutMention[] = [];
  for (const doc of d.test as readonly GoldDocument[]) {
    const requests: SpanRequest[] = doc.mentions.map((m) => {
      const given = m.candidateIds ?? d.candidatesFor?.(m);
      return given === undefined ? { start: m.start, end: m.end } : { start: m.start, end: m.end, candidateIds: given };
    });
    if (requests.length === 0) continue;
    const linked = await linker.linkSpans(doc.text, requests, { topK: 10000 });
    doc.mentions.forEach((m, i) => {
      const gold = d.mapGold(m);
      if (gold.status !== 'in-kb') return;
      const cands = linked[i].candidates;
      out.push({
        doc: doc.id,
        text: m.text,
        ...(m.lemma === undefined ? {} : { lemma: m.lemma }),
        ids: cands.map((c) => c.id),
        features: cands.map((c) => [...(c.features ?? [])]),
        gold: cands.findIndex((c) => gold.ids.includes(c.id)),
        goldTitle: d.kb.get(gold.ids[0] ?? '')?.title ?? gold.ids[0] ?? '?',
      });
    });
  }
  return out;
}

/** Every ranking error and retrieval miss, with titles, grouped by the gold's title. */
function listErrors(d: Domain, test: readonly HeldOutMention[]): void {
  const title = (id: string | undefined): string => (id === undefined ? '?' : (d.kb.get(id)?.title ?? id));
  console.log('');
  console.log('All errors (document: "mention": winner > gold (gold rank, or "not scored")):');
  for (const m of test) {
    if (m.gold === 0) continue;
    console.log(`- ${m.doc}: "${m.text}": ${title(m.ids[0])} > ${m.gold < 0 ? `${m.goldTitle ?? '?'} (not scored)` : `${title(m.ids[m.gold])} (rank ${m.gold + 1})`}`);
  }
}

function breakdown(name: string, test: readonly HeldOutMention[], weights: RankerWeights): void {
  const w = weightVector(weights);
  const miss = test.filter((m) => m.gold < 0);
  const wrong = test.filter((m) => m.gold > 0);
  const right = test.length - miss.length - wrong.length;
  const pctOf = (n: number): string => `${n} (${((100 * n) / Math.max(1, test.length)).toFixed(1)}%)`;
  console.log('');
  console.log(`## ${name}: ${test.length} held-out in-KB mentions`);
  console.log(`right ${pctOf(right)}; retrieval miss (gold not scored) ${pctOf(miss.length)}; ranking error (gold scored, not first) ${pctOf(wrong.length)}`);
  const rankOf = (m: HeldOutMention): string => (m.gold <= 1 ? '2' : m.gold <= 4 ? '3-5' : m.gold <= 9 ? '6-10' : '>10');
  const ranks = new Map<string, number>();
  for (const m of wrong) ranks.set(rankOf(m), (ranks.get(rankOf(m)) ?? 0) + 1);
  console.log(`gold's rank in the ranking errors: ${['2', '3-5', '6-10', '>10'].map((r) => `${r}: ${ranks.get(r) ?? 0}`).join(', ')}`);
  console.log('');
  console.log('| feature | weight | errors where it favours the winner | ... the gold | mean w·(winner - gold) |');
  console.log('|---|---:|---:|---:|---:|');
  FEATURE_NAMES.forEach((f, k) => {
    let forWinner = 0;
    let forGold = 0;
    let sum = 0;
    for (const m of wrong) {
      const diff = (m.features[0][k] ?? 0) - (m.features[m.gold][k] ?? 0);
      if (diff > 1e-9) forWinner++;
      if (diff < -1e-9) forGold++;
      sum += w[k] * diff;
    }
    if (forWinner + forGold === 0) return;
    console.log(`| ${f} | ${w[k].toFixed(2)} | ${forWinner} | ${forGold} | ${(sum / Math.max(1, wrong.length)).toFixed(2)} |`);
  });
  console.log('');
  console.log('Some ranking errors (mention: winner > gold):');
  for (const m of wrong.slice(0, 12)) console.log(`- "${m.text}"${m.lemma === undefined ? '' : ` (${m.lemma})`}: ${m.ids[0]} > ${m.ids[m.gold]} (rank ${m.gold + 1})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
