/** Input and output names of the converted USE-lite ONNX graph (shared by the converter and the encoder). */
export const USE_LITE_IO = {
  indices: 'indices',
  values: 'values',
  embeddings: 'embeddings',
  tokenStates: 'tokenStates',
} as const;
