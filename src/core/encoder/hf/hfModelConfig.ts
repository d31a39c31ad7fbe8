import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerError } from '../../errors';
import type { PoolingMode } from '../pooling';
import { POOLING_MODES } from '../pooling';
import { readJson } from './hfTokenizer';

/** What an HF export folder says about how to run it, gathered from its several config files. */
export interface HfModelSettings {
  readonly maxLength: number;
  readonly pooling: PoolingMode;
  /** Where the pooling choice came from, for the log. */
  readonly poolingSource: string;
}

/** Above this a length is a "no limit" sentinel (tokenizer_config.json often says 1e30), not a real limit. */
const SENTINEL_LENGTH = 1_000_000;
const DEFAULT_MAX_LENGTH = 512;

/**
 * Reads config.json (required), and when present tokenizer_config.json, sentence_bert_config.json,
 * 1_Pooling/config.json (sentence-transformers) and manifest.json (`{"kind": "hf", "pooling": "cls"}`).
 * The maximum length is the smallest limit any of them sets; pooling: manifest, then sentence-transformers, then mean.
 */
export function readHfModelSettings(dir: string): HfModelSettings {
  const config = readJson(path.join(dir, 'config.json'), 'config.json');
  const limits: number[] = [];
  addLimit(limits, config.max_position_embeddings);
  addLimit(limits, optionalJson(path.join(dir, 'tokenizer_config.json'))?.model_max_length);
  addLimit(limits, optionalJson(path.join(dir, 'sentence_bert_config.json'))?.max_seq_length);
  const truncation = optionalJson(path.join(dir, 'tokenizer.json'))?.truncation;
  if (typeof truncation === 'object' && truncation !== null) {
    addLimit(limits, (truncation as Record<string, unknown>).max_length);
  }
  const maxLength = limits.length > 0 ? Math.min(...limits) : DEFAULT_MAX_LENGTH;
  return { maxLength, ...poolingOf(dir) };
}

function poolingOf(dir: string): { pooling: PoolingMode; poolingSource: string } {
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = optionalJson(manifestFile);
  if (manifest?.pooling !== undefined) {
    const pooling = manifest.pooling;
    if (typeof pooling !== 'string' || !(POOLING_MODES as readonly string[]).includes(pooling)) {
      throw new LinkerError('modelLoad', `manifest.json has pooling ${JSON.stringify(pooling)}.`, {
        location: { file: manifestFile },
        hint: `Set "pooling" to one of ${POOLING_MODES.map((m) => `"${m}"`).join(', ')}.`,
      });
    }
    return { pooling: pooling as PoolingMode, poolingSource: 'manifest.json' };
  }
  const stFile = path.join(dir, '1_Pooling', 'config.json');
  const st = optionalJson(stFile);
  if (st !== undefined) {
    if (st.pooling_mode_cls_token === true) return { pooling: 'cls', poolingSource: '1_Pooling/config.json' };
    if (st.pooling_mode_mean_tokens === true) return { pooling: 'mean', poolingSource: '1_Pooling/config.json' };
    const other = Object.keys(st).filter((k) => k.startsWith('pooling_mode_') && st[k] === true);
    throw new LinkerError('modelLoad', `The model asks for pooling ${other.join(', ') || '(none)'}, which is not supported (only mean and CLS are).`, {
      location: { file: stFile },
      hint: 'Add manifest.json with {"kind": "hf", "pooling": "mean"} (or "cls") to the folder to choose one.',
    });
  }
  return { pooling: 'mean', poolingSource: 'default' };
}

function addLimit(limits: number[], value: unknown): void {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value < SENTINEL_LENGTH) {
    limits.push(value);
  }
}

function optionalJson(file: string): Record<string, unknown> | undefined {
  return fs.existsSync(file) ? readJson(file, path.basename(file)) : undefined;
}
