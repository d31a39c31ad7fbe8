import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAnnotationFile } from '../../src/core/annotations/annotationRecord';
import { AnnotationStore } from '../../src/core/annotations/annotationStore';
import { KILL_TEST_DOC, KILL_TEST_TEXT } from './saveLoopChild';

/**
 * Kills a process that saves annotations in a loop with SIGKILL at random moments, over and over on the same
 * store, and checks after every kill that the file parses and holds exactly the last acknowledged save, or the
 * save that was in flight (a rename is all or nothing). Trials: ENTITY_LINKER_KILL_TRIALS (default 100).
 *   npx tsc -p tsconfig.json --outDir out && node --test out/test/reliability/
 */
const TRIALS = Number(process.env['ENTITY_LINKER_KILL_TRIALS'] ?? 100);
const CHILD = path.join(__dirname, 'saveLoopChild.js');

interface TrialResult {
  readonly acks: number;
  readonly killedMidSave: boolean;
  readonly matched: 'ack' | 'inFlight' | 'opened' | 'none';
}

function runTrial(root: string, seed: number, delayMs: number, afterOpen: boolean): Promise<{ child: ChildProcess; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (afterOpen && line.startsWith('opened ')) arm();
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    if (!afterOpen) arm();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (code ${code}): ${stderr}`));
      else resolve({ child, lines });
    });
  });
}

void test(`annotation saves survive SIGKILL at random moments (${TRIALS} trials)`, async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'entity-links-kill-'));
  const file = new AnnotationStore({ workspaceRoot: root }).fileFor(KILL_TEST_DOC);
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 0x100000000);
  const results: TrialResult[] = [];
  let lastGood: string | undefined;
  const started = Date.now();
  try {
    for (let trial = 0; trial < TRIALS; trial++) {
      // A quarter of the kills land anywhere from process start (during startup or open), the rest while saving.
      const afterOpen = rand() >= 0.25;
      const delay = afterOpen ? Math.floor(rand() * 300) : Math.floor(rand() * 400);
      const { lines } = await runTrial(root, trial + 1, delay, afterOpen);
      const opened = lines.find((l) => l.startsWith('opened '));
      if (opened !== undefined && lastGood !== undefined) {
        assert.equal(opened.split(' ')[2], lastGood, `trial ${trial}: the child opened what the last check found`);
      }
      let lastAck: string | undefined;
      let inFlight: string | undefined;
      let acks = 0;
      for (const line of lines) {
        const [kind, a, b] = line.split(' ');
        if (kind === 'ack') {
          acks++;
          lastAck = b;
          inFlight = undefined;
        } else if (kind === 'saving') {
          inFlight = a;
        }
      }
      let content: string | undefined;
      try {
        content = readFileSync(file, 'utf8');
      } catch {
        content = undefined;
      }
      if (content === undefined) {
        assert.equal(lastAck, undefined, `trial ${trial}: the file is missing after an acknowledged save`);
        assert.equal(lastGood, undefined, `trial ${trial}: the file disappeared`);
        results.push({ acks, killedMidSave: inFlight !== undefined, matched: 'none' });
        continue;
      }
      const parsed = parseAnnotationFile(content, file); // throws (fails the test) on a torn or corrupt file
      assert.equal(parsed.header.document, KILL_TEST_DOC);
      assert.ok(parsed.records.every((r) => KILL_TEST_TEXT.slice(r.start, r.end) === r.text), `trial ${trial}: every record anchored`);
      const digest = createHash('sha256').update(content, 'utf8').digest('hex');
      const expectedOld = lastAck ?? (opened === undefined ? lastGood : opened.split(' ')[2]);
      let matched: TrialResult['matched'];
      if (digest === inFlight) matched = 'inFlight';
      else if (digest === lastAck) matched = 'ack';
      else if (lastAck === undefined && digest === expectedOld) matched = 'opened';
      else assert.fail(`trial ${trial}: the file holds neither the last acknowledged save nor the one in flight (${acks} acks)`);
      results.push({ acks, killedMidSave: inFlight !== undefined, matched });
      lastGood = digest;
    }
    const leftovers = readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'));
    const totalAcks = results.reduce((n, r) => n + r.acks, 0);
    const midSave = results.filter((r) => r.killedMidSave).length;
    const count = (m: TrialResult['matched']): number => results.filter((r) => r.matched === m).length;
    const final = parseAnnotationFile(readFileSync(file, 'utf8'), file).records.length;
    console.log(
      `kill test: ${results.length} trials in ${((Date.now() - started) / 1000).toFixed(1)} s, ${totalAcks} acknowledged saves, ` +
        `${midSave} kills between 'saving' and 'ack' (file held the in-flight save ${count('inFlight')} times, the last ack ${count('ack')}, ` +
        `the state at open ${count('opened')}, no file yet ${count('none')}); ${final} annotations at the end; ` +
        `${leftovers.length} temp file(s) of the last kill awaiting the next open; every file parsed and held the last acknowledged or the in-flight save`,
    );
    assert.equal(results.length, TRIALS);
    assert.ok(totalAcks > TRIALS, 'the children got to save (kills did not all land before the first save)');
    assert.ok(midSave > 0, 'some kills landed inside a save');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
