import * as fs from 'node:fs';
import * as path from 'node:path';

/** The tiny KB the editor tests link against (relative to the workspace root). */
export const EDITOR_KB = 'kb/tiny.jsonl';

const ENTITIES = [
  { id: 'Q312', title: 'Apple Inc.', text: 'American technology company that makes the iPhone.', aliases: ['Apple', 'the iPhone maker'], type: 'organization' },
  { id: 'Q89', title: 'apple', text: 'Edible fruit of the apple tree.', aliases: ['Apple'], type: 'fruit' },
  { id: 'Q19837', title: 'Steve Jobs', text: 'American businessman, co-founder of Apple Inc.', aliases: ['Jobs'], type: 'person' },
  { id: 'Q60', title: 'New York City', text: 'Most populous city in the United States.', aliases: ['New York', 'NYC'], type: 'city' },
  { id: 'Q99', title: 'California', text: 'State of the United States on the Pacific coast.', aliases: [], type: 'state' },
];

export const EDITOR_TEXT = 'Steve Jobs co-founded Apple, the technology company that makes the iPhone.\n\nHe later moved to New York.\n';

/** Writes the KB and the documents the editor tests open. */
export function writeEditorFixtures(root: string): void {
  fs.mkdirSync(path.join(root, 'kb'), { recursive: true });
  fs.writeFileSync(path.join(root, EDITOR_KB), ENTITIES.map((e) => JSON.stringify(e)).join('\n') + '\n');
  fs.writeFileSync(path.join(root, 'story.txt'), EDITOR_TEXT);
  fs.writeFileSync(path.join(root, 'second.txt'), `${EDITOR_TEXT}\nSome say the iPhone maker changed everything.\n`);
}
