import type { Token } from '../linker/tokens';
import { isAcronym } from '../linker/tokens';
import { FUNCTION_WORDS } from './functionWords';

/**
 * Candidate spans for names the dictionary does not know: maximal runs of capitalised words, joined by the
 * lower-case particles of multi-word names ("University of Turin", "Leonardo da Vinci") and by hyphens and
 * initials' full stops ("Sport-Club", "Selman A. Waksman"), without leading function words ("In Turin" at a
 * sentence start proposes "Turin"). Only the mention scorer decides whether one becomes a mention.
 */
const PARTICLES = new Set(['of', 'de', 'del', 'della', 'di', 'da', 'du', 'des', 'la', 'le', 'von', 'van', 'der', 'den', 'y', 'al', 'bin']);
const JOINERS = new Set(['-', '.', "'", '&']);

/** Token index ranges [first, last] (inclusive) of the proposed spans, in text order, not overlapping. */
export function capitalisedRuns(text: string, tokens: readonly Token[], maxTokens = 8): [number, number][] {
  const out: [number, number][] = [];
  const isCap = (t: Token): boolean => t.word && (/^\p{Lu}/u.test(t.surface) || isAcronym(t.surface));
  const sameLine = (a: Token, b: Token): boolean => !text.slice(a.end, b.start).includes('\n');
  let i = 0;
  while (i < tokens.length) {
    if (!isCap(tokens[i]) || FUNCTION_WORDS.has(tokens[i].folded)) {
      i++;
      continue;
    }
    let last = i;
    let j = i + 1;
    while (j < tokens.length && j - i < maxTokens * 2 && sameLine(tokens[j - 1], tokens[j])) {
      const t = tokens[j];
      if (isCap(t)) {
        last = j;
        j++;
        continue;
      }
      // A full stop joins only after an initial ("Selman A. Waksman", "U.S."), not at a sentence end ("Ohio. The").
      const initial = tokens[j - 1].word && tokens[j - 1].surface.length === 1;
      const joins = (t.word && PARTICLES.has(t.folded)) || (!t.word && JOINERS.has(t.surface) && t.start === tokens[j - 1].end && (t.surface !== '.' || initial));
      if (!joins) break;
      j++;
    }
    const words = tokens.slice(i, last + 1).filter((t) => t.word).length;
    if (words <= maxTokens) out.push([i, last]);
    i = last + 1;
  }
  return out;
}

/**
 * Capitalised runs (`runs`, from capitalisedRuns) joined over the lower-case words inside the names of
 * institutions and offices, which capitalisedRuns does not cross: "of the" ("University of the Witwatersrand",
 * "President of the United States"); "at" (or "at the") after a run that holds "of" ("University of Illinois at
 * Chicago", "State University of New York at Cortland"); "for" (or "for the") after a run that holds "of" or follows
 * a lower-case "the" ("the Institute for Advanced Study", "the Basel Institute for Immunology": a name with an
 * article is headed by an ordinary noun). "John Smith at Harvard", "left Boston for Chicago", "Smith and Jones" stay
 * apart. Structural only (no word lists). Sorted and not overlapping, as `runs`; at most `maxWords` words a run.
 */
export function joinedNameRuns(text: string, tokens: readonly Token[], runs: readonly (readonly [number, number])[], maxWords = 12): [number, number][] {
  const out: [number, number][] = [];
  const holdsOf = (run: readonly [number, number]): boolean => tokens.slice(run[0], run[1] + 1).some((t) => t.word && t.folded === 'of');
  const afterThe = (run: readonly [number, number]): boolean => tokens[run[0] - 1]?.surface === 'the';
  const words = (a: number, b: number): number => tokens.slice(a, b + 1).filter((t) => t.word).length;
  const joins = (a: readonly [number, number], b: readonly [number, number]): boolean => {
    const gap = tokens.slice(a[1] + 1, b[0]);
    if (gap.length === 0 || gap.length > 2 || gap.some((t) => !t.word || t.surface !== t.folded) || text.slice(tokens[a[1]].end, tokens[b[0]].start).includes('\n')) return false;
    const said = gap.map((t) => t.folded).join(' ');
    if (said === 'of the') return true;
    if (said === 'at' || said === 'at the') return holdsOf(a);
    if (said === 'for' || said === 'for the') return holdsOf(a) || afterThe(a);
    return false;
  };
  for (const run of runs) {
    const prev = out[out.length - 1];
    if (prev !== undefined && joins(prev, run) && words(prev[0], run[1]) <= maxWords) prev[1] = run[1];
    else out.push([run[0], run[1]]);
  }
  return out;
}
