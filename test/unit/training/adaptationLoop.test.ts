import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import type { AnnotatorDecision } from '../../../src/core/learning/decision';
import { parseLearnedState, type LearnedState } from '../../../src/core/learning/learnedState';
import { OnlineLearner, type OnlineLearnerJson } from '../../../src/core/learning/onlineLearner';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { LinkedMention } from '../../../src/core/linker/types';
import { AdaptationLoop } from '../../../src/core/training/adaptationLoop';
import { refitLearner, type RefitResult } from '../../../src/core/worker/learningRequests';

function mention(text: string, ids: string[]): LinkedMention {
  const candidates = ids.map((id, i) => {
    const features = FEATURE_NAMES.map(() => 0);
    features[FEATURE_NAMES.indexOf('dense')] = 0.5 - i / 10;
    return { id, title: id, score: -i, probability: 0.5, signals: { retrievedBy: ['dense' as const] }, features };
  });
  return { start: 0, end: text.length, text, candidates, nil: false, margin: 1, hardNegatives: [] };
}

function decision(i: number, entityId = 'B'): AnnotatorDecision {
  return { document: `d${i}`, start: 0, end: 5, text: 'Apple', action: 'relink', entityId, mention: mention('Apple', ['A', 'B']) };
}

/** A channel whose refits wait until released, so a test can act while one runs. */
function gatedChannel(): { channel: ConstructorParameters<typeof AdaptationLoop>[0]['channel']; applied: LearnedState[]; release: () => void; refits: number } {
  const state = { applied: [] as LearnedState[], refits: 0, release: () => undefined as void };
  let gate = Promise.resolve();
  const arm = (): void => {
    gate = new Promise<void>((resolve) => (state.release = resolve));
  };
  arm();
  return {
    get refits() {
      return state.refits;
    },
    applied: state.applied,
    release: () => {
      state.release();
    },
    channel: {
      refit: async (json: OnlineLearnerJson, signal: AbortSignal): Promise<RefitResult> => {
        state.refits++;
        await gate;
        arm();
        if (signal.aborted) throw new LinkerError('cancelled', 'cancelled');
        return refitLearner(json, undefined, signal);
      },
      apply: async (s: LearnedState) => void state.applied.push(s),
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

void test('adaptation: a refit every N decisions; decisions made during a refit are kept; the result is applied', async () => {
  const gated = gatedChannel();
  const loop = new AdaptationLoop({ channel: gated.channel, refitEvery: () => 3 });
  loop.observe([decision(1), decision(2)]);
  assert.equal(gated.refits, 0, 'below the threshold nothing is refitted');
  loop.observe([decision(3)]);
  assert.equal(gated.refits, 1);
  assert.equal(loop.status.running, true);
  loop.observe([decision(4)]);
  gated.release();
  await settle();
  assert.equal(loop.status.running, false);
  assert.equal(loop.status.adaptedFrom, 3, 'the refit learned from the three decisions it was given');
  assert.equal(loop.status.decisions, 4, 'the decision made while it ran is kept');
  assert.equal(loop.status.pending, 1);
  assert.equal(gated.applied.length, 1);
  assert.equal(gated.applied[0]!.decisions, 4, 'the applied state has every decision in its memory');
  assert.ok(gated.applied[0]!.weights !== undefined, 'and refitted weights');
  assert.equal(loop.appliedState?.decisions, 4);
});

void test('adaptation: a decision retracted while a refit runs is forgotten by the refitted learner too', async () => {
  const gated = gatedChannel();
  const loop = new AdaptationLoop({ channel: gated.channel, refitEvery: () => 2 });
  const slip = decision(1, 'A');
  loop.observe([slip, decision(2)]);
  assert.equal(loop.status.running, true);
  // While the refit runs, the annotator corrects the slip: the accept of A goes, the relink to B comes.
  loop.retract([slip]);
  loop.observe([decision(1)]);
  gated.release();
  await settle();
  const memory = gated.applied[0]!.memory as { forms: Record<string, Record<string, number>> };
  assert.deepEqual(memory.forms, { apple: { B: 2 } }, 'the refit saw the slip, the state it applied does not');
  assert.equal(loop.status.decisions, 2);
});

void test('adaptation: a cancelled refit applies nothing, loses no decision, and the next one runs', async () => {
  const gated = gatedChannel();
  const errors: unknown[] = [];
  const loop = new AdaptationLoop({ channel: gated.channel, refitEvery: () => 1, onError: (e) => errors.push(e) });
  loop.observe([decision(1)]);
  assert.equal(loop.status.running, true);
  loop.cancel();
  gated.release();
  await settle();
  assert.equal(gated.applied.length, 0);
  assert.deepEqual(errors, [], 'a cancellation is not an error');
  assert.equal(loop.status.adaptedFrom, 0);
  assert.equal(loop.status.decisions, 1);
  const next = loop.refit();
  gated.release();
  assert.equal((await next)?.decisions, 1);
  assert.equal(gated.applied.length, 1);
});

void test('adaptation: a learner restored from its JSON starts as adapted as it was saved', () => {
  const learner = new OnlineLearner();
  learner.observe(decision(1));
  learner.refit();
  learner.observe(decision(2));
  const loop = new AdaptationLoop({ channel: gatedChannel().channel, refitEvery: () => 10, learner: OnlineLearner.fromJSON(learner.toJSON()) });
  assert.equal(loop.status.adaptedFrom, 1);
  assert.equal(loop.status.pending, 1);
  assert.equal(loop.appliedState?.decisions, 2);
});

void test('adaptation: after another model loads, refits start from its ranker', () => {
  const loop = new AdaptationLoop({ channel: gatedChannel().channel, refitEvery: () => 10 });
  loop.observe([decision(1)]);
  const base = { version: 2 as const, weights: { dense: 3, annotatorPrior: 2 }, source: 'model B' };
  loop.rebase(base);
  assert.equal((loop.toJSON().base as { weights: Record<string, number> }).weights.annotatorPrior, 2);
  assert.equal(loop.status.decisions, 1, 'the decisions stay');
});

void test('adaptation: with channel.remember the memory reaches the linker after each decision, between refits; the refit then applies its weights', async () => {
  const gated = gatedChannel();
  const remembered: LearnedState[] = [];
  const loop = new AdaptationLoop({ channel: { ...gated.channel, remember: async (s) => void remembered.push(s) }, refitEvery: () => 2 });
  // Read through a function: an assertion on the getter would narrow its type for the lines after it.
  const applied = () => loop.appliedState;
  assert.equal(applied(), undefined);
  loop.observe([decision(1)]);
  await settle();
  assert.equal(remembered.length, 1, 'one decision, below the refit threshold, is handed over at once');
  assert.deepEqual(remembered[0].memory.forms.apple, { B: 1 });
  assert.equal(remembered[0].weights, undefined, 'no weights before the first refit');
  assert.equal(applied()?.decisions, 1, 'a reloaded session gets the memory too');
  loop.observe([decision(2)]);
  await settle();
  assert.equal(remembered.length, 2);
  assert.equal(gated.refits, 1);
  gated.release();
  await settle();
  assert.equal(gated.applied.length, 1);
  assert.ok(gated.applied[0].weights !== undefined);
  // Without remember (the previous behaviour) nothing reaches the linker before the refit.
  const plain = gatedChannel();
  const waiting = new AdaptationLoop({ channel: plain.channel, refitEvery: () => 5 });
  waiting.observe([decision(1)]);
  assert.equal(waiting.appliedState, undefined);
});

void test('adaptation: exemplar vectors that arrive after their decision reach the linker, and survive a refit in flight', async () => {
  const gated = gatedChannel();
  const remembered: LearnedState[] = [];
  const loop = new AdaptationLoop({ channel: { ...gated.channel, remember: async (s) => void remembered.push(s) }, refitEvery: () => 1 });
  loop.observe([decision(1)]);
  assert.equal(loop.status.running, true);
  // The editor asks the link thread for the confirmed mention's vector; it comes back while the refit runs.
  loop.observeExemplars([{ entityId: 'B', vector: [1, 0, 0] }]);
  await settle();
  const last = remembered[remembered.length - 1];
  assert.ok(last.exemplars !== undefined, 'the vector is handed to the linker with the memory');
  assert.equal(parseLearnedState(last).exemplars?.count('B'), 1);
  gated.release();
  await settle();
  assert.equal(gated.applied.length, 1);
  const applied = parseLearnedState(gated.applied[0]).exemplars;
  assert.equal(applied?.count('B'), 1, 'the refitted learner replays the vector that arrived during the refit');
  assert.ok((applied?.similarity('B', [1, 0, 0]) ?? 0) > 0.99);
});

void test('adaptation: vectors of a model with other dimensions say that the exemplar memory started afresh', async () => {
  const gated = gatedChannel();
  const loop = new AdaptationLoop({ channel: gated.channel, refitEvery: () => 100 });
  assert.equal(loop.observeExemplars([{ entityId: 'B', vector: [1, 0, 0] }]), undefined);
  assert.equal(loop.observeExemplars([{ entityId: 'C', vector: [0, 1, 0] }]), undefined);
  assert.deepEqual(loop.observeExemplars([{ entityId: 'B', vector: [1, 0, 0, 0] }]), { entities: 2, from: 3, to: 4 });
  assert.equal(loop.observeExemplars([{ entityId: 'C', vector: [0, 1, 0, 0] }]), undefined, 'said once');
  await settle();
});
