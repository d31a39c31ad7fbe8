import { onnx } from 'onnx-proto';

/**
 * A small writer for ONNX graphs on top of onnx-proto's generated protobuf classes: nodes, initializers and
 * attributes with fresh names, so the op mapping reads as "emit MatMul(a, b)" rather than protobuf plumbing.
 */

export const ONNX_TYPE = { float: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64, bool: onnx.TensorProto.DataType.BOOL } as const;

export type AttributeValue = number | readonly number[] | onnx.ITensorProto | { readonly float: number };

/** A large stand-in for "to the end" in Slice ends (exact in both int64 and double). */
export const SLICE_TO_END = 2 ** 62;

export class OnnxGraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A value name not used before, derived from `base`. */
  fresh(base: string): string {
    let name = `${base}__${this.counter++}`;
    while (this.used.has(name)) {
      name = `${base}__${this.counter++}`;
    }
    this.used.add(name);
    return name;
  }

  /** Emits one node; returns its output names (fresh ones unless given). */
  node(opType: string, inputs: readonly string[], outputs: number | readonly string[] = 1, attributes: Record<string, AttributeValue> = {}): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType)) : [...outputs];
    outs.forEach((o) => this.used.add(o));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: this.fresh(`node_${opType}`),
        input: [...inputs],
        output: outs,
        attribute: Object.entries(attributes).map(([name, value]) => toAttribute(name, value)),
      }),
    );
    return outs;
  }

  /** Shorthand for a single-output node. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    return this.node(opType, inputs, output === undefined ? 1 : [output], attributes)[0];
  }

  addInitializer(tensor: onnx.ITensorProto): string {
    this.used.add(tensor.name as string);
    this.initializers.push(tensor);
    return tensor.name as string;
  }

  int64(values: readonly number[], dims: readonly number[] = [values.length], base = 'const_i64'): string {
    return this.addInitializer(int64Tensor(this.fresh(base), values, dims));
  }

  float(values: ArrayLike<number>, dims: readonly number[], name?: string): string {
    return this.addInitializer(floatTensor(name ?? this.fresh('const_f32'), values, dims));
  }
}

export function int64Tensor(name: string, values: readonly number[], dims: readonly number[]): onnx.ITensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(Math.trunc(v))));
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: ONNX_TYPE.int64, rawData: new Uint8Array(data.buffer) });
}

export function floatTensor(name: string, values: ArrayLike<number>, dims: readonly number[]): onnx.ITensorProto {
  const data = Float32Array.from(values);
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: ONNX_TYPE.float, rawData: new Uint8Array(data.buffer) });
}

function toAttribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return { name, type: T.INT, i: value };
  }
  if (Array.isArray(value)) {
    return { name, type: T.INTS, ints: [...(value as readonly number[])] };
  }
  if (typeof value === 'object' && 'float' in value) {
    return { name, type: T.FLOAT, f: (value as { float: number }).float };
  }
  return { name, type: T.TENSOR, t: value as onnx.ITensorProto };
}

export interface GraphValue {
  readonly name: string;
  readonly elemType: number;
  /** Fixed sizes or symbolic names. */
  readonly shape: ReadonlyArray<number | string>;
}

function valueInfo(v: GraphValue): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: v.elemType,
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Serialises a finished graph as an ONNX model (IR 7, default domain at `opset`). */
export function encodeModel(builder: OnnxGraphBuilder, graph: { name: string; inputs: GraphValue[]; outputs: GraphValue[]; docString: string }, opset: number): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'entity-linker',
    producerVersion: '1',
    docString: graph.docString,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: graph.name,
      node: builder.nodes,
      initializer: builder.initializers,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
