/**
 * The README's main job on the built-in WordNet KB: detect and link names in short texts (as `entity-linker link
 * FILE` does with no --kb), with several ranker weights side by side, and report how confident the right tops are.
 * The editor's Accept All Above Threshold (0.9 default) and Link Selection's accept-at-once (0.7) only act on
 * probabilities that high, so a senses profile that does not read names leaves them idle on the default KB.
 *
 *   node out/bench/wsdNameDemo.js [--seeds-file=.cache/bench/ranker-seeds.json] [--only=previous,names-1,...]
 *                                 [--weights=ranker.json,...] [--each]
 *
 * Rows: the shipped weights (DEFAULT_RANKER_WEIGHTS), each seed of the seeds file bench/trainRanker.ts keeps (the
 * `--only` keys as there: "previous" = the weights shipped before that run, "1", "NAME-1"), and any ranker.json
 * given. Each row links the same texts through the same session (the default KB, its index and name indexes) with
 * the row's weights as the learned state's weights (no memory). The expected top of each mention is listed below
 * (WordNet 3.0 synsets, checked by hand against their glosses); a mention not listed is printed but not scored.
 * Columns: right tops, their mean probability, how many reach the link-selection (0.7) and Accept All (0.9)
 * thresholds, wrong tops at 0.7 or more (what those thresholds would accept wrongly); --each lists every top.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnnotatorMemory } from '../src/core/learning/annotatorMemory';
import { DEFAULT_RANKER_WEIGHTS, parseRankerWeights } from '../src/core/linker/ranker';
import type { RankerWeights } from '../src/core/linker/ranker';
import { silentLogger } from '../src/core/log';
import { defaultCacheDir, openLinkingSession } from '../src/core/session/linkingSession';
import { CACHE, ROOT } from './benchData';

/** README-style texts and the synset each name should get (by surface form). */
const TEXTS: readonly { readonly text: string; readonly expected: Readonly<Record<string, string>> }[] = [
  {
    text: 'In 1969 Neil Armstrong walked on the Moon. The Apollo program was run by NASA in Houston.\n',
    expected: { 'Neil Armstrong': 'wn:10842973-n', Moon: 'wn:09381255-n', 'Apollo program': 'wn:05908228-n', NASA: 'wn:08143272-n', Houston: 'wn:09167588-n' },
  },
  {
    text: 'Charles Darwin sailed on the Beagle to the Galapagos Islands and later wrote about evolution in London.\n',
    expected: { 'Charles Darwin': 'wn:10943065-n', 'Galapagos Islands': 'wn:08795200-n', London: 'wn:08893849-n' },
  },
  {
    text: 'Mozart was born in Salzburg and worked in Vienna, where he met Haydn.\n',
    expected: { Mozart: 'wn:11214345-n', Salzburg: 'wn:08865877-n', Vienna: 'wn:08865316-n', Haydn: 'wn:11055776-n' },
  },
  {
    text: 'The Amazon flows through Brazil into the Atlantic Ocean near the equator.\n',
    expected: { Amazon: 'wn:09218250-n', Brazil: 'wn:08872733-n', 'Atlantic Ocean': 'wn:09232170-n' },
  },
  {
    // Mercury the planet, not the god or the element; the address was given in the town, not the battle.
    text: 'Mercury is the closest planet to the Sun, and Venus is the brightest.\nLincoln gave his famous address at Gettysburg during the Civil War.\n',
    expected: { Mercury: 'wn:09374305-n', Sun: 'wn:09473312-n', Venus: 'wn:09493892-n', Lincoln: 'wn:11152452-n', Gettysburg: 'wn:09158291-n', 'Civil War': 'wn:01304121-n' },
  },
];

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SEEDS_FILE = path.resolve(arg('seeds-file') ?? path.join(CACHE, 'ranker-seeds.json'));
const ONLY = arg('only')?.split(',');
const WEIGHT_FILES = arg('weights')?.split(',') ?? [];
const onlyKey = (w: RankerWeights): string => (w.source ?? '').replace('bench/trainRanker.ts ', '').replace(/^seed /, '').replace(/ seed /, '-');

async function rows(): Promise<{ name: string; weights: RankerWeights }[]> {
  const out = [{ name: 'shipped (DEFAULT_RANKER_WEIGHTS)', weights: DEFAULT_RANKER_WEIGHTS }];
  if (ONLY !== undefined && existsSync(SEEDS_FILE)) {
    const saved = JSON.parse(await readFile(SEEDS_FILE, 'utf8')) as { previous: RankerWeights; trained: RankerWeights[] };
    if (ONLY.includes('previous')) out.push({ name: `shipped before the run (${saved.previous.source ?? '?'})`, weights: saved.previous });
    for (const w of saved.trained) if (ONLY.includes(onlyKey(w))) out.push({ name: onlyKey(w), weights: w });
  }
  for (const f of WEIGHT_FILES) out.push({ name: f, weights: parseRankerWeights(await readFile(f, 'utf8'), f) });
  return out;
}

async function main(): Promise<void> {
  const session = await openLinkingSession({ kbSources: [], strict: true, packageRoot: ROOT, provider: 'cpu', cacheDir: defaultCacheDir(), logger: silentLogger });
  try {
    console.log(`# The README's job on the default KB (bench/wsdNameDemo.ts), ${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}`);
    console.log('');
    console.log('| weights | right tops | mean p of right tops | right >= 0.7 | right >= 0.9 | wrong >= 0.7 | min margin (right) | top p (each mention) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const { name, weights } of await rows()) {
      session.linker.setLearnedState({ version: 1, weights, memory: new AnnotatorMemory().toJSON(), decisions: 0 });
      let right = 0;
      let scored = 0;
      const ps: string[] = [];
      const rightPs: number[] = [];
      let wrongConfident = 0;
      let minMargin = Infinity;
      for (const { text, expected } of TEXTS) {
        for (const m of await session.linker.linkDocument(text, { topK: 5 })) {
          const top = m.candidates[0];
          ps.push(`${m.text} ${top === undefined ? '-' : `${top.title} ${top.probability.toFixed(2)}`}`);
          const want = expected[m.text];
          if (want === undefined) continue;
          scored++;
          if (top?.id === want) {
            right++;
            rightPs.push(top.probability);
            if (Number.isFinite(m.margin)) minMargin = Math.min(minMargin, m.margin);
          } else if ((top?.probability ?? 0) >= 0.7) {
            wrongConfident++;
          }
        }
      }
      const mean = rightPs.reduce((a, b) => a + b, 0) / Math.max(1, rightPs.length);
      const wide = argv.includes('--each') ? ps.join('; ') : '(--each)';
      console.log(`| ${name} | ${right} / ${scored} | ${mean.toFixed(3)} | ${rightPs.filter((p) => p >= 0.7).length} | ${rightPs.filter((p) => p >= 0.9).length} | ${wrongConfident} | ${minMargin.toFixed(2)} | ${wide} |`);
    }
  } finally {
    await session.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
