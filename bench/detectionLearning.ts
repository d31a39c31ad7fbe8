/**
 * Online detection learning in the simulated editor (`entity-linker simulate`, src/core/simulation), variant by
 * variant in one process over the same linker: keys per in-KB gold mention with online learning, where they go
 * (misses linked by hand, rejected false alarms, NIL), and the learning curve, also per form (see
 * `sameFormHalves`). Used to choose the detection learning settings on the oke train files and to report them
 * on the held-out eval files.
 *
 *   node out/bench/detectionLearning.js [--files=oke-2015-train,oke-2016-train] [--variants=plain,refit,memory,scorer]
 *     [--exclude=oke-2015-eval,oke-2016-eval] [--log] [--curve] [--errors] [--lift] [--no-reject-remaining] [--no-accept-remaining] [--no-link-at-caret] [--no-link-selection-moves-on]
 *
 * Variants: plain (no learning), refit (memory reaches the linker at refits only: session 3), memory (the memory
 * at every decision: the default), scorer (memory + the online mention scorer), scorer-shrunk (the same scorer
 * shrunk toward the dictionary's decision until it has seen enough examples; `--prior-n=N`). Each variant runs once per
 * `--conventions=off,N,...` (learned annotation conventions, detection/annotationConventions.ts, off or on with
 * smoothing strength N; default 4) and per `--surnames=off,on` (surnames of full names in the paragraph,
 * mentionDetector.ts; default off), or per `--combos=off:off,4:on,...` (conventions:surnames pairs).
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conventionShape } from '../src/core/detection/annotationConventions';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import { readElevantFile } from '../src/core/formats/elevantReader';
import type { Logger } from '../src/core/log';
import { openLinkingSession } from '../src/core/session/linkingSession';
import { LinkerLearning, type LinkerLearningOptions, simulationLinker } from '../src/core/simulation/linkerSimulation';
import { simulateSession } from '../src/core/simulation/simulateSession';
import { DEFAULT_EDITOR_FLOW, DEFAULT_SIMULATION_OPTIONS, type SessionResult, type SimulatedDecision, type SimulationDocument } from '../src/core/simulation/simulationTypes';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const CACHE = path.join(os.tmpdir(), 'entity-linker-bench-editor');
const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => process.stderr.write(`warn: ${m}\n`), error: (m) => process.stderr.write(`error: ${String(m)}\n`) };

const VARIANTS: Record<string, Partial<LinkerLearningOptions> | undefined> = {
  plain: undefined,
  refit: { memoryAtOnce: false },
  memory: {},
  scorer: { detection: true },
  'scorer-shrunk': { detection: true, detectionDictionaryPrior: Number(arg('prior-n', '50')) },
};

const pct = (x: number | null): string => (x === null ? 'n/a' : (100 * x).toFixed(1));

function row(file: string, variant: string, r: SessionResult, seconds: number): string {
  const o = r.outcomes;
  return [
    file.padEnd(15),
    variant.padEnd(22),
    (r.keystrokes.autoAdvance / r.gold).toFixed(2).padStart(5),
    String(o.linkSelection).padStart(5),
    String(o.reject).padStart(6),
    String(o.nil).padStart(4),
    String(o.accept + o.acceptAll).padStart(5),
    String(o.choose).padStart(4),
    `${pct(r.accuracyFirstHalf)} -> ${pct(r.accuracySecondHalf)}`.padEnd(13),
    `${r.accuracyByBlock.map(pct).join(' ')}`,
    `[${seconds.toFixed(0)} s]`,
  ].join(' | ');
}

/**
 * What the suggestion accuracy of each half is made of (--curve): the share of decisions that reject a false
 * detection, that link a missed mention by hand, the ranking accuracy on detected in-KB mentions (accepted vs
 * chosen), and the accuracy on decisions whose form was decided before in the session vs forms met first.
 */
function curveParts(decisions: readonly SimulatedDecision[]): string {
  const mid = Math.floor(decisions.length / 2);
  const share = (xs: readonly SimulatedDecision[], p: (d: SimulatedDecision) => boolean): string => (xs.length === 0 ? 'n/a' : (100 * xs.filter(p).length / xs.length).toFixed(1));
  const right = (d: SimulatedDecision): boolean => d.action === 'accept' || d.action === 'acceptAll' || (d.action === 'nil' && d.shown.nil);
  const seen = new Set<string>();
  const repeat = decisions.map((d) => {
    const key = d.text.slice(d.start, d.end).toLowerCase();
    const again = seen.has(key);
    seen.add(key);
    return again;
  });
  const parts = [decisions.slice(0, mid), decisions.slice(mid)].map((half, h) => {
    const offset = h === 0 ? 0 : mid;
    const ranked = half.filter((d) => d.action === 'accept' || d.action === 'acceptAll' || d.action === 'choose');
    const again = half.filter((_, i) => repeat[offset + i]);
    const fresh = half.filter((_, i) => !repeat[offset + i]);
    return `${half.length} decisions: accuracy ${share(half, right)}, rejects ${share(half, (d) => d.action === 'reject')}, by hand ${share(half, (d) => d.action === 'linkSelection')}, NIL ${share(half, (d) => d.action === 'nil')}; ranking ${share(ranked, right)} of ${ranked.length}; forms decided before ${share(again, right)} of ${again.length}, new forms ${share(fresh, right)} of ${fresh.length}`;
  });
  return `  1st half: ${parts[0]}\n  2nd half: ${parts[1]}`;
}

/**
 * The wrong suggestions of each half (--errors): each rejected detection, link by hand and wrong NIL, with what
 * the session knew of its form before (linked, rejected or NIL before, or new) and, for a rejection, the KB type of
 * the top candidate and the surface shape (the annotation conventions' key), counted by category.
 */
function errorParts(decisions: readonly SimulatedDecision[], typeOf: (id: string) => string, withdrawn?: (d: SimulatedDecision) => boolean): string {
  const mid = Math.floor(decisions.length / 2);
  const history = new Map<string, Set<string>>();
  const tags = decisions.map((d) => {
    const form = d.text.slice(d.start, d.end);
    const key = form.toLowerCase();
    const seen = [...(history.get(key) ?? [])].sort().join('+') || 'new';
    const set = history.get(key) ?? new Set<string>();
    set.add(d.action === 'reject' ? 'rejected' : d.action === 'nil' ? 'nil' : 'linked');
    history.set(key, set);
    if (d.action === 'reject') return `reject ${seen} ${typeOf(d.shown.candidates[0]?.id ?? '')}/${conventionShape(form, d.shown.partOfName === true)}: ${form}`;
    if (d.action === 'linkSelection') return `by hand ${seen}${withdrawn?.(d) === true ? ' (kind withdrawn)' : ''}: ${form}`;
    if (d.action === 'nil' && !d.shown.nil) return `nil shown ${seen}: ${form}`;
    if (d.action === 'choose') return `choose ${seen}: ${form}`;
    return undefined;
  });
  return [tags.slice(0, mid), tags.slice(mid)].map((half, h) => {
    const groups = new Map<string, string[]>();
    for (const t of half) {
      if (t === undefined) continue;
      const [head, form] = t.split(': ');
      groups.set(head, [...(groups.get(head) ?? []), form]);
    }
    const lines = [...groups].sort((a, b) => b[1].length - a[1].length).map(([head, forms]) => `    ${String(forms.length).padStart(3)} ${head}: ${forms.join(' | ')}`);
    return `  ${h === 0 ? '1st' : '2nd'} half errors (${half.filter((t) => t !== undefined).length} of ${half.length}):\n${lines.join('\n')}`;
  }).join('\n');
}

/**
 * The learning curve on the same documents (--lift): suggestion accuracy over the decisions made in the first and
 * the second half of the session's documents, with learning and without (the plain variant), and the lift. The
 * issue's halves split the decisions by count, so with and without learning they cover different documents, and
 * the documents of the second half may be harder or easier: the lift per half is what learning adds on the same
 * documents, and its growth from the first half to the second is how much faster it acts later in the session.
 */
function liftByDocumentHalf(docIds: readonly string[], withLearning: readonly SimulatedDecision[], without: readonly SimulatedDecision[]): string {
  const index = new Map(docIds.map((id, i) => [id, i]));
  const mid = Math.floor(docIds.length / 2);
  const right = (d: SimulatedDecision): boolean => d.action === 'accept' || d.action === 'acceptAll' || (d.action === 'nil' && d.shown.nil);
  const share = (ds: readonly SimulatedDecision[], second: boolean): number => {
    const half = ds.filter((d) => ((index.get(d.documentId) ?? 0) >= mid) === second);
    return half.length === 0 ? NaN : (100 * half.filter(right).length) / half.length;
  };
  const [w1, w2, p1, p2] = [share(withLearning, false), share(withLearning, true), share(without, false), share(without, true)];
  const f = (x: number): string => x.toFixed(1);
  return `documents 1st half ${f(w1)} (without learning ${f(p1)}, lift ${f(w1 - p1)}), 2nd half ${f(w2)} (${f(p2)}, lift ${f(w2 - p2)}); lift grows by ${f(w2 - p2 - (w1 - p1))}`;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'wiki11k/Wiki.txt'))) {
    console.log(`SKIPPED: ${DATA} is missing (the bench reads wiki11k and elevant from ../shared/data).`);
    return;
  }
  const files = arg('files', 'oke-2015-train,oke-2016-train').split(',');
  const variants = arg('variants', 'plain,refit,memory,scorer').split(',');
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`unknown variant ${v}; one of ${Object.keys(VARIANTS).join(', ')}`);
  console.log(`detectionLearning bench, ${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.versions.node}`);
  const session = await openLinkingSession({ kbSources: [{ path: path.join(DATA, 'wiki11k/Wiki.txt'), format: 'brat' }], packageRoot: ROOT, provider: 'cpu', cacheDir: CACHE, logger: quiet });
  try {
    const mapGold = createGoldMapper(session.kb, { kind: 'title' });
    const linker = simulationLinker(session.linker, session.kb, 5);
    // --no-reject-remaining, --no-accept-remaining, --no-link-selection-moves-on: the flow without Reject / Accept Remaining / Link Selection and Move On (EditorFlow).
    const flow = { ...DEFAULT_EDITOR_FLOW, rejectRemaining: !process.argv.includes('--no-reject-remaining'), linkSelectionMovesOn: !process.argv.includes('--no-link-selection-moves-on'), acceptRemaining: !process.argv.includes('--no-accept-remaining'), linkAtCaret: !process.argv.includes('--no-link-at-caret') };
    const options = { ...DEFAULT_SIMULATION_OPTIONS, retrainEvery: 10, flow };
    console.log('file            | variant        | keys  | miss | false | NIL | acc  | chose | accuracy 1st -> 2nd half | blocks of 50');
    // --exclude=F,G: leave out documents whose text is in those files (oke-2016-train holds 88 oke-2015-eval documents).
    // A file's own documents are never left out (scoring oke-2015-eval with --exclude=oke-2015-eval,... keeps them).
    const excludedBy = await Promise.all(arg('exclude', '').split(',').filter(Boolean).map(async (f) => ({ f, texts: (await readElevantFile(path.join(DATA, `elevant/${f}.benchmark.jsonl`))).map((d) => d.text) })));
    for (const file of files) {
      const excluded = new Set(excludedBy.filter((e) => e.f !== file).flatMap((e) => e.texts));
      const docs = (await readElevantFile(path.join(DATA, `elevant/${file}.benchmark.jsonl`))).filter((d) => !excluded.has(d.text));
      const sim: SimulationDocument[] = docs.map((d) => ({ id: d.id, text: d.text, mentions: d.mentions.map((m) => ({ start: m.start, end: m.end, gold: mapGold(m), optional: m.optional })) }));
      const combos = arg('combos', '').split(',').filter(Boolean).map((c) => c.split(':'));
      const settings = combos.length > 0 ? combos : arg('conventions', '4').split(',').flatMap((c) => arg('surnames', 'off').split(',').map((n) => [c, n]));
      const plainDecisions = new Map<string, SimulatedDecision[]>();
      for (const v of variants) for (const [conv, surnames] of settings) {
        const t = performance.now();
        session.linker.setConventions(undefined, conv === 'off' ? { learn: false } : { strength: Number(conv) });
        session.linker.detector.surnames = surnames !== 'off';
        const o = VARIANTS[v];
        const inner = o === undefined ? undefined : new LinkerLearning(session.linker, o);
        LinkerLearning.reset(session.linker);
        const log = new Map<string, string[]>();
        const decisions: SimulatedDecision[] = [];
        // Every decision is recorded (the learning curve's parts, below); --log prints them by action with their forms.
        // Whether the conventions withdrew the kind (KB type of the gold entity, shape) when a mention was linked by hand.
        const withdrawnAt = new Set<SimulatedDecision>();
        const recorder = (d: SimulatedDecision): void => {
          decisions.push(d);
          const conventions = session.linker.conventions;
          if (d.action === 'linkSelection' && d.kbId !== null && conventions !== undefined && conventions.size > 0 && !conventions.keeps(session.kb.get(d.kbId)?.type ?? '', conventionShape(d.text.slice(d.start, d.end)))) withdrawnAt.add(d);
          const list = log.get(d.action) ?? [];
          list.push(d.text.slice(d.start, d.end));
          log.set(d.action, list);
        };
        const r = await simulateSession(sim, linker, inner, { ...options, onDecision: recorder });
        if (process.argv.includes('--log')) for (const [action, forms] of log) if (action !== 'accept') console.log(`  ${action} (${forms.length}): ${forms.join(' | ')}`);
        if (process.argv.includes('--curve')) console.log(curveParts(decisions));
        if (process.argv.includes('--errors')) console.log(errorParts(decisions, (id) => session.kb.get(id)?.type ?? '-', (d) => withdrawnAt.has(d)));
        LinkerLearning.reset(session.linker);
        console.log(row(file, `${v} c${conv} s${surnames}`, r, (performance.now() - t) / 1000));
        // --lift (list plain first): each learning variant against the plain session of the same settings.
        if (v === 'plain') plainDecisions.set(`${conv}:${surnames}`, decisions);
        else if (process.argv.includes('--lift') && plainDecisions.has(`${conv}:${surnames}`)) console.log(`  ${liftByDocumentHalf(sim.map((d) => d.id), decisions, plainDecisions.get(`${conv}:${surnames}`) ?? [])}`);
        session.linker.setConventions(undefined);
        session.linker.detector.surnames = false;
      }
    }
  } finally {
    await session.dispose();
  }
}

void main();
