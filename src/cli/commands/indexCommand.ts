import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { ENGINE_OPTIONS, ENGINE_OPTIONS_HELP, parseCommandArgs } from '../options';
import { openSessionFromArgs } from '../sessionArgs';
import { LinkerError } from '../../core/errors';

const USAGE = `Usage: entity-linker index [--kb SRC]... [--kb-config FILE] [--model DIR] [--provider P] [--json]

Loads the KB, embeds every entity (cached: only new or changed entities are encoded) and builds or refreshes
the vector index. Prints counts and timings. Without --kb the built-in WordNet KB is used.

  --json              print the counts and timings as JSON
${ENGINE_OPTIONS_HELP}`;

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'build or refresh the entity embedding cache and the vector index',
  usage: USAGE,
  async run(args, io, signal) {
    const { values, positionals } = parseCommandArgs(args, { ...ENGINE_OPTIONS, json: { type: 'boolean' } }, USAGE);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (positionals.length > 0) {
      throw new LinkerError('usage', `index takes no positional arguments (got '${positionals[0]}').\n\n${USAGE}`);
    }
    const session = await openSessionFromArgs(values, io, signal);
    try {
      const r = session.kbReport;
      const summary = {
        kb: session.kb.name,
        entities: session.kb.size,
        sources: r.sources.map((s) => ({ path: s.path, format: s.format, records: s.records, skipped: s.skipped.length, duplicateIds: s.duplicateIds, emptyTitles: s.emptyTitles, truncatedTexts: s.truncatedTexts })),
        mergedIds: r.mergedIds,
        model: session.encoder.modelId,
        provider: session.encoder.provider,
        index: { kind: session.index.kind, size: session.index.size, dims: session.index.dims, action: session.indexAction },
        seconds: { kb: session.timings.kb / 1000, model: session.timings.model / 1000, index: session.timings.index / 1000, total: session.timings.total / 1000 },
      };
      if (values.json === true) {
        io.out(JSON.stringify(summary));
      } else {
        io.out(`KB ${summary.kb}: ${summary.entities} entities (${summary.mergedIds} merged ids)`);
        for (const s of summary.sources) {
          io.out(`  ${s.format}:${s.path}: ${s.records} records, ${s.skipped} skipped, ${s.duplicateIds} duplicate ids, ${s.emptyTitles} empty titles, ${s.truncatedTexts} truncated texts`);
        }
        io.out(`model ${summary.model.slice(0, 12)} on ${summary.provider}`);
        io.out(`index ${summary.index.kind}: ${summary.index.size} x ${summary.index.dims} (${summary.index.action})`);
        io.out(`time: KB ${summary.seconds.kb.toFixed(2)} s, model ${summary.seconds.model.toFixed(2)} s, index ${summary.seconds.index.toFixed(2)} s, total ${summary.seconds.total.toFixed(2)} s`);
      }
      return EXIT_OK;
    } finally {
      await session.dispose();
    }
  },
};
