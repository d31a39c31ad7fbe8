/**
 * What linking waits while a model fine-tunes in the editor (issue 12 item 16): the linker worker answers link
 * requests on its own thread while `finetune` runs on the training thread (TwoThreadLinkerClient). Opens a
 * session on wiki11k, writes the elevant training files as an annotation store, starts a fine-tune of it, and
 * meanwhile links a held-out document (its gold spans) and pings the link thread every 250 ms; the same requests with nothing
 * else running are the baseline. Before the second thread, a link request sent during a fine-tune waited for
 * the whole fine-tune (its duration is printed).
 *
 *   node out/bench/trainingLatency.js [--epochs=2]
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { headerFor, serializeAnnotationFile, type AnnotationRecord } from '../src/core/annotations/annotationRecord';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import { readGold } from '../src/core/formats/goldFormat';
import { silentLogger } from '../src/core/log';
import { startLinkerClient } from '../src/core/worker/linkerClient';
import { DATA, ROOT, loadKb } from './benchData';

const argv = process.argv.slice(2);
const EPOCHS = Number(argv.find((a) => a.startsWith('--epochs='))?.slice(9) ?? 2);
const TRAIN = ['oke-2015-train', 'oke-2016-train', 'rss-500', 'reuters-128', 'derczynski'];

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`trainingLatency bench: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  const wiki = path.join(DATA, 'wiki11k/Wiki.txt');
  const { kb } = await loadKb(`brat:${wiki}`, 'wiki11k');
  const mapGold = createGoldMapper(kb, { kind: 'title' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'el-latency-'));
  const store = path.join(dir, 'ws');
  mkdirSync(path.join(store, '.entity-links'), { recursive: true });
  let mentions = 0;
  let d = 0;
  for (const name of TRAIN) {
    for (const doc of await readGold(path.join(DATA, 'elevant', `${name}.benchmark.jsonl`), 'elevant')) {
      const file = `d${d++}.txt`;
      const records: AnnotationRecord[] = [];
      doc.mentions.forEach((m, i) => {
        const gold = mapGold(m);
        if (gold.status !== 'in-kb') return;
        records.push({ id: `${file}-${i}`, start: m.start, end: m.end, text: m.text, kbId: gold.ids[0]!, status: 'accepted', candidates: [], annotator: 'bench', time: new Date(0).toISOString(), modelVersion: '', context: { before: '', after: '' } });
      });
      if (records.length === 0) continue;
      mentions += records.length;
      writeFileSync(path.join(store, file), doc.text);
      writeFileSync(path.join(store, '.entity-links', `${file}.jsonl`), serializeAnnotationFile(headerFor(file, doc.text), records));
    }
  }
  // A held-out document linked at its gold spans: encoding, retrieval and ranking of every mention.
  const sampleDoc = (await readGold(path.join(DATA, 'elevant', 'news-fair.benchmark.jsonl'), 'elevant'))[0]!;
  const sample = sampleDoc.text;
  const spans = sampleDoc.mentions.map((m) => ({ start: m.start, end: m.end }));
  const client = await startLinkerClient(path.join(__dirname, '../src/core/worker/linkerWorker.js'), silentLogger);
  try {
    await client.request({ kind: 'open', options: { kbSources: [{ path: wiki, format: 'brat' }], strict: false, packageRoot: ROOT, provider: 'cpu', cacheDir: path.join(ROOT, '.cache/bench/session') } });
    const probe = async (): Promise<{ link: number; ping: number }> => {
      let t = performance.now();
      await client.request({ kind: 'linkSpans', text: sample, spans });
      const link = performance.now() - t;
      t = performance.now();
      await client.request({ kind: 'ping' });
      return { link, ping: performance.now() - t };
    };
    await probe();
    const idle: { link: number; ping: number }[] = [];
    for (let i = 0; i < 10; i++) idle.push(await probe());
    const started = performance.now();
    let done = false;
    const finetune = client.request({ kind: 'finetune', request: { storeRoot: store, outDir: path.join(dir, 'model'), negatives: 'mixed', epochs: EPOCHS, seed: 1 } });
    void finetune.finally(() => (done = true));
    const during: { link: number; ping: number }[] = [];
    while (!done) {
      during.push(await probe());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const summary = await finetune;
    const seconds = (performance.now() - started) / 1000;
    console.log(`# Linking during a fine-tune (bench/trainingLatency.ts)`);
    console.log('');
    console.log(`${new Date().toISOString()}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load average ${os.loadavg()[0]!.toFixed(1)}; wiki11k (${kb.size} entities); fine-tune of ${mentions} accepted mentions (${summary.trainMentions} train, ${summary.devMentions} dev), ${EPOCHS} epochs, ${seconds.toFixed(0)} s in all on the training thread; sample document ${sample.length} characters linked at its ${spans.length} gold spans.`);
    console.log('');
    console.log('| | requests | link p50 ms | link p95 ms | link max ms | ping p50 ms | ping max ms |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, rows] of [['idle', idle], ['during the fine-tune', during]] as const) {
      const link = rows.map((r) => r.link);
      const ping = rows.map((r) => r.ping);
      console.log(`| ${name} | ${rows.length} | ${q(link, 0.5)} | ${q(link, 0.95)} | ${Math.max(...link).toFixed(0)} | ${q(ping, 0.5)} | ${Math.max(...ping).toFixed(1)} |`);
    }
    console.log('');
    console.log(`With one queue (before), a link request sent at the fine-tune's start waited ${seconds.toFixed(0)} s.`);
  } finally {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

function q(xs: readonly number[], p: number): string {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(p === 0.5 ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
