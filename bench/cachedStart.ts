/**
 * A cached start, as a whole process: `entity-linker link FILE` on a warm cache (KB snapshot, name index snapshots,
 * vector index), and the linker worker's 'open' then first 'linkDocument' (what the editor waits for before its first
 * decorations), each in a fresh process, this build against an older one run alternately in the same session.
 *
 *   node out/bench/cachedStart.js --old /tmp/el-old [--runs 5] [--kb SRC] [--file FILE] [--cache DIR]
 *
 * `--old` is a checkout of the previous code built with `npm run build` (its dist/ is run; node_modules and
 * models/ may be links to this one's). Without `--kb` both use the built-in WordNet KB and the default cache
 * folder, which must already hold its vector index (`entity-linker index` once). Each variant runs once unmeasured
 * first (so this build has written its snapshots), then `--runs` times each, alternating. Wall and CPU time
 * (user + sys, from /usr/bin/time) are reported as medians; on a shared machine CPU time is the steadier figure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const DEFAULT_TEXT = `Ralph Waldo Emerson was born in Boston in 1803. He studied at Harvard College and later travelled to Europe,
where he met Thomas Carlyle in Scotland and William Wordsworth in England. Back in Concord, Massachusetts, he
wrote essays on nature and self-reliance, and his lectures drew crowds from New York to Chicago. Henry David
Thoreau built a cabin on Emerson's land at Walden Pond. The Civil War divided the country; Emerson supported
Abraham Lincoln and the abolition of slavery. He died in Concord in 1882, and the Transcendentalist movement he
led influenced Walt Whitman, Emily Dickinson and the philosophy of William James.
`;

interface Args {
  readonly old: string;
  readonly runs: number;
  readonly kb?: string;
  readonly file: string;
  readonly cache?: string;
}

function parseArgs(): Args {
  const argv = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const old = value('old');
  if (old === undefined || !existsSync(path.join(old, 'dist/cli.js'))) {
    console.error('cachedStart: --old DIR must name a built checkout of the previous code (DIR/dist/cli.js).');
    process.exit(1);
  }
  let file = value('file');
  if (file === undefined) {
    file = path.join(mkdtempSync(path.join(os.tmpdir(), 'el-start-')), 'emerson.txt');
    writeFileSync(file, DEFAULT_TEXT);
  }
  return { old: path.resolve(old), runs: Number(value('runs') ?? 5), kb: value('kb'), file, cache: value('cache') };
}

interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMiB: number;
  /** For the worker: ms from `new Worker` to the open's answer and to the first link's. */
  readonly openMs?: number;
  readonly firstLinkMs?: number;
}

function timed(argv: readonly string[], cwd: string): Sample & { stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '@@time %e %U %S %M', ...argv], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('@@time '));
  if (r.status !== 0 || line === undefined) throw new Error(`${argv.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKiB] = line.slice(7).split(' ').map(Number);
  return { wall: wall * 1000, cpu: (user + sys) * 1000, rssMiB: rssKiB / 1024, stdout: r.stdout };
}

function cliRun(root: string, args: Args): Sample {
  const argv = ['node', path.join(root, 'dist/cli.js'), 'link', args.file, ...(args.kb === undefined ? [] : ['--kb', args.kb]), ...(args.cache === undefined ? [] : ['--cache', args.cache])];
  return timed(argv, root);
}

/** A driver in its own process: starts the worker, opens the session, links the file, prints the two times. */
function workerRun(root: string, args: Args): Sample {
  const cacheDir = args.cache ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'entity-linker');
  const options = { packageRoot: root, provider: 'cpu', cacheDir, ...(args.kb === undefined ? {} : { kbSources: [parseKb(args.kb)] }) };
  const driver = `
    const { Worker } = require('node:worker_threads');
    const text = require('node:fs').readFileSync(${JSON.stringify(args.file)}, 'utf8');
    const t0 = performance.now();
    const w = new Worker(${JSON.stringify(path.join(root, 'dist/linkerWorker.js'))});
    let openMs;
    w.on('message', (m) => {
      if (m.kind !== 'response') return;
      if (!m.ok) { console.error(JSON.stringify(m.error)); process.exit(2); }
      if (m.id === 1) { openMs = performance.now() - t0; w.postMessage({ id: 2, kind: 'linkDocument', text }); }
      else { console.log(JSON.stringify({ openMs, firstLinkMs: performance.now() - t0, mentions: m.result.length })); process.exit(0); }
    });
    w.postMessage({ id: 1, kind: 'open', options: ${JSON.stringify(options)} });`;
  const r = timed(['node', '-e', driver], root);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { openMs: number; firstLinkMs: number; mentions: number };
  return { ...r, openMs: out.openMs, firstLinkMs: out.firstLinkMs };
}

function parseKb(spec: string): { path: string; format?: string } {
  const m = /^([a-z-]+):(.+)$/.exec(spec);
  return m === null ? { path: spec } : { format: m[1], path: m[2] };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' ');
}

function main(): void {
  const args = parseArgs();
  const variants = [
    { name: 'previous', root: args.old },
    { name: 'this build', root: ROOT },
  ];
  console.log(`cachedStart: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}, KB ${args.kb ?? 'WordNet (default)'}, ${args.runs} runs; load average ${loadAverage()}`);
  const kinds = [
    { name: 'CLI link FILE', run: cliRun },
    { name: "worker 'open' + first link", run: workerRun },
  ];
  for (const kind of kinds) {
    for (const v of variants) kind.run(v.root, args); // warm-up: page cache, and this build's snapshots
    const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
    for (let i = 0; i < args.runs; i++) {
      for (const v of variants) samples.get(v.name)!.push(kind.run(v.root, args));
    }
    console.log(`\n${kind.name} (medians of ${args.runs}; load average now ${loadAverage()})`);
    console.log('| code | wall | CPU (user+sys) | peak RSS | open | open + first link |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const row = (name: string): { wall: number; cpu: number } => {
      const s = samples.get(name)!;
      const m = { wall: median(s.map((x) => x.wall)), cpu: median(s.map((x) => x.cpu)), rss: median(s.map((x) => x.rssMiB)) };
      const open = s[0].openMs === undefined ? '' : `${median(s.map((x) => x.openMs!)).toFixed(0)} ms`;
      const first = s[0].firstLinkMs === undefined ? '' : `${median(s.map((x) => x.firstLinkMs!)).toFixed(0)} ms`;
      console.log(`| ${name} | ${m.wall.toFixed(0)} ms | ${m.cpu.toFixed(0)} ms | ${m.rss.toFixed(0)} MiB | ${open} | ${first} |`);
      return m;
    };
    const before = row('previous');
    const after = row('this build');
    console.log(`| **ratio** | **${(before.wall / after.wall).toFixed(2)}x** | **${(before.cpu / after.cpu).toFixed(2)}x** | | | |`);
    if (kind.name.startsWith('worker')) {
      const s = samples.get('previous')!;
      const t = samples.get('this build')!;
      console.log(`open: ${(median(s.map((x) => x.openMs!)) / median(t.map((x) => x.openMs!))).toFixed(2)}x; open + first link: ${(median(s.map((x) => x.firstLinkMs!)) / median(t.map((x) => x.firstLinkMs!))).toFixed(2)}x`);
    }
  }
}

main();
