/**
 * Keys of `entity-linker simulate` (with online learning, as the CLI runs it) per editor flow variant, in one process
 * over the same linker, with where they go (KeyBreakdown): to choose a flow feature on the training files before
 * running it once on the held-out eval files.
 *
 *   node out/bench/simulateFlows.js [--files=oke-2015-train,oke-2016-train,reuters-128,rss-500] [--variants=default,possible-names]
 *
 * Training files are made leak-free against both oke eval files (leakFreeTraining.ts: oke-2016-train holds 88 of
 * the 101 oke-2015-eval documents); an eval file (oke-2015-eval, oke-2016-eval) is read whole, as `simulate` reads it.
 * Variants: default (DEFAULT_EDITOR_FLOW, the editor as it ships), possible-names (Next / Previous Possible Name besides
 * Possible Mention: EditorFlow.possibleNames; the default since the editor has them), no-possible-names (without them).
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import { readElevantFile } from '../src/core/formats/elevantReader';
import type { Logger } from '../src/core/log';
import { openLinkingSession } from '../src/core/session/linkingSession';
import { LinkerLearning, simulationLinker } from '../src/core/simulation/linkerSimulation';
import { simulateSession } from '../src/core/simulation/simulateSession';
import { DEFAULT_EDITOR_FLOW, DEFAULT_SIMULATION_OPTIONS, type EditorFlow, type SimulationDocument } from '../src/core/simulation/simulationTypes';
import { describeLeakFree, leakFreeTraining } from '../src/core/training/leakFreeTraining';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const CACHE = path.join(os.tmpdir(), 'entity-linker-bench-editor');
const EVAL_FILES = ['oke-2015-eval', 'oke-2016-eval'];
const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => process.stderr.write(`warn: ${m}\n`), error: (m) => process.stderr.write(`error: ${String(m)}\n`) };

const VARIANTS: Record<string, EditorFlow> = {
  default: DEFAULT_EDITOR_FLOW,
  'possible-names': { ...DEFAULT_EDITOR_FLOW, possibleNames: true },
  'no-possible-names': { ...DEFAULT_EDITOR_FLOW, possibleNames: false },
};

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'wiki11k/Wiki.txt'))) {
    console.log(`SKIPPED: ${DATA} is missing (the bench reads wiki11k and elevant from ../shared/data).`);
    return;
  }
  const files = arg('files', 'oke-2015-train,oke-2016-train,reuters-128,rss-500').split(',');
  const variants = arg('variants', Object.keys(VARIANTS).join(',')).split(',');
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`unknown variant ${v}; one of ${Object.keys(VARIANTS).join(', ')}`);
  console.log(`simulateFlows bench, ${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.versions.node}`);
  const read = (f: string) => readElevantFile(path.join(DATA, `elevant/${f}.benchmark.jsonl`));
  const held = (await Promise.all(EVAL_FILES.map(read))).flat();
  const session = await openLinkingSession({ kbSources: [{ path: path.join(DATA, 'wiki11k/Wiki.txt'), format: 'brat' }], packageRoot: ROOT, provider: 'cpu', cacheDir: CACHE, logger: quiet });
  try {
    const mapGold = createGoldMapper(session.kb, { kind: 'title' });
    const linker = simulationLinker(session.linker, session.kb, 5);
    const totals = new Map<string, number>();
    for (const file of files) {
      const all = await read(file);
      const leakFree = EVAL_FILES.includes(file) ? undefined : leakFreeTraining(all, held);
      if (leakFree !== undefined) console.log(describeLeakFree(file, leakFree));
      const docs = leakFree?.train ?? all;
      const sim: SimulationDocument[] = docs.map((d) => ({ id: d.id, text: d.text, mentions: d.mentions.map((m) => ({ start: m.start, end: m.end, gold: mapGold(m), optional: m.optional })) }));
      for (const v of variants) {
        const learner = new LinkerLearning(session.linker);
        try {
          const r = await simulateSession(sim, linker, learner, { ...DEFAULT_SIMULATION_OPTIONS, flow: VARIANTS[v] });
          const keys = r.keystrokes.autoAdvance;
          totals.set(v, (totals.get(v) ?? 0) + keys);
          const parts = Object.entries(r.keys).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
          console.log(`${file.padEnd(15)} ${v.padEnd(14)} ${String(keys).padStart(5)} keys / ${r.gold} in-KB gold = ${(keys / r.gold).toFixed(2)} (${parts}; by hand ${r.outcomes.linkSelection})`);
        } finally {
          LinkerLearning.reset(session.linker);
        }
      }
    }
    console.log(`total: ${[...totals].map(([v, k]) => `${v} ${k}`).join(', ')}`);
  } finally {
    await session.dispose();
  }
}

void main();
