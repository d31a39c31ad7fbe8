import * as path from 'node:path';
import { openEncoder } from '../../core/session/openEncoder';
import type { CliCommand } from '../cliCommand';
import { EXIT_OK } from '../cliCommand';
import { PRECISION_HELP, parseCommandArgs, parsePrecision, parseProvider } from '../options';
import { packageRoot } from '../packageRoot';
import { LinkerError } from '../../core/errors';
import { dotAt } from '../../core/vectorMath';

const USAGE = `Usage: entity-linker compare TEXT_A TEXT_B [TEXT_C ...] [--model DIR] [--provider P] [--precision P] [--cuda-provider-dir DIR] [--json]

Embeds the texts with the encoder and prints the cosine similarity of TEXT_A with each other text.

  --model DIR      model folder (default: the bundled USE-lite model)
  --provider P     auto | cuda | webgpu | dml | coreml | cpu (default auto)
  --cuda-provider-dir DIR  onnxruntime CUDA provider libraries you have (Linux; same version as onnxruntime-node)
${PRECISION_HELP}
  --json           print {"model","provider","dims","similarities":[{"text","cosine"}]}
  -v, --verbose    log every step to stderr`;

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'embed texts and print the cosine similarity of the first with each other',
  usage: USAGE,
  async run(args, io, signal) {
    const { values, positionals } = parseCommandArgs(args, {
      model: { type: 'string' },
      provider: { type: 'string' },
      'cuda-provider-dir': { type: 'string' },
      precision: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    }, USAGE, true);
    if (values.help === true) {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (positionals.length < 2) {
      throw new LinkerError('usage', `compare needs at least two texts.\n\n${USAGE}`);
    }
    const { encoder } = await openEncoder({
      modelDir: values.model,
      packageRoot: packageRoot(),
      provider: parseProvider(values.provider),
      ...(values['cuda-provider-dir'] === undefined ? {} : { cudaProviderDir: path.resolve(values['cuda-provider-dir']) }),
      precision: parsePrecision(values.precision),
      logger: io.logger,
      onProgress: (p) => io.progress(p),
      signal,
    });
    try {
      const vectors = await encoder.encode(positionals, { signal });
      const [first, ...others] = vectors;
      const similarities = others.map((v, i) => ({ text: positionals[i + 1], cosine: dotAt(first, 0, v, 0, first.length) }));
      if (values.json === true) {
        io.out(JSON.stringify({ model: encoder.modelId, provider: encoder.provider, dims: encoder.dims, similarities }));
      } else {
        io.out(`model ${encoder.modelId.slice(0, 12)} on ${encoder.provider}, ${encoder.dims} dims`);
        for (const s of similarities) {
          io.out(`${s.cosine.toFixed(4)}  ${JSON.stringify(positionals[0])} ~ ${JSON.stringify(s.text)}`);
        }
      }
      return EXIT_OK;
    } finally {
      await encoder.dispose();
    }
  },
};
