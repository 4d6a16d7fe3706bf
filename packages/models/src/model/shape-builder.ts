import { FpdbError } from '@fpdb/schema';
import type { Builder, ConvSpec, DepthwiseSpec, Padding } from './builder.js';
import type { ParamSpec, SummaryRow } from './types.js';

/** A value of the shape tracer: the shape without the batch dimension ([H, W, C] or [C]). */
export interface Shape {
  dims: number[];
}

function outSize(size: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(size / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * Traces an architecture on shapes only: collects the parameter specs and the summary rows, and
 * checks that every layer gets a valid input (e.g. a pool on a 1×1 map is a clear error).
 */
export class ShapeBuilder implements Builder<Shape> {
  readonly params: ParamSpec[] = [];
  readonly rows: SummaryRow[] = [];
  readonly #names = new Set<string>();

  #spatial(name: string, x: Shape): [number, number, number] {
    const [h, w, c] = x.dims;
    if (x.dims.length !== 3 || h === undefined || w === undefined || c === undefined) {
      throw new FpdbError('FPDB_SHAPE', `Layer ${name} needs a [H, W, C] feature map but got [${x.dims.join(', ')}].`, { details: { value: name } });
    }
    return [h, w, c];
  }

  #row(name: string, kind: SummaryRow['kind'], dims: number[], params: number): Shape {
    if (this.#names.has(name)) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `Layer name ${name} is used twice in one architecture.`, { details: { value: name } });
    }
    if (dims.some((d) => !(d >= 1))) {
      throw new FpdbError('FPDB_SHAPE', `Layer ${name} would output [${dims.join(', ')}]: the input is too small for this architecture. Use a larger input size or fewer down-sampling stages.`, {
        details: { value: name },
      });
    }
    this.#names.add(name);
    this.rows.push({ name, kind, outputShape: [null, ...dims], params });
    return { dims };
  }

  #param(spec: ParamSpec): number {
    this.params.push(spec);
    return spec.shape.reduce((a, b) => a * b, 1);
  }

  conv(name: string, x: Shape, spec: ConvSpec): Shape {
    const [h, w, c] = this.#spatial(name, x);
    const k = spec.kernel;
    const s = spec.stride ?? 1;
    const pad = spec.padding ?? 'same';
    let n = this.#param({ name: `${name}.kernel`, shape: [k, k, c, spec.filters], init: 'he', fanIn: k * k * c, fanOut: k * k * spec.filters, trainable: true, decay: true });
    if (spec.bias ?? true) n += this.#param({ name: `${name}.bias`, shape: [spec.filters], init: 'zeros', fanIn: 0, fanOut: 0, trainable: true, decay: false });
    return this.#row(name, 'conv', [outSize(h, k, s, pad), outSize(w, k, s, pad), spec.filters], n);
  }

  depthwiseConv(name: string, x: Shape, spec: DepthwiseSpec): Shape {
    const [h, w, c] = this.#spatial(name, x);
    const k = spec.kernel;
    const s = spec.stride ?? 1;
    let n = this.#param({ name: `${name}.kernel`, shape: [k, k, c, 1], init: 'he', fanIn: k * k, fanOut: k * k, trainable: true, decay: true });
    if (spec.bias ?? true) n += this.#param({ name: `${name}.bias`, shape: [c], init: 'zeros', fanIn: 0, fanOut: 0, trainable: true, decay: false });
    const pad = spec.padding ?? 'same';
    return this.#row(name, 'depthwise', [outSize(h, k, s, pad), outSize(w, k, s, pad), c], n);
  }

  batchNorm(name: string, x: Shape): Shape {
    const c = x.dims[x.dims.length - 1]!;
    const base = { fanIn: 0, fanOut: 0, shape: [c] };
    let n = this.#param({ ...base, name: `${name}.gamma`, init: 'ones', trainable: true, decay: false });
    n += this.#param({ ...base, name: `${name}.beta`, init: 'zeros', trainable: true, decay: false });
    n += this.#param({ ...base, name: `${name}.movingMean`, init: 'zeros', trainable: false, decay: false });
    n += this.#param({ ...base, name: `${name}.movingVariance`, init: 'ones', trainable: false, decay: false });
    return this.#row(name, 'batchnorm', x.dims.slice(), n);
  }

  dense(name: string, x: Shape, units: number): Shape {
    if (x.dims.length !== 1) {
      throw new FpdbError('FPDB_SHAPE', `Dense layer ${name} needs a flat [C] input but got [${x.dims.join(', ')}]; add a global pool first.`, { details: { value: name } });
    }
    const c = x.dims[0]!;
    let n = this.#param({ name: `${name}.kernel`, shape: [c, units], init: 'glorot', fanIn: c, fanOut: units, trainable: true, decay: true });
    n += this.#param({ name: `${name}.bias`, shape: [units], init: 'zeros', fanIn: 0, fanOut: 0, trainable: true, decay: false });
    return this.#row(name, 'dense', [units], n);
  }

  relu(x: Shape): Shape {
    return x;
  }

  relu6(x: Shape): Shape {
    return x;
  }

  add(a: Shape, b: Shape): Shape {
    if (a.dims.join() !== b.dims.join()) {
      throw new FpdbError('FPDB_SHAPE', `Cannot add feature maps [${a.dims.join(', ')}] and [${b.dims.join(', ')}]: a residual connection needs equal shapes.`);
    }
    return a;
  }

  concat(xs: readonly Shape[]): Shape {
    const first = xs[0]!;
    const c = xs.reduce((sum, x) => sum + x.dims[x.dims.length - 1]!, 0);
    return { dims: [...first.dims.slice(0, -1), c] };
  }

  maxPool(name: string, x: Shape, size: number, stride: number, padding: Padding = 'valid'): Shape {
    const [h, w, c] = this.#spatial(name, x);
    return this.#row(name, 'maxpool', [outSize(h, size, stride, padding), outSize(w, size, stride, padding), c], 0);
  }

  avgPool(name: string, x: Shape, size: number, stride: number): Shape {
    const [h, w, c] = this.#spatial(name, x);
    return this.#row(name, 'avgpool', [outSize(h, size, stride, 'valid'), outSize(w, size, stride, 'valid'), c], 0);
  }

  globalAvgPool(name: string, x: Shape): Shape {
    const [, , c] = this.#spatial(name, x);
    return this.#row(name, 'gap', [c], 0);
  }

  dropout(x: Shape): Shape {
    return x;
  }

  mark(name: string, x: Shape): Shape {
    return this.#row(name, 'mark', x.dims.slice(), 0);
  }
}
