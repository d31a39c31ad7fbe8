/**
 * Coreference (src/core/coreference): pronoun golds linked to their antecedent's entity.
 *
 *   node out/bench/coreference.js [--part=train|heldout|cv|all|counts]
 *
 * train: the options are chosen here, on oke-2015-train + oke-2016-train only, less the training documents whose
 *   text is a held-out document's and repeated texts (leakFreeTraining). (a) "annotator" mode: every other
 *   gold label of the document is a decision (its Wikidata id; person = elevant's type Q5/Q215627, or the
 *   wiki11k entity's traits where the title maps), so the resolver is scored on all 89 training pronouns,
 *   not only the few whose entity wiki11k holds; (b) the linker's own predictions as antecedents (gold spans,
 *   wiki11k), in-KB pronoun golds.
 * heldout: the 7 held-out elevant files pooled (bench/rankerDomains.ts split), gold spans, 64 candidates, in-KB
 *   accuracy with coreference off and on through the Linker, in one run; variants (he/she only, no definite
 *   descriptions, no gender evidence, cataphora) re-resolve the off run's predictions; accuracy on the pronoun
 *   golds alone; how many pronoun golds have an antecedent in their document at all.
 * cv: file-level cross-validation of the options, it/its/they and definite descriptions included (the leak-free
 *   training files hold no such gold): one linker run with coreference off over the training documents and the
 *   7 held-out files, every option of cvGrid() re-resolves it; for each held-out file the option is chosen on the
 *   training documents + the 6 other files and measured on that file alone, by two criteria over the anaphor gold
 *   spans (pronouns, definite descriptions): the in-KB ones right (ties: the next), and the spans right in the
 *   unnormalised sense (an in-KB gold first and not NIL, any other gold NIL); ties keep the earlier option, the
 *   previous default first. Per file and pooled: coreference off, he/she, pronouns, pronouns + descriptions, each
 *   criterion's fold choice; then the option chosen on all of them.
 * counts (also printed by cv): nominal anaphora ("the company") among the golds per unit; no linking.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { coreferenceKb } from '../src/core/coreference/entityTraits';
import type { CoreferenceKb, EntityTraits } from '../src/core/coreference/entityTraits';
import { linkPronouns } from '../src/core/coreference/pronounLinking';
import { ALL_PRONOUN_CLASSES, PERSON_CLASSES, nominalOf, pronounOf } from '../src/core/coreference/pronouns';
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
const ALL_CLASSES = ALL_PRONOUN_CLASSES;
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
  await variant('on, he/she only (the previous default)', { ...dflt, classes: PERSON_CLASSES });
  await variant('on, pronouns only (no definite descriptions)', { ...dflt, classes: ALL_PRONOUN_CLASSES });
  await variant('on, without gender evidence', { ...dflt, gender: false });
  await variant('on, without cataphora', { ...dflt, cataphora: 0 });
}

// ------------------------------------------------------------------------------------------- cross-validation

/** One option changed at a time from the default, for each set of pronoun classes; the shipped default first. */
function cvGrid(): { name: string; options: CoreferenceOptions | undefined }[] {
  const d = DEFAULT_COREFERENCE_OPTIONS;
  const classSets: [string, readonly PronounClass[]][] = [['he/she', ['male', 'female']], ['he/she/it', ['male', 'female', 'neuter']], ['he/she/it/they', ALL_CLASSES], ['he/she/it/they + nominal', [...ALL_CLASSES, 'nominal']]];
  const changes: [string, Partial<CoreferenceOptions>][] = [
    ['', {}],
    [', subject x1', { subjectWeight: 1 }],
    [', subject x2', { subjectWeight: 2 }],
    [', cataphora 0', { cataphora: 0 }],
    [', cataphora 1', { cataphora: 1 }],
    [', decay 0.7', { decay: 0.7 }],
    [', window 1', { window: 1 }],
    [', window 5', { window: 5 }],
    [', min person 0.2', { minPerson: 0.2 }],
    [', min confidence 0.4', { minConfidence: 0.4 }],
    [', no gender evidence', { gender: false }],
  ];
  const out: { name: string; options: CoreferenceOptions | undefined }[] = [];
  for (const [cn, classes] of classSets) for (const [name, change] of changes) out.push({ name: `${cn}${name}`, options: { ...d, ...change, classes } });
  out.push({ name: 'off', options: undefined });
  return out;
}

/** Counts of one option on one unit (the training documents or one held-out file). */
interface UnitCounts {
  mentions: number;
  inKb: number;
  inKbRight: number;
  overallRight: number;
  pronouns: number;
  /** Pronoun gold spans right: an in-KB gold first and not NIL, any other gold NIL. */
  pronounsRight: number;
  pronounsInKb: number;
  pronounsInKbRight: number;
  /** Of the anaphors counted as pronouns above: the definite descriptions ("the company") in KB, and right. */
  nominalsInKb: number;
  nominalsInKbRight: number;
}

function unitCounts(docs: readonly GoldDocument[], mapGold: GoldMapper, records: ReadonlyMap<string, LinkedMention[]>): UnitCounts {
  const c: UnitCounts = { mentions: 0, inKb: 0, inKbRight: 0, overallRight: 0, pronouns: 0, pronounsRight: 0, pronounsInKb: 0, pronounsInKbRight: 0, nominalsInKb: 0, nominalsInKbRight: 0 };
  for (const doc of docs) {
    const linked = records.get(doc.text) ?? [];
    for (const m of doc.mentions) {
      const g = mapGold(m);
      const l = linked.find((x) => x.start === m.start && x.end === m.end);
      const top = l === undefined || l.nil ? undefined : l.candidates[0]?.id;
      const first = l?.candidates[0]?.id;
      const inKb = g.status === 'in-kb';
      const right = inKb ? top !== undefined && g.ids.includes(top) : top === undefined;
      c.mentions++;
      if (right) c.overallRight++;
      if (inKb) {
        c.inKb++;
        if (first !== undefined && g.ids.includes(first)) c.inKbRight++;
      }
      const nominal = nominalOf(m.text) !== undefined;
      if (pronounOf(m.text) === undefined && !nominal) continue;
      c.pronouns++;
      if (right) c.pronounsRight++;
      if (inKb) {
        const firstRight = first !== undefined && g.ids.includes(first);
        c.pronounsInKb++;
        if (firstRight) c.pronounsInKbRight++;
        if (nominal) c.nominalsInKb++;
        if (nominal && firstRight) c.nominalsInKbRight++;
      }
    }
  }
  return c;
}

function addCounts(a: UnitCounts, b: UnitCounts): UnitCounts {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof UnitCounts)[]) out[k] += b[k];
  return out;
}

/**
 * How many gold mentions are nominal anaphora per unit: definite descriptions with an entity; of those, with an
 * earlier gold mention of the same entity (an antecedent); in the KB; in the KB with an earlier in-KB mention.
 * Beside them, bare lower-case golds ("company", OKE's convention: the class, Q783794) with an earlier gold
 * mention of the same id.
 */
function nominalCounts(units: ReadonlyMap<string, readonly GoldDocument[]>, mapGold: GoldMapper): void {
  console.log('');
  console.log('Nominal anaphora among the golds (definite descriptions: "the|this|that|these|those" + lower-case words):');
  console.log('');
  console.log('| unit | definite descriptions with an entity | with an earlier gold mention of it | in KB | in KB with an earlier in-KB mention | bare lower-case golds with an earlier mention of the same id |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [unit, docs] of units) {
    const c = [0, 0, 0, 0, 0];
    for (const doc of docs) {
      const ms = [...doc.mentions].sort((a, b) => a.start - b.start);
      ms.forEach((m, i) => {
        if (m.goldIds.length === 0 || pronounOf(m.text) !== undefined) return;
        const earlier = ms.slice(0, i).filter((o) => o.goldIds.some((id) => m.goldIds.includes(id)));
        if (nominalOf(m.text) === undefined) {
          if (/^\p{Ll}/u.test(m.text) && earlier.length > 0) c[4]++;
          return;
        }
        c[0]++;
        if (earlier.length > 0) c[1]++;
        const g = mapGold(m);
        if (g.status !== 'in-kb') return;
        c[2]++;
        if (ms.slice(0, i).some((o) => mapGold(o).ids.some((id) => g.ids.includes(id)))) c[3]++;
      });
    }
    console.log(`| ${unit} | ${c.join(' | ')} |`);
  }
}

/** The leak-free training documents as one unit, then each held-out file. */
function unitsOf(d: Domain): Map<string, GoldDocument[]> {
  const units = new Map<string, GoldDocument[]>([['training', [...d.train]]]);
  for (const doc of d.test) {
    const key = doc.collection ?? '?';
    units.set(key, [...(units.get(key) ?? []), doc]);
  }
  return units;
}

async function crossValidation(d: Domain, encoder: MemoEncoder, kbLookups: CoreferenceKb): Promise<void> {
  console.log('');
  console.log('## File-level cross-validation: options chosen on the training documents + the other held-out files');
  console.log('');
  const units = unitsOf(d);
  const files = [...units.keys()].filter((k) => k !== 'training');
  nominalCounts(units, d.mapGold);
  console.log('');
  const base = new RecordingLinker(new Linker({ kb: d.kb, encoder, ...d.init, options: { ...POOL, coreference: { link: false } } }));
  const t0 = performance.now();
  await evaluate({ docs: [...d.train, ...d.test], linker: base, mapGold: d.mapGold, topK: 64, skipInvalid: true });
  console.log(`Linked ${d.train.length} training + ${d.test.length} held-out documents with coreference off in ${secs(performance.now() - t0)} s.`);
  const variants = cvGrid();
  // counts[variant][unit]
  const counts: Map<string, UnitCounts>[] = [];
  for (const v of variants) {
    const options = v.options;
    const l = options === undefined ? base : new RecordingLinker(replay(base), (text, linked) => linkPronouns(text, { linked, dropUnresolved: false, ...kbLookups, options }));
    if (options !== undefined) await evaluate({ docs: [...d.train, ...d.test], linker: l, mapGold: d.mapGold, topK: 64, skipInvalid: true });
    counts.push(new Map([...units].map(([u, docs]) => [u, unitCounts(docs, d.mapGold, l.byText)])));
  }
  // Two criteria: the in-KB anaphor golds right (the target's numerator; ties: the spans right), and the anaphor
  // gold spans right in the unnormalised sense (which the out-of-KB pronoun golds dominate: it favours NIL).
  const criteria: { name: string; score: (c: UnitCounts) => number }[] = [
    { name: 'in-KB anaphor golds right', score: (c) => c.pronounsInKbRight * 100000 + c.pronounsRight },
    { name: 'anaphor gold spans right (unnormalised)', score: (c) => c.pronounsRight },
  ];
  const choose = (score: (c: UnitCounts) => number, leaveOut: string | undefined): number => {
    let best = 0;
    let bestScore = -1;
    variants.forEach((_, i) => {
      let sum = 0;
      for (const [u, c] of counts[i]) if (u !== leaveOut) sum += score(c);
      if (sum > bestScore) {
        best = i;
        bestScore = sum;
      }
    });
    return best;
  };
  const index = (name: string): number => variants.findIndex((v) => v.name === name);
  const fixed = [index('off'), index('he/she'), index('he/she/it/they'), index('he/she/it/they + nominal')];
  const cell = (c: UnitCounts): string => `${pct(c.inKbRight / c.inKb)} (${c.inKbRight}/${c.inKb}); ${c.pronounsInKbRight}/${c.pronounsInKb}; ${c.nominalsInKbRight}/${c.nominalsInKb}; ${c.pronounsRight}/${c.pronouns}`;
  console.log('Per held-out file: in-KB accuracy (right/in KB); anaphor golds (pronouns and definite descriptions) in KB right; of them definite descriptions in KB right; anaphor gold spans right (in-KB first and not NIL; others NIL).');
  console.log('');
  console.log(`| file | off | he/she (previous default) | he/she/it/they | he/she/it/they + nominal | ${criteria.map((c) => `chosen on the other files by ${c.name}`).join(' | ')} |`);
  console.log(`|---|---|---|---|---|${criteria.map(() => '---|').join('')}`);
  const zero = unitCounts([], d.mapGold, new Map());
  const pooled = [...fixed, ...criteria].map(() => zero);
  for (const f of files) {
    const chosen = criteria.map((c) => choose(c.score, f));
    const row = [...fixed, ...chosen].map((i) => counts[i].get(f) ?? zero);
    row.forEach((c, k) => { pooled[k] = addCounts(pooled[k], c); });
    console.log(`| ${f} | ${row.map(cell).join(' | ')} |`);
    console.log(`|  (fold's choices) | | | | | ${chosen.map((i) => variants[i].name).join(' | ')} |`);
  }
  console.log(`| **pooled** | ${pooled.map(cell).join(' | ')} |`);
  console.log('');
  console.log(`Unnormalised accuracy pooled (all ${pooled[0].mentions} mentions): ${pooled.map((c) => pct(c.overallRight / c.mentions)).join(' / ')}.`);
  for (const c of criteria) console.log(`Chosen on the training documents and all 7 files by ${c.name}: **${variants[choose(c.score, undefined)].name}**.`);
  console.log('');
  console.log('| option | anaphor gold spans right, all units | training alone | in-KB anaphor golds right, all units | of them definite descriptions |');
  console.log('|---|---:|---:|---:|---:|');
  variants.forEach((v, i) => {
    const sum = [...counts[i].values()].reduce(addCounts, zero);
    const tr = counts[i].get('training') ?? zero;
    console.log(`| ${v.name} | ${sum.pronounsRight}/${sum.pronouns} | ${tr.pronounsRight}/${tr.pronouns} | ${sum.pronounsInKbRight}/${sum.pronounsInKb} | ${sum.nominalsInKbRight}/${sum.nominalsInKb} |`);
  });
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
    if (PART === 'cv' || PART === 'all') await crossValidation(d, encoder, kbLookups);
    if (PART === 'counts') nominalCounts(unitsOf(d), d.mapGold);
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
