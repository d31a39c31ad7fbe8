import type { Entity } from '../kb/entity';
import type { Span } from './types';

/**
 * The texts the bi-encoder reads, after METHOD.md (BLINK):
 *
 *   mention: `<left context> [ <mention> ] <right context>`
 *   entity:  `<title> | <description>`
 *
 * BLINK marks the mention with [unused0]/[unused1] and separates title and description with [unused2]; the
 * USE-lite SentencePiece vocabulary has no reserved pieces, so plain characters it holds as single pieces are
 * used instead ("▁[", "]", "▁|"). A fine-tuned model learns what they mean; the pretrained one mostly reads
 * the words around them.
 *
 * The context window is counted in words (whitespace-separated), `contextWords` in all, split evenly between
 * the two sides; a side with fewer words gives its share to the other. The window never crosses a paragraph
 * break (a blank line), and a side that had to be cut is trimmed back to a sentence boundary when one lies in
 * its outer third, so the context does not start or end on half a sentence.
 *
 * Entity descriptions are cut to `entityWords` words and `entityChars` characters: USE-lite clips its input
 * inside the graph, and cutting here keeps cache keys and batch padding honest.
 *
 * Every vector cache keys on `templateId(options)`, so changing any of these values invalidates caches.
 */
export interface TextTemplateOptions {
  readonly contextWords: number;
  readonly entityWords: number;
  readonly entityChars: number;
  readonly markers: readonly [string, string];
  readonly separator: string;
}

/**
 * 16 context words, not BLINK's 128 tokens: with the pretrained USE-lite (mean pooling) a shorter window
 * keeps the mention's own words weighty, which retrieved more gold entities on elevant (recall of the dense
 * retriever 35% at 16 words vs 32% at 24 and 25% at 48), kept Emerson at 30/30, and encoding time grows
 * linearly with the window (~0.45 ms per word per mention on 2 CPU cores). A fine-tuned model may want more.
 */
export const DEFAULT_TEMPLATE: TextTemplateOptions = {
  contextWords: 16,
  entityWords: 64,
  entityChars: 400,
  markers: ['[', ']'],
  separator: '|',
};

export function templateId(o: TextTemplateOptions = DEFAULT_TEMPLATE): string {
  return `el-v1;ctx=${o.contextWords};m=${o.markers[0]}${o.markers[1]};ent=${o.entityWords}w${o.entityChars}c;sep=${o.separator}`;
}

export function entityText(entity: Pick<Entity, 'title' | 'text'>, o: TextTemplateOptions = DEFAULT_TEMPLATE): string {
  const title = collapse(entity.title);
  const words = collapse(entity.text).split(' ').filter((w) => w.length > 0);
  let desc = words.slice(0, o.entityWords).join(' ');
  if (desc.length > o.entityChars) {
    const cut = desc.lastIndexOf(' ', o.entityChars);
    desc = desc.slice(0, cut > o.entityChars / 2 ? cut : o.entityChars);
  }
  return desc.length === 0 ? title : `${title} ${o.separator} ${desc}`;
}

/** `paragraph` (the bounds `paragraphAround` returns) can be passed in when the caller already knows it. */
export function mentionText(text: string, span: Span, o: TextTemplateOptions = DEFAULT_TEMPLATE, paragraph?: readonly [number, number]): string {
  const [paraStart, paraEnd] = paragraph ?? paragraphAround(text, span);
  const leftAll = words(text.slice(paraStart, span.start));
  const rightAll = words(text.slice(span.end, paraEnd));
  const half = Math.floor(o.contextWords / 2);
  let nLeft = Math.min(leftAll.length, half);
  let nRight = Math.min(rightAll.length, o.contextWords - half);
  // Hand unused budget from a short side to the long one.
  nLeft = Math.min(leftAll.length, nLeft + (o.contextWords - half - nRight));
  nRight = Math.min(rightAll.length, nRight + (half - Math.min(leftAll.length, half)));
  let left = leftAll.slice(leftAll.length - nLeft);
  let right = rightAll.slice(0, nRight);
  if (nLeft < leftAll.length) left = trimLeftToSentence(left);
  if (nRight < rightAll.length) right = trimRightToSentence(right);
  const mention = collapse(text.slice(span.start, span.end));
  return [...left, o.markers[0], mention, o.markers[1], ...right].join(' ');
}

const SENTENCE_END = /[.!?]["'\u201d\u2019)]*$/;

function trimLeftToSentence(left: string[]): string[] {
  const third = Math.floor(left.length / 3);
  for (let i = 0; i < third; i++) {
    if (SENTENCE_END.test(left[i])) return left.slice(i + 1);
  }
  return left;
}

function trimRightToSentence(right: string[]): string[] {
  const from = right.length - Math.floor(right.length / 3);
  for (let i = right.length - 1; i >= from; i--) {
    if (SENTENCE_END.test(right[i])) return right.slice(0, i + 1);
  }
  return right;
}

/** Bounds of the paragraph (text between blank lines) that holds the span. */
export function paragraphAround(text: string, span: Span): [number, number] {
  let start = 0;
  for (let i = text.lastIndexOf('\n', span.start - 1); i > 0; i = text.lastIndexOf('\n', i - 1)) {
    const prev = text.lastIndexOf('\n', i - 1);
    if (/^[ \t\r]*$/.test(text.slice(prev + 1, i))) {
      start = i + 1;
      break;
    }
  }
  let end = text.length;
  for (let i = text.indexOf('\n', span.end); i >= 0; i = text.indexOf('\n', i + 1)) {
    const next = text.indexOf('\n', i + 1);
    if (next < 0) break;
    if (/^[ \t\r]*$/.test(text.slice(i + 1, next))) {
      end = i;
      break;
    }
  }
  return [start, end];
}

function words(s: string): string[] {
  return s.split(/\s+/).filter((w) => w.length > 0);
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
