import { LinkerError } from '../../core/errors';
import { readTextInput } from '../../core/inputFile';
import { inlineSafe, safeJson } from '../../core/safeText';
import type { LinkedMention, RankedCandidate } from '../../core/linker/types';
import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { ENGINE_OPTIONS, ENGINE_OPTIONS_HELP, parseCommandArgs, parsePositiveInt } from '../options';
import { openSessionFromArgs } from '../sessionArgs';

const USAGE = `Usage: entity-linker link FILE... [--kb SRC]... [--kb-config FILE] [--model DIR] [--provider P]
                         [--top-k N] [--json]

Detects mentions in each text file and links them to the KB: ranked candidates, NIL decisions and the
hardest negatives. Without --kb the built-in WordNet KB is used.

  --top-k N           candidates per mention (default 5)
  --json              print {"documents":[{"path","mentions":[{"start","end","text","nil","candidates":[...],
                      "hardNegatives":[...]}]}]} (character offsets, end exclusive)
${ENGINE_OPTIONS_HELP}`;

export const linkCommand: CliCommand = {
  name: 'link',
  summary: 'detect and link the mentions of text files against a KB',
  usage: USAGE,
  async run(args, io, signal) {
    const { values, positionals } = parseCommandArgs(args, { ...ENGINE_OPTIONS, 'top-k': { type: 'string' }, json: { type: 'boolean' } }, USAGE, true);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (positionals.length === 0) {
      throw new LinkerError('usage', `link needs at least one FILE.\n\n${USAGE}`);
    }
    const topK = parsePositiveInt('top-k', values['top-k'], 5);
    const texts = await Promise.all(positionals.map((p) => readTextInput(p, 'The document')));
    const session = await openSessionFromArgs(values, io, signal);
    try {
      const documents = [];
      for (const [i, text] of texts.entries()) {
        const started = performance.now();
        const mentions = await session.linker.linkDocument(text, { topK, signal });
        io.logger.info(`${positionals[i]}: ${mentions.length} mentions in ${(performance.now() - started).toFixed(0)} ms`);
        documents.push({ path: positionals[i], mentions });
      }
      if (values.json === true) {
        io.out(safeJson({ documents: documents.map((d) => ({ path: d.path, mentions: d.mentions.map(mentionJson) })) }));
      } else {
        for (const d of documents) {
          io.out(formatDocument(d.path, d.mentions));
        }
      }
      return EXIT_OK;
    } finally {
      await session.dispose();
    }
  },
};


function candidateJson(c: RankedCandidate) {
  return { id: c.id, title: c.title, score: round(c.score), probability: round(c.probability) };
}

export function mentionJson(m: LinkedMention) {
  return {
    start: m.start,
    end: m.end,
    text: m.text,
    nil: m.nil,
    margin: Number.isFinite(m.margin) ? round(m.margin) : null,
    candidates: m.candidates.map(candidateJson),
    hardNegatives: m.hardNegatives.map(candidateJson),
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function formatDocument(path: string, mentions: readonly LinkedMention[]): string {
  const lines = [`${inlineSafe(path)}: ${mentions.length} mention${mentions.length === 1 ? '' : 's'}`];
  for (const m of mentions) {
    const best = m.candidates[0];
    const where = `${m.start}-${m.end}`.padEnd(12);
    const surface = JSON.stringify(m.text).padEnd(24);
    if (best === undefined) {
      lines.push(`  ${where}${surface} NIL (no candidate)`);
      continue;
    }
    const verdict = m.nil ? 'NIL' : `${inlineSafe(best.title)} [${inlineSafe(best.id)}]`;
    const margin = Number.isFinite(m.margin) ? ` margin ${m.margin.toFixed(3)}` : '';
    lines.push(`  ${where}${surface} ${verdict}  p=${best.probability.toFixed(3)}${margin}`);
    const others = (m.nil ? m.candidates : m.candidates.slice(1)).slice(0, 3);
    if (others.length > 0) {
      lines.push(`  ${' '.repeat(12 + 24)} ${m.nil ? 'candidates' : 'next'}: ${others.map((c) => `${inlineSafe(c.title)} [${inlineSafe(c.id)}] ${c.probability.toFixed(3)}`).join('; ')}`);
    }
  }
  return lines.join('\n');
}
