import { LinkerError } from '../../errors';
import { encodeModel, int64Tensor, floatTensor, OnnxGraphBuilder, type GraphValue } from './onnxGraphBuilder';
import { OP_CONVERTERS, onnxTypeOf, type OpContext } from './tfOpMapping';
import { TF_DTYPE, type TfGraphModel, type TfNode } from './tfjsGraphModel';

/**
 * Walks a TF.js GraphDef from the requested outputs back to the placeholders and emits the equivalent ONNX
 * graph, node by node, with the op mapping of tfOpMapping.ts. Only nodes the outputs depend on are
 * converted, in dependency order (ONNX requires a topologically sorted node list; TF.js does not).
 */

export interface TfInputSpec {
  /** The Placeholder's node name. */
  readonly tfName: string;
  readonly onnxName: string;
  readonly shape: ReadonlyArray<number | string>;
}

export interface TfOutputSpec {
  /** A TF tensor reference: `node` or `node:k`. */
  readonly tfRef: string;
  readonly onnxName: string;
  readonly elemType: number;
  readonly shape: ReadonlyArray<number | string>;
}

export interface TfConversionSpec {
  readonly graphName: string;
  readonly docString: string;
  readonly opset: number;
  readonly inputs: readonly TfInputSpec[];
  readonly outputs: readonly TfOutputSpec[];
}

function splitRef(ref: string): { node: string; index: number } {
  const m = /^(.*):(\d+)$/.exec(ref);
  return m === null ? { node: ref, index: 0 } : { node: m[1], index: Number(m[2]) };
}

/** ONNX name of a TF node's output; the prefix keeps them apart from the graph's declared input/output names. */
function valueName(node: string, index: number): string {
  return index === 0 ? `tf/${node}` : `tf/${node}:${index}`;
}

function dataInputs(node: TfNode): string[] {
  return (node.input ?? []).filter((ref) => !ref.startsWith('^'));
}

/** Nodes the given refs depend on, each after its inputs. */
function dependencyOrder(byName: ReadonlyMap<string, TfNode>, refs: readonly string[]): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (start: string): void => {
    // Iterative depth-first search: the graph is a few hundred nodes deep at most, but recursion depth
    // should not depend on the model.
    const stack: Array<{ name: string; expanded: boolean }> = [{ name: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const node = byName.get(top.name);
      if (node === undefined) {
        throw new LinkerError('modelLoad', `The graph refers to a node '${top.name}' it does not contain.`);
      }
      if (top.expanded) {
        stack.pop();
        if (state.get(top.name) !== 'done') {
          state.set(top.name, 'done');
          order.push(node);
        }
        continue;
      }
      if (state.get(top.name) === 'done') {
        stack.pop();
        continue;
      }
      top.expanded = true;
      state.set(top.name, 'visiting');
      for (const ref of dataInputs(node)) {
        const dep = splitRef(ref).node;
        if (state.get(dep) === 'visiting') {
          throw new LinkerError('modelLoad', `The graph has a cycle through '${dep}'.`);
        }
        if (state.get(dep) !== 'done') {
          stack.push({ name: dep, expanded: false });
        }
      }
    }
  };
  refs.forEach((ref) => visit(splitRef(ref).node));
  return order;
}

export function convertTfGraphToOnnx(model: TfGraphModel, spec: TfConversionSpec): Uint8Array {
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const b = new OnnxGraphBuilder();
  const aliases = new Map<string, string>();
  const emittedConsts = new Set<string>();
  const inputSpecs = new Map(spec.inputs.map((s) => [s.tfName, s]));

  const constOf = (ref: string): { node: TfNode; shape: readonly number[]; data: ArrayLike<number> } | undefined => {
    const { node: name } = splitRef(ref);
    const node = byName.get(name);
    if (node?.op !== 'Const') {
      return undefined;
    }
    const weight = model.weights.get(name);
    if (weight === undefined) {
      throw new LinkerError('modelLoad', `Const '${name}' has no value in the weights manifest.`);
    }
    return { node, shape: weight.shape, data: weight.data };
  };

  /** The ONNX value for a TF ref, writing a Const's initializer the first time it is used as a tensor. */
  const resolve = (ref: string): string => {
    const { node, index } = splitRef(ref);
    const name = valueName(node, index);
    const alias = aliases.get(name);
    if (alias !== undefined) {
      return alias;
    }
    const c = constOf(ref);
    if (c !== undefined && !emittedConsts.has(node)) {
      emittedConsts.add(node);
      const weight = model.weights.get(node);
      const isFloat = weight?.dtype === 'float32';
      b.addInitializer(isFloat ? floatTensor(name, c.data, c.shape) : int64Tensor(name, Array.from(c.data), c.shape));
    }
    return name;
  };

  for (const node of dependencyOrder(byName, spec.outputs.map((o) => o.tfRef))) {
    if (node.op === 'Const') {
      continue;
    }
    if (node.op === 'Placeholder') {
      const input = inputSpecs.get(node.name);
      if (input === undefined) {
        throw new LinkerError('modelLoad', `Placeholder '${node.name}' is not among the declared inputs.`);
      }
      aliases.set(valueName(node.name, 0), input.onnxName);
      continue;
    }
    const convert = OP_CONVERTERS[node.op];
    if (convert === undefined) {
      throw new LinkerError('modelLoad', `TF op ${node.op} (${node.name}) has no ONNX mapping.`, {
        hint: 'Add a converter for it in src/core/encoder/useLite/tfOpMapping.ts.',
      });
    }
    convert(contextFor(node, b, resolve, constOf, byName));
  }

  for (const out of spec.outputs) {
    b.op('Identity', [resolve(out.tfRef)], {}, out.onnxName);
  }
  const graphInputs: GraphValue[] = spec.inputs.map((s) => {
    const node = byName.get(s.tfName);
    return { name: s.onnxName, elemType: onnxTypeOf(node?.attr?.dtype?.type ?? TF_DTYPE.int64), shape: s.shape };
  });
  return encodeModel(b, { name: spec.graphName, docString: spec.docString, inputs: graphInputs, outputs: spec.outputs.map((o) => ({ name: o.onnxName, elemType: o.elemType, shape: o.shape })) }, spec.opset);
}

function contextFor(
  node: TfNode,
  b: OnnxGraphBuilder,
  resolve: (ref: string) => string,
  constOf: (ref: string) => { node: TfNode; shape: readonly number[]; data: ArrayLike<number> } | undefined,
  byName: ReadonlyMap<string, TfNode>,
): OpContext {
  const refs = dataInputs(node);
  const refAt = (i: number): string => {
    if (i >= refs.length) {
      throw new LinkerError('modelLoad', `${node.op} '${node.name}' has no input ${i}.`);
    }
    return refs[i];
  };
  const constTensor = (i: number): { shape: readonly number[]; data: ArrayLike<number> } => {
    const c = constOf(refAt(i));
    if (c === undefined) {
      throw new LinkerError('modelLoad', `${node.op} '${node.name}': input ${i} must be a constant for conversion.`);
    }
    return c;
  };
  return {
    b,
    node,
    inputCount: refs.length,
    input: (i) => resolve(refAt(i)),
    constInput: (i) => Array.from(constTensor(i).data),
    constTensor,
    output: (k = 0) => valueName(node.name, k),
    rankOf: (i) => {
      const producer = byName.get(splitRef(refAt(i)).node);
      const perm = producer?.op === 'Transpose' ? constOf(dataInputs(producer)[1]) : undefined;
      if (perm !== undefined) {
        return perm.data.length;
      }
      const c = constOf(refAt(i));
      if (c !== undefined) {
        return c.shape.length;
      }
      throw new LinkerError('modelLoad', `${node.op} '${node.name}': the rank of input ${i} is not known at conversion time.`);
    },
  };
}
