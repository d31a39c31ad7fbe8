/**
 * Coreference (src/core/coreference): pronoun golds linked to their antecedent's entity.
 *
 *   node out/bench/coreference.js [--part=train|heldout|all]
 *
 * train: the options are chosen here, on oke-2015-train + oke-2016-train only, less the training documents whose
 *   text is a held-out document's and repeated texts (leakFreeTraining). (a) "annotator" mode: every other
 *   gold label of the document is a decision (its Wikidata id; person = elevant's type Q5/Q215627, or the
 *   wiki11k entity's traits where the title maps), so the resolver is scored on all 89 training pronouns,
 *   not only the few whose entity wiki11k holds; (b) the linker's own predictions as antecedents (gold spans,
 *   wiki11k), in-KB pronoun golds.
 * heldout: the 7 held-out elevant files pooled (bench/rankerDomains.ts split), gold spans, 64 candidates, in-KB
 *   accuracy with coreference off and on through the Linker, in one run; variants (it/they, no gender evidence,
 *   cataphora) re-resolve the off run's predictions; accuracy on the pronoun golds alone; how many pronoun golds
 *   have an antecedent in their document at all.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { coreferenceKb } from '../src/core/coreference/entityTraits';
import type { CoreferenceKb, EntityTraits } from '../src/core/coreference/entityTraits';
import { linkPronouns } from '../src/core/coreference/pronounLinking';
import { pronounOf } from '../src/core/coreference/pronouns';
import type { PronounClass } from '../src/core/coreference/pronouns';
import { DEFAULT_COREFERENCE_OPTIONS, resolvePronouns } from '../src/core/coreference/resolver';
import type { AntecedentMention, CoreferenceOptions } from '../src/core/coreference/resolver';
import { evaluate } from '../src/core/eval/evaluate';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import { Linker } from '../src/core/linker/linker';
import type { DocumentLinker, LinkedMention, LinkOptions, SpanRequest } from '../src/core/linker/types';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { describeLeakFree, leakFreeTraining } from '../src/core/training/leakFreeTraining';
import { DATA, ROOT, secs } from './benchData';
import { MemoEncoder } from './qualityLinkers';
import { pct } from './qualityTables';
import { ELEVANT_TRAIN, POOL, elevantDomain } from './rankerDomains';
import type { Domain } from './rankerDomains';

const PART = process.argv.find((a) => a.startsWith('--part='))?.slice('--part='.length) ?? 'all';
const ALL_CLASSES: readonly PronounClass[] = ['male', 'female', 'neuter', 'plural'];
const PERSON_TYPES = new Set(['Q5', 'Q215627']);

/** Records what a linker answered per document text; `post` rewrites it (a coreference variant). */
class RecordingLinker implements DocumentLinker {
  readonly byText = new Map<string, LinkedMention[]>();
  /** By text and spans (two documents may share a text). */
  readonly bySpans = new Map<string, LinkedMention[]>();

  constructor(private readonly inner: DocumentLinker, private readonly post?: (text: string, linked: LinkedMention[]) => LinkedMention[]) {}

  async linkDocument(text: string, options?: LinkOptions): Promise<LinkedMention[]> {
    return this.keep(text, await this.inner.linkDocument(text, options));
  }

  async linkSpans(text: string, spans: readonly SpanRequest[], options?: LinkOptions): Promise<LinkedMention[]> {
    return this.keep(text, await this.inner.linkSpans(text, spans, options), spans);
  }

  private keep(text: string, linked: LinkedMention[], spans?: readonly SpanRequest[]): LinkedMention[] {
    const out = this.post === undefined ? linked : this.post(text, linked);
    this.byText.set(text, out);
    this.bySpans.set(spansKey(text, spans), out);
    return out;
  }
}

function spansKey(text: string, spans: readonly SpanRequest[] | undefined): string {
  return `${text}\u0000${(spans ?? []).map((s) => `${s.start}:${s.end}`).join(',')}`;
}

/** Answers from an earlier run's records (the documents' texts), so variants cost no linking. */
function replay(recorded: RecordingLinker): DocumentLinker {
  const get = (text: string, spans?: readonly SpanRequest[]): LinkedMention[] => {
    const l = recorded.bySpans.get(spansKey(text, spans));
    if (l === undefined) throw new Error('replay: a document the recorded run did not link');
    return l;
  };
  return { linkDocument: async (text) => get(text), linkSpans: async (text, spans) => get(text, spans) };
}

interface PronounStats {
  pronouns: number;
  inKb: number;
  inKbCorrect: number;
  /** In-KB pronoun golds with an earlier in-KB gold mention of the same entity in the document. */
  inKbWithAntecedent: number;
  /** Pronoun golds (any Wikidata id) with an earlier gold mention of the same id in the document. */
  withAntecedent: number;
  /** ... only a later one in the same document (cataphora or after). */
  laterOnly: number;
}

function pronounStats(docs: readonly GoldDocument[], mapGold: GoldMapper, classes: readonly PronounClass[], records?: ReadonlyMap<string, LinkedMention[]>): PronounStats {
  const s: PronounStats = { pronouns: 0, inKb: 0, inKbCorrect: 0, inKbWithAntecedent: 0, withAntecedent: 0, laterOnly: 0 };
  for (const doc of docs) {
    const linked = records?.get(doc.text) ?? [];
    const mentions = [...doc.mentions].sort((a, b) => a.start - b.start);
    mentions.forEach((m, i) => {
      const info = pronounOf(m.text);
      if (info === undefined || !classes.includes(info.class) || m.goldIds.length === 0) return;
      s.pronouns++;
      const isNamed = (o: GoldDocument['mentions'][number]): boolean => pronounOf(o.text) === undefined;
      const same = (o: GoldDocument['mentions'][number]): boolean => o.goldIds.some((id) => m.goldIds.includes(id));
      if (mentions.slice(0, i).some((o) => isNamed(o) && same(o))) s.withAntecedent++;
      else if (mentions.slice(i + 1).some((o) => isNamed(o) && same(o))) s.laterOnly++;
      const g = mapGold(m);
      if (g.status !== 'in-kb') return;
      s.inKb++;
      if (mentions.slice(0, i).some((o) => isNamed(o) && mapGold(o).ids.some((id) => g.ids.includes(id)))) s.inKbWithAntecedent++;
      const l = linked.find((x) => x.start === m.start && x.end === m.end);
      if (l !== undefined && !l.nil && l.candidates[0] !== undefined && g.ids.includes(l.candidates[0].id)) s.inKbCorrect++;
    });
  }
  return s;
}

function pronounCell(s: PronounStats): string {
  return `${s.inKbCorrect} / ${s.inKb} (${s.inKb === 0 ? '-' : ((100 * s.inKbCorrect) / s.inKb).toFixed(1)})`;
}

// ---------------------------------------------------------------------------------------------------- train

interface RawLabel {
  readonly span: readonly [number, number];
  readonly entity_id?: string | null;
  readonly type?: string;
  readonly name?: string;
}

/** The training files' raw labels (elevant keeps the gold entity's Wikidata type there). */
function rawDocs(name: string): { text: string; labels: RawLabel[] }[] {
  return readFileSync(path.join(DATA, 'elevant', `${name}.benchmark.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { text: string; labels: RawLabel[] });
}

/** Options tried on the training files; the first is the default. */
function grid(): { name: string; options: CoreferenceOptions }[] {
  const d = DEFAULT_COREFERENCE_OPTIONS;
  const out: { name: string; options: CoreferenceOptions }[] = [{ name: 'default', options: d }];
  for (const window of [1, 2, 5]) out.push({ name: `window ${window}`, options: { ...d, window } });
  for (const decay of [0.3, 0.7, 1]) out.push({ name: `decay ${decay}`, options: { ...d, decay } });
  for (const subjectWeight of [1, 2]) out.push({ name: `subject weight ${subjectWeight}`, options: { ...d, subjectWeight } });
  for (const cataphora of [0, 1]) out.push({ name: `cataphora ${cataphora}`, options: { ...d, cataphora } });
  out.push({ name: 'subject weight 2, cataphora 0 (the first guess)', options: { ...d, subjectWeight: 2, cataphora: 0 } });
  out.push({ name: 'no gender evidence', options: { ...d, gender: false } });
  for (const minPerson of [0.2, 1]) out.push({ name: `min person ${minPerson}`, options: { ...d, minPerson } });
  for (const minConfidence of [0, 0.4, 0.6]) out.push({ name: `min confidence ${minConfidence}`, options: { ...d, minConfidence } });
  return out;
}

function annotatorMode(kbLookups: CoreferenceKb, titleRow: (name: string) => string | undefined, test: readonly { readonly text: string }[]): void {
  console.log('');
  console.log('## Training files, annotator mode: the other gold labels as decisions (all pronoun golds)');
  console.log('');
  // Training documents that are test documents are left out (oke-2016-train holds 88 oke-2015-eval documents).
  const split = leakFreeTraining(ELEVANT_TRAIN.flatMap((n) => rawDocs(n)), test);
  console.log(describeLeakFree('elevant', split));
  console.log('');
  const docs = split.train;
  const variants = grid();
  console.log('| options | resolved right | resolved wrong | unresolved | accuracy |');
  console.log('|---|---:|---:|---:|---:|');
  for (const v of variants) {
    let right = 0;
    let wrong = 0;
    let none = 0;
    for (const doc of docs) {
      const traits = new Map<string, EntityTraits>();
      const antecedents: AntecedentMention[] = [];
      const pronouns: { start: number; end: number; info: NonNullable<ReturnType<typeof pronounOf>>; gold: string }[] = [];
      for (const l of doc.labels) {
        const id = l.entity_id;
        if (typeof id !== 'string' || !id.startsWith('Q')) continue;
        const [start, end] = l.span;
        const info = pronounOf(doc.text.slice(start, end));
        if (info !== undefined) {
          if (v.options.classes.includes(info.class)) pronouns.push({ start, end, info, gold: id });
          continue;
        }
        antecedents.push({ start, end, entityId: id, confidence: 1 });
        const kbId = l.name === undefined ? undefined : titleRow(l.name);
        const kbTraits = kbId === undefined ? undefined : kbLookups.traitsOf(kbId);
        const person = (l.type ?? '').split('|').some((t) => PERSON_TYPES.has(t)) ? 1 : 0;
        traits.set(id, kbTraits?.gender === undefined ? { person } : { person, gender: kbTraits.gender });
      }
      const res = resolvePronouns(doc.text, pronouns, antecedents, (id) => traits.get(id), v.options);
      pronouns.forEach((p, i) => {
        const r = res[i];
        if (r === undefined) none++;
        else if (r.entityId === p.gold) right++;
        else wrong++;
      });
    }
    const n = right + wrong + none;
    console.log(`| ${v.name} | ${right} | ${wrong} | ${none} | ${pct(right / n)} |`);
  }
}

async function linkerMode(d: Domain, encoder: MemoEncoder, kbLookups: CoreferenceKb): Promise<void> {
  console.log('');
  console.log('## Training files, linker mode: gold spans vs wiki11k, the linker\'s predictions as antecedents');
  console.log('');
  const base = new RecordingLinker(new Linker({ kb: d.kb, encoder, ...d.init, options: { ...POOL, coreference: { link: false } } }));
  const off = await evaluate({ docs: d.train, linker: base, mapGold: d.mapGold, topK: 64, skipInvalid: true });
  console.log('| options | in-KB accuracy | he/she golds right / in KB |');
  console.log('|---|---:|---:|');
  console.log(`| off | ${pct(off.metrics.accuracy)} (${off.metrics.inKb}) | ${pronounCell(pronounStats(d.train, d.mapGold, ['male', 'female'], base.byText))} |`);
  for (const v of grid()) {
    const l = new RecordingLinker(replay(base), (text, linked) => linkPronouns(text, { linked, dropUnresolved: false, ...kbLookups, options: v.options }));
    const r = await evaluate({ docs: d.train, linker: l, mapGold: d.mapGold, topK: 64, skipInvalid: true });
    console.log(`| ${v.name} | ${pct(r.metrics.accuracy)} | ${pronounCell(pronounStats(d.train, d.mapGold, ['male', 'female'], l.byText))} |`);
  }
}

// -------------------------------------------------------------------------------------------------- held out

async function heldOut(d: Domain, encoder: MemoEncoder, kbLookups: CoreferenceKb): Promise<void> {
  console.log('');
  console.log(`## Held-out: the 7 elevant files pooled (${d.test.length} documents), gold spans, 64 candidates`);
  console.log('');
  const person = pronounStats(d.test, d.mapGold, ['male', 'female']);
  const all = pronounStats(d.test, d.mapGold, ALL_CLASSES);
  console.log(`Pronoun golds with an entity: he/she ${person.pronouns} (an earlier gold mention of the same entity in the document: ${person.withAntecedent}; only a later one: ${person.laterOnly}); in wiki11k ${person.inKb} (with an earlier in-KB mention: ${person.inKbWithAntecedent}). With it/they: ${all.pronouns} (${all.withAntecedent} / ${all.laterOnly}); in wiki11k ${all.inKb} (${all.inKbWithAntecedent}).`);
  console.log('');
  console.log('| coreference | in-KB accuracy | R@64 | he/she golds right / in KB | all pronoun golds right / in KB | s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const row = async (name: string, linker: RecordingLinker): Promise<void> => {
    const r = await evaluate({ docs: d.test, linker, mapGold: d.mapGold, topK: 64, skipInvalid: true });
    const m = r.metrics;
    console.log(`| ${name} | **${pct(m.accuracy)}** (${m.inKb}) | ${pct(m['recall@64'])} | ${pronounCell(pronounStats(d.test, d.mapGold, ['male', 'female'], linker.byText))} | ${pronounCell(pronounStats(d.test, d.mapGold, ALL_CLASSES, linker.byText))} | ${r.seconds.toFixed(1)} |`);
  };
  const off = new RecordingLinker(new Linker({ kb: d.kb, encoder, ...d.init, options: { ...POOL, coreference: { link: false } } }));
  await row('off (previous)', off);
  await row('on (default options, through the Linker)', new RecordingLinker(new Linker({ kb: d.kb, encoder, ...d.init, options: POOL })));
  const variant = (name: string, options: CoreferenceOptions): Promise<void> =>
    row(name, new RecordingLinker(replay(off), (text, linked) => linkPronouns(text, { linked, dropUnresolved: false, ...kbLookups, options })));
  const dflt = DEFAULT_COREFERENCE_OPTIONS;
  await variant('on, also it/its/they (not chosen: no such golds in training)', { ...dflt, classes: ALL_CLASSES });
  await variant('on, without gender evidence', { ...dflt, gender: false });
  await variant('on, without cataphora', { ...dflt, cataphora: 0 });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const opened = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  const encoder = new MemoEncoder(opened.encoder);
  try {
    console.log('# Coreference: pronouns linked to their antecedent (bench/coreference.ts)');
    console.log('');
    console.log(`${new Date().toISOString().slice(0, 16)}Z; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}; model ${opened.encoder.modelId.slice(0, 12)}.`);
    const d = await elevantDomain(encoder);
    const kbLookups = coreferenceKb(d.kb.entities, (id) => d.kb.rowOf(id));
    const byTitle = new Map(d.kb.entities.map((e) => [e.title, e.id]));
    if (PART === 'train' || PART === 'all') {
      annotatorMode(kbLookups, (name) => byTitle.get(name), d.test);
      await linkerMode(d, encoder, kbLookups);
    }
    if (PART === 'heldout' || PART === 'all') await heldOut(d, encoder, kbLookups);
  } finally {
    await opened.encoder.dispose();
  }
  console.log('');
  console.log(`Total ${secs(performance.now() - t0)} s.`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
