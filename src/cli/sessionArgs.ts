import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerError } from '../core/errors';
import { parseSourceArg } from '../core/kb/sniffFormat';
import type { LinkerOptions } from '../core/linker/linker';
import type { StoreBuildRequest } from '../core/store/sessionStore';
import { defaultCacheDir, openLinkingSession, type LinkingSession } from '../core/session/linkingSession';
import type { CliIo } from './cliIo';
import { parseChoice, parsePrecision, parseProvider } from './options';
import { packageRoot } from './packageRoot';

/** The values of ENGINE_OPTIONS after parsing. */
export interface EngineArgValues {
  readonly kb?: string[];
  readonly 'kb-config'?: string;
  readonly model?: string;
  readonly provider?: string;
  readonly 'cuda-provider-dir'?: string;
  readonly precision?: string;
  readonly cache?: string;
  readonly index?: string;
  readonly store?: string;
  readonly lenient?: boolean;
  readonly detection?: string;
  readonly fuzzy?: boolean;
  readonly coreference?: string;
}

/** Opens a linking session from the shared command-line options, with progress on stderr; `storeBuild`: build or resume the --store (index). */
export async function openSessionFromArgs(values: EngineArgValues, io: CliIo, signal: AbortSignal, linkerOptions?: Partial<LinkerOptions>, storeBuild?: StoreBuildRequest): Promise<LinkingSession> {
  const session = await openLinkingSession({
    kbSources: (values.kb ?? []).map(parseSourceArg),
    kbConfig: values['kb-config'] === undefined ? undefined : path.resolve(values['kb-config']),
    strict: values.lenient !== true,
    modelDir: values.model,
    packageRoot: packageRoot(),
    provider: parseProvider(values.provider),
    ...(values['cuda-provider-dir'] === undefined ? {} : { cudaProviderDir: path.resolve(values['cuda-provider-dir']) }),
    precision: parsePrecision(values.precision),
    cacheDir: values.cache === undefined ? defaultCacheDir() : cacheDirArg(values.cache),
    indexKind: parseChoice('index', values.index, ['hnsw', 'exact'] as const, 'hnsw'),
    ...(values.store === undefined ? {} : { kbStore: values.store, ...(storeBuild === undefined ? {} : { buildStore: storeBuild }) }),
    linkerOptions: withDetectionArgs(values, linkerOptions),
    logger: io.logger,
    onProgress: (p) => io.progress(p),
    signal,
  });
  io.endProgress();
  for (const source of session.kbReport.sources) {
    for (const skipped of source.skipped.slice(0, 20)) {
      io.err(`skipped ${skipped.file}:${skipped.line}: ${skipped.reason}`);
    }
    if (source.skipped.length > 20) {
      io.err(`... and ${source.skipped.length - 20} more skipped records in ${source.path}`);
    }
  }
  return session;
}

/** --cache: a folder (made when missing); a file there would only give a warning per cache file and no cache. */
function cacheDirArg(value: string): string {
  const dir = path.resolve(value);
  const info = fs.statSync(dir, { throwIfNoEntry: false });
  if (info !== undefined && !info.isDirectory()) {
    throw new LinkerError('usage', `--cache ${value} is a file, not a folder.`, { hint: 'Name a folder for the embedding and index cache (it is made when missing), or leave --cache out for the default.' });
  }
  return dir;
}

/** `--detection`, `--fuzzy` and `--coreference` over the detection options the command passes (if any). */
export function withDetectionArgs(values: EngineArgValues, given: Partial<LinkerOptions> | undefined): Partial<LinkerOptions> | undefined {
  const linkerOptions = withCoreferenceArg(values, given);
  if (values.detection === undefined && values.fuzzy === undefined) return linkerOptions;
  const mode = parseChoice('detection', values.detection, ['names', 'all-words'] as const, linkerOptions?.detection?.mode ?? 'names');
  return { ...linkerOptions, detection: { ...linkerOptions?.detection, mode, ...(values.fuzzy === true ? { fuzzy: true } : {}) } };
}

/** `--coreference off|spans|detect` (src/core/coreference): resolve given pronoun spans, and propose pronouns. */
function withCoreferenceArg(values: EngineArgValues, linkerOptions: Partial<LinkerOptions> | undefined): Partial<LinkerOptions> | undefined {
  if (values.coreference === undefined) return linkerOptions;
  const mode = parseChoice('coreference', values.coreference, ['off', 'spans', 'detect'] as const, 'spans');
  return { ...linkerOptions, coreference: { ...linkerOptions?.coreference, link: mode !== 'off', detect: mode === 'detect' } };
}
