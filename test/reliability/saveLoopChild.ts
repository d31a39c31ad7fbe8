import { createHash } from 'node:crypto';
import { headerFor, serializeAnnotationFile } from '../../src/core/annotations/annotationRecord';
import { AnnotationStore } from '../../src/core/annotations/annotationStore';

/**
 * The process the kill test shoots: it opens the store, then loops forever applying one random annotation action
 * and saving. Before each save it prints `saving <sha256>` of the exact bytes that save will write, and after the
 * save resolves `ack <n> <sha256>`; stdout is a pipe, which Node writes synchronously on POSIX, so a printed ack
 * is one the parent sees even when the kill comes right after it.
 *   node saveLoopChild.js <workspaceRoot> <seed>
 */

export const KILL_TEST_TEXT = Array.from({ length: 40 }, (_, i) => `Sentence ${i} names Ada Lovelace, Babbage and London in turn.`).join(' ');
export const KILL_TEST_DOC = 'corpus/doc.txt';

async function main(): Promise<void> {
  const [root, seedArg] = process.argv.slice(2);
  let seed = Number(seedArg) >>> 0 || 1;
  const random = (): number => {
    // xorshift32: a seeded generator so a failing trial can be replayed.
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed / 0x100000000;
  };
  const store = new AnnotationStore({ workspaceRoot: root, annotator: `child-${process.pid}` });
  const doc = await store.open(KILL_TEST_DOC, KILL_TEST_TEXT);
  const digest = (): string => {
    const { text, records } = doc.snapshotForSave();
    return createHash('sha256').update(serializeAnnotationFile(headerFor(doc.document, text), records), 'utf8').digest('hex');
  };
  process.stdout.write(`opened ${doc.records.length} ${digest()}\n`);
  for (let n = 1; ; n++) {
    const ids = doc.records.map((r) => r.id);
    const pick = (): string => ids[Math.floor(random() * ids.length)];
    const roll = random();
    if (ids.length < 5 || (roll < 0.3 && ids.length < 60)) {
      const start = Math.floor(random() * (KILL_TEST_TEXT.length - 20));
      doc.add({ start, end: start + 1 + Math.floor(random() * 15), candidates: [{ id: `Q${n}`, title: `Entity ${n}`, score: random() }], modelVersion: 'kill-test' });
    } else if (roll < 0.45) {
      doc.accept(pick(), undefined);
    } else if (roll < 0.6) {
      doc.relink(pick(), `Q${n}`, `Relinked ${n}`);
    } else if (roll < 0.7) {
      doc.markNil(pick());
    } else if (roll < 0.8) {
      doc.reject(pick());
    } else if (roll < 0.9 || !doc.canUndo) {
      doc.remove(pick());
    } else {
      doc.undo();
    }
    process.stdout.write(`saving ${digest()}\n`);
    await doc.save();
    process.stdout.write(`ack ${n} ${digest()}\n`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
