import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { ENGINE_OPTIONS, ENGINE_OPTIONS_HELP, parseChoice, parseCommandArgs, parsePositiveInt } from '../options';
import { openSessionFromArgs } from '../sessionArgs';
import { LinkerError } from '../../core/errors';
import type { PgStoreBuildResult } from '../../core/store/pgStoreBuild';

const USAGE = `Usage: entity-linker index [--kb SRC]... [--kb-config FILE] [--model DIR] [--provider P] [--store URL] [--json]

Loads the KB, embeds every entity (cached: only new or changed entities are encoded) and builds or refreshes
the vector index. Prints counts and timings. Without --kb the built-in WordNet KB is used.

With --store postgres://USER@HOST:PORT/DB[?schema=NAME] the entities, their names and vectors go into
PostgreSQL instead (pgvector and pg_trgm must be available to CREATE EXTENSION), in committed batches, then a
pgvector HNSW index and a pg_trgm GIN index are built. A killed build resumes where it stopped; a store built
for another model or KB is replaced. Every --store command then takes its candidates from it.

  --vector-type T     with --store: vector (float32, default) | halfvec (float16: half the size)
  --batch N           with --store: entities per committed batch (default 1000)
  --json              print the counts and timings as JSON
${ENGINE_OPTIONS_HELP}`;

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'build or refresh the entity embedding cache and the vector index',
  usage: USAGE,
  async run(args, io, signal) {
    const { values } = parseCommandArgs(args, { ...ENGINE_OPTIONS, json: { type: 'boolean' }, 'vector-type': { type: 'string' }, batch: { type: 'string' } }, USAGE);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (values.store === undefined && (values['vector-type'] !== undefined || values.batch !== undefined)) {
      throw new LinkerError('usage', `--vector-type and --batch need --store.\n\n${USAGE}`);
    }
    const storeBuild = { vectorType: parseChoice('vector-type', values['vector-type'], ['vector', 'halfvec'] as const, 'vector'), batchSize: parsePositiveInt('batch', values.batch, 1000) };
    const session = await openSessionFromArgs(values, io, signal, undefined, storeBuild);
    try {
      const r = session.kbReport;
      const summary = {
        kb: session.kb.name,
        entities: session.kb.size,
        sources: r.sources.map((s) => ({ path: s.path, format: s.format, records: s.records, skipped: s.skipped.length, duplicateIds: s.duplicateIds, emptyTitles: s.emptyTitles, truncatedTexts: s.truncatedTexts })),
        mergedIds: r.mergedIds,
        model: session.encoder.modelId,
        provider: session.encoder.provider,
        index: { kind: session.index?.kind ?? 'postgres', size: session.index?.size ?? session.store?.candidates.size ?? 0, dims: session.encoder.dims, action: session.indexAction },
        ...(session.store?.build === undefined ? {} : { store: storeSummary(session.store.build) }),
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
        if (summary.store !== undefined) {
          const s = summary.store;
          io.out(`store: ${s.action}${s.reason === undefined ? '' : ` (${s.reason})`}, ${s.rowsWritten} entities written${s.writer === undefined ? '' : ` by ${s.writer}`} in ${s.seconds.rows.toFixed(2)} s (${s.entitiesPerSecond.toFixed(0)}/s), indexes ${s.seconds.indexes.toFixed(2)} s`);
        }
        io.out(`time: KB ${summary.seconds.kb.toFixed(2)} s, model ${summary.seconds.model.toFixed(2)} s, index ${summary.seconds.index.toFixed(2)} s, total ${summary.seconds.total.toFixed(2)} s`);
      }
      return EXIT_OK;
    } finally {
      await session.dispose();
    }
  },
};

function storeSummary(build: PgStoreBuildResult): PgStoreBuildResult & { entitiesPerSecond: number } {
  return { ...build, entitiesPerSecond: build.seconds.rows > 0 ? build.rowsWritten / build.seconds.rows : 0 };
}
