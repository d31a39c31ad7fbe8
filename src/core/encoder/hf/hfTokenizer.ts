import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TokenizersLib from '@huggingface/tokenizers' with { 'resolution-mode': 'import' };
import type { Tokenizer } from '@huggingface/tokenizers' with { 'resolution-mode': 'import' };
import { LinkerError } from '../../errors';
import { readRegularFileIfExistsSync } from '../../inputFile';

/** One tokenised text: ids with the model's special tokens, and the segment ids the template gives them. */
export interface TokenizedText {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
}

/**
 * Tokenisation with a Hugging Face tokenizer.json through @huggingface/tokenizers (the maintained pure-JS port
 * of the Rust tokenizers), plus the one thing that library leaves out: truncation to the model's maximum length.
 */
export class HfTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly maxLength: number,
    /** Special tokens the template adds around a single text (2 for BERT: [CLS] and [SEP]). */
    private readonly specialCount: number,
    readonly padId: number,
  ) {}

  /** Reads tokenizer.json (and tokenizer_config.json when present) from `dir`. */
  static load(dir: string, maxLength: number): HfTokenizer {
    const tokenizerFile = path.join(dir, 'tokenizer.json');
    const tokenizerJson = readJson(tokenizerFile, 'tokenizer.json');
    const configFile = path.join(dir, 'tokenizer_config.json');
    const tokenizerConfig = fs.existsSync(configFile) ? readJson(configFile, 'tokenizer_config.json') : {};
    let tokenizer: Tokenizer;
    try {
      // The package is ESM with a CommonJS build that `require` picks through its exports map; loaded lazily.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib = require('@huggingface/tokenizers') as typeof TokenizersLib;
      tokenizer = new lib.Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (e) {
      throw new LinkerError('modelLoad', `The tokenizer could not be built: ${(e as Error).message}.`, {
        location: { file: tokenizerFile },
        hint: 'Use the tokenizer.json exported with the model (Hugging Face `save_pretrained` or `optimum-cli export onnx`).',
        cause: e,
      });
    }
    const specialCount = tokenizer.encode('', { add_special_tokens: true }).ids.length;
    if (maxLength <= specialCount) {
      throw new LinkerError('modelLoad', `The maximum length ${maxLength} leaves no room for text after ${specialCount} special token(s).`, {
        location: { file: tokenizerFile },
        hint: 'Fix max_position_embeddings in config.json or model_max_length in tokenizer_config.json.',
      });
    }
    return new HfTokenizer(tokenizer, maxLength, specialCount, padTokenId(tokenizer, tokenizerConfig));
  }

  encode(text: string): TokenizedText {
    const full = this.tokenizer.encode(text, { add_special_tokens: true, return_token_type_ids: true });
    if (full.ids.length <= this.maxLength) {
      return { ids: full.ids, typeIds: full.token_type_ids ?? new Array<number>(full.ids.length).fill(0) };
    }
    // Cut the text's own tokens, then let the post-processor add the special tokens again, so the closing
    // [SEP] (or </s>) survives truncation as it does in the Rust library's `longest_first` strategy.
    const body = this.tokenizer.tokenize(text, { add_special_tokens: false }).slice(0, this.maxLength - this.specialCount);
    const processor = this.tokenizer.post_processor;
    const processed: { tokens: string[]; token_type_ids?: number[] } =
      processor === null ? { tokens: body, token_type_ids: undefined } : processor.post_process(body, null, true);
    const ids = processed.tokens.map((t: string) => this.tokenToId(t));
    return { ids, typeIds: processed.token_type_ids ?? new Array<number>(ids.length).fill(0) };
  }

  private tokenToId(token: string): number {
    return this.tokenizer.token_to_id(token) ?? this.unknownId();
  }

  private unknownId(): number {
    for (const candidate of ['[UNK]', '<unk>', '<UNK>']) {
      const id = this.tokenizer.token_to_id(candidate);
      if (id !== undefined) return id;
    }
    return 0;
  }
}

function padTokenId(tokenizer: Tokenizer, config: Record<string, unknown>): number {
  const configured = typeof config.pad_token === 'string' ? config.pad_token : undefined;
  for (const candidate of [configured, '[PAD]', '<pad>']) {
    if (candidate === undefined) continue;
    const id = tokenizer.token_to_id(candidate);
    if (id !== undefined) return id;
  }
  // Padded positions are masked out, so any valid id will do.
  return 0;
}

export function readJson(file: string, what: string): Record<string, unknown> {
  let text: string;
  const hint = `Copy ${what} from the model's Hugging Face export into ${path.dirname(file)}.`;
  try {
    const bytes = readRegularFileIfExistsSync(file, { what: `The ${what}`, hint });
    if (bytes === undefined) throw new Error('the file does not exist');
    text = bytes.toString('utf8');
  } catch (e) {
    if (LinkerError.is(e)) throw e;
    throw new LinkerError('modelMissing', `The model folder has no readable ${what}.`, {
      location: { file },
      hint,
      cause: e,
    });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error('expected a JSON object');
    }
    return value as Record<string, unknown>;
  } catch (e) {
    throw new LinkerError('modelLoad', `${what} is not valid JSON: ${(e as Error).message}.`, {
      location: { file },
      hint: `Replace ${what} with the file from the model's export.`,
      cause: e,
    });
  }
}
