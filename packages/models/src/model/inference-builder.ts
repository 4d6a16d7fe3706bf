import * as tf from '@tensorflow/tfjs-core';
import type { Builder, ConvSpec, DepthwiseSpec, Padding } from './builder.js';
import { BATCH_NORM_ACT, batchNormActAttrs } from '../backend/kernels/batch-norm-act.js';
import { FOLDED_CONV2D, foldedConv2dAttrs, usesWinograd } from '../backend/kernels/folded-conv2d.js';
import { BN_EPSILON } from './tensor-builder.js';

/**
 * Counts, for every operation of an architecture in call order, how many later operations consume its
 * output. Values are operation indices (−1 is the network input).
 */
export class UseCounter implements Builder<number> {
  readonly uses: number[] = [];
  /** Each operation's kind (the Builder method), inputs and name (named operations), in call order. */
  readonly ops: { kind: string; inputs: number[]; name?: string }[] = [];

  #op(...inputs: number[]): number {
    return this.#record('other', undefined, inputs);
  }

  #record(kind: string, name: string | undefined, inputs: number[]): number {
    for (const i of inputs) if (i >= 0) this.uses[i]! += 1;
    this.uses.push(0);
    this.ops.push({ kind, inputs, ...(name === undefined ? {} : { name }) });
    return this.uses.length - 1;
  }

  conv(name: string, x: number, _s: ConvSpec): number {
    return this.#record('conv', name, [x]);
  }
  depthwiseConv(name: string, x: number, _s: DepthwiseSpec): number {
    return this.#record('depthwiseConv', name, [x]);
  }
  batchNorm(name: string, x: number): number {
    return this.#record('batchNorm', name, [x]);
  }
  dense(_: string, x: number): number {
    return this.#op(x);
  }
  relu(x: number): number {
    return this.#record('relu', undefined, [x]);
  }
  relu6(x: number): number {
    return this.#record('relu6', undefined, [x]);
  }
  add(a: number, b: number): number {
    return this.#op(a, b);
  }
  concat(xs: readonly number[]): number {
    return this.#record('concat', undefined, xs.slice());
  }
  maxPool(_: string, x: number): number {
    return this.#op(x);
  }
  avgPool(_: string, x: number): number {
    return this.#op(x);
  }
  globalAvgPool(_: string, x: number): number {
    return this.#op(x);
  }
  dropout(x: number): number {
    return this.#op(x);
  }
  mark(_: string, x: number): number {
    return this.#op(x);
  }
}

/**
 * Inference without gradients: runs the tensor builder but frees every activation as soon as its last
 * consumer has run (from a {@link UseCounter} plan), so peak memory is a few activations instead of all
 * of them — what makes batch 64 at 224² fit in wasm memory for DenseNet and MobileNetV2.
 */
export class FreeingBuilder implements Builder<tf.Tensor> {
  readonly #inner: Builder<tf.Tensor>;
  readonly #uses: readonly number[];
  readonly #input: tf.Tensor;
  readonly #remaining = new Map<tf.Tensor, number>();
  readonly #folds: ReadonlyMap<number, BatchNormFold>;
  readonly #get: ((name: string) => tf.Tensor) | undefined;
  /** Op indices of the batch norms and activations folded into the conv before them. */
  readonly #away = new Set<number>();
  /** Batch norms (with their activation) run as one pass, by the op index they run at (theirs, or the concat before them). */
  readonly #batchNormActs: ReadonlyMap<number, BatchNormAct>;
  #index = 0;

  /**
   * With `folding` (the {@link UseCounter}'s ops and the parameter getter), a conv or depthwise conv
   * whose only consumer is an inference batch norm (and that one's only consumer a ReLU/ReLU6) runs
   * as one fused conv: the batch norm folded into the filter and a bias, the activation in the conv's
   * epilogue; the batch norm and activation calls then pass their input through. That saves two full
   * passes over the activation per layer (FusedBatchNorm was ~8% of a ResNet-18 forward).
   */
  constructor(inner: Builder<tf.Tensor>, uses: readonly number[], input: tf.Tensor, folding?: { ops: UseCounter['ops']; get: (name: string) => tf.Tensor }) {
    this.#inner = inner;
    this.#uses = uses;
    this.#input = input;
    this.#folds = folding ? planBatchNormFolds(folding.ops, uses) : new Map();
    this.#get = folding?.get;
    for (const [conv, fold] of this.#folds) {
      this.#away.add(conv + 1);
      if (fold.activation !== 'linear') this.#away.add(conv + 2);
    }
    this.#batchNormActs = folding && tf.getKernel(BATCH_NORM_ACT, tf.getBackend()) !== undefined ? planBatchNormActs(folding.ops, uses, this.#away) : new Map();
  }

  /** The op at the current index, when a batch norm (and activation) runs there in one pass over `xs`' concatenation. */
  #batchNormAct(xs: readonly tf.Tensor[]): (() => tf.Tensor) | undefined {
    const plan = this.#batchNormActs.get(this.#index);
    const get = this.#get;
    if (plan === undefined || get === undefined) return undefined;
    return () => {
      const inputs: tf.NamedTensorMap = {
        gamma: get(`${plan.batchNorm}.gamma`),
        beta: get(`${plan.batchNorm}.beta`),
        movingMean: get(`${plan.batchNorm}.movingMean`),
        movingVariance: get(`${plan.batchNorm}.movingVariance`),
      };
      xs.forEach((x, i) => {
        inputs[`x${i}`] = x;
      });
      return tf.engine().runKernel(BATCH_NORM_ACT, inputs, batchNormActAttrs({ count: xs.length, activation: plan.activation, epsilon: BN_EPSILON })) as tf.Tensor;
    };
  }

  /** The op at the current index, when it is a conv folded with its batch norm: runs it fused. */
  #folded(run: (fold: BatchNormFold, get: (name: string) => tf.Tensor) => tf.Tensor): (() => tf.Tensor) | undefined {
    const fold = this.#folds.get(this.#index);
    const get = this.#get;
    return fold === undefined || get === undefined ? undefined : () => run(fold, get);
  }

  /** A batch norm or activation folded into the conv before it: its input is already its output. */
  #passThrough(x: tf.Tensor): (() => tf.Tensor) | undefined {
    return this.#away.has(this.#index) ? () => x : undefined;
  }

  #step(inputs: readonly tf.Tensor[], run: () => tf.Tensor): tf.Tensor {
    const out = tf.tidy(run);
    const uses = this.#uses[this.#index++] ?? 0;
    for (const t of inputs) this.#remaining.set(t, (this.#remaining.get(t) ?? 1) - 1);
    // Pass-through operations (dropout at inference, a one-input concat, marks) return their input.
    this.#remaining.set(out, (inputs.includes(out) ? this.#remaining.get(out)! : 0) + uses);
    for (const t of inputs) {
      if (t !== this.#input && t !== out && this.#remaining.get(t) === 0) {
        this.#remaining.delete(t);
        t.dispose();
      }
    }
    return out;
  }

  conv(name: string, x: tf.Tensor, spec: ConvSpec): tf.Tensor {
    const fused = this.#folded((fold, get) => {
      const bias = (spec.bias ?? true) ? get(`${name}.bias`) : undefined;
      if (tf.getKernel(FOLDED_CONV2D, tf.getBackend()) !== undefined) {
        // The backend folds and packs each filter once and keeps it while the weights stay the same.
        const bn = fold.batchNorm;
        const inputs: tf.NamedTensorMap = {
          x,
          filter: get(`${name}.kernel`),
          gamma: get(`${bn}.gamma`),
          beta: get(`${bn}.beta`),
          movingMean: get(`${bn}.movingMean`),
          movingVariance: get(`${bn}.movingVariance`),
          ...(bias === undefined ? {} : { bias }),
        };
        const attrs = foldedConv2dAttrs({ strides: spec.stride ?? 1, pad: spec.padding ?? 'same', activation: fold.activation, epsilon: BN_EPSILON });
        return tf.engine().runKernel(FOLDED_CONV2D, inputs, attrs) as tf.Tensor;
      }
      const { scale, shift } = foldedBatchNorm(get, fold.batchNorm, bias);
      return tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: tf.mul(get(`${name}.kernel`), scale) as tf.Tensor4D,
        strides: spec.stride ?? 1,
        pad: spec.padding ?? 'same',
        bias: shift,
        activation: fold.activation,
      });
    });
    return this.#step([x], fused ?? this.#winogradConv(name, x, spec) ?? (() => this.#inner.conv(name, x, spec)));
  }

  /**
   * A conv no batch norm follows (DenseNet's 3×3 growth convs) through the backend's cached-filter kernel,
   * where that kernel runs it as Winograd F(4×4, 3×3) ({@link usesWinograd} decides).
   */
  #winogradConv(name: string, x: tf.Tensor, spec: ConvSpec): (() => tf.Tensor) | undefined {
    const get = this.#get;
    if (get === undefined || x.rank !== 4 || tf.getKernel(FOLDED_CONV2D, tf.getBackend()) === undefined) return undefined;
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo([b, h, w, c], [spec.kernel, spec.kernel, c, spec.filters], spec.stride ?? 1, 1, spec.padding ?? 'same');
    if (!usesWinograd(info)) return undefined;
    return () => {
      const bias = (spec.bias ?? true) ? get(`${name}.bias`) : undefined;
      const inputs: tf.NamedTensorMap = { x, filter: get(`${name}.kernel`), ...(bias === undefined ? {} : { bias }) };
      const attrs = foldedConv2dAttrs({ strides: 1, pad: spec.padding ?? 'same', activation: spec.activation ?? 'linear', epsilon: BN_EPSILON });
      return tf.engine().runKernel(FOLDED_CONV2D, inputs, attrs) as tf.Tensor;
    };
  }

  depthwiseConv(name: string, x: tf.Tensor, spec: DepthwiseSpec): tf.Tensor {
    const fused = this.#folded((fold, get) => {
      const kernel = get(`${name}.kernel`);
      const { scale, shift } = foldedBatchNorm(get, fold.batchNorm, (spec.bias ?? true) ? get(`${name}.bias`) : undefined);
      return tf.fused.depthwiseConv2d({
        x: x as tf.Tensor4D,
        // Output channel c·M + m of a [kh, kw, C, M] filter scales by scale[c·M + m].
        filter: tf.mul(kernel, tf.reshape(scale, [kernel.shape[2]!, kernel.shape[3]!])) as tf.Tensor4D,
        strides: spec.stride ?? 1,
        pad: spec.padding ?? 'same',
        bias: shift,
        activation: fold.activation,
      });
    });
    return this.#step([x], fused ?? (() => this.#inner.depthwiseConv(name, x, spec)));
  }
  batchNorm(name: string, x: tf.Tensor): tf.Tensor {
    return this.#step([x], this.#passThrough(x) ?? this.#batchNormAct([x]) ?? (() => this.#inner.batchNorm(name, x)));
  }
  dense(name: string, x: tf.Tensor, units: number): tf.Tensor {
    return this.#step([x], () => this.#inner.dense(name, x, units));
  }
  relu(x: tf.Tensor): tf.Tensor {
    return this.#step([x], this.#passThrough(x) ?? (() => this.#inner.relu(x)));
  }
  relu6(x: tf.Tensor): tf.Tensor {
    return this.#step([x], this.#passThrough(x) ?? (() => this.#inner.relu6(x)));
  }
  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.#step([a, b], () => this.#inner.add(a, b));
  }
  concat(xs: readonly tf.Tensor[]): tf.Tensor {
    return this.#step(xs, this.#batchNormAct(xs) ?? (() => this.#inner.concat(xs)));
  }
  maxPool(name: string, x: tf.Tensor, size: number, stride: number, padding?: Padding): tf.Tensor {
    return this.#step([x], () => this.#inner.maxPool(name, x, size, stride, padding));
  }
  avgPool(name: string, x: tf.Tensor, size: number, stride: number): tf.Tensor {
    return this.#step([x], () => this.#inner.avgPool(name, x, size, stride));
  }
  globalAvgPool(name: string, x: tf.Tensor): tf.Tensor {
    return this.#step([x], () => this.#inner.globalAvgPool(name, x));
  }
  dropout(x: tf.Tensor, rate: number): tf.Tensor {
    return this.#step([x], () => this.#inner.dropout(x, rate));
  }
  mark(name: string, x: tf.Tensor): tf.Tensor {
    return this.#step([x], () => this.#inner.mark(name, x));
  }
}

/** A conv (at its op index) folded with the inference batch norm after it, and the activation after that. */
interface BatchNormFold {
  batchNorm: string;
  activation: 'linear' | 'relu' | 'relu6';
}

/**
 * The convs (op indices) whose output only an inference batch norm reads, and whose batch norm's
 * output only a ReLU/ReLU6 reads (then folded too).
 */
function planBatchNormFolds(ops: UseCounter['ops'], uses: readonly number[]): Map<number, BatchNormFold> {
  const folds = new Map<number, BatchNormFold>();
  ops.forEach((op, i) => {
    if (op.kind !== 'conv' && op.kind !== 'depthwiseConv') return;
    const bn = ops[i + 1];
    if (bn?.kind !== 'batchNorm' || bn.inputs[0] !== i || uses[i] !== 1 || bn.name === undefined) return;
    const act = ops[i + 2];
    const fusedAct = (act?.kind === 'relu' || act?.kind === 'relu6') && act.inputs[0] === i + 1 && uses[i + 1] === 1 ? act.kind : 'linear';
    folds.set(i, { batchNorm: bn.name, activation: fusedAct });
  });
  return folds;
}

/** A batch norm that no conv folds, run as one scale-and-shift pass with the activation after it. */
interface BatchNormAct {
  batchNorm: string;
  activation: 'linear' | 'relu' | 'relu6';
}

/**
 * The batch norms not folded into a conv (`away`: the folded ones, updated with the ops these absorb):
 * each runs with the ReLU/ReLU6 that alone reads it, and at the concat before it when that concat
 * feeds only it (DenseNet's pre-activation layers: the concat is never materialised).
 */
function planBatchNormActs(ops: UseCounter['ops'], uses: readonly number[], away: Set<number>): Map<number, BatchNormAct> {
  const plans = new Map<number, BatchNormAct>();
  ops.forEach((op, i) => {
    if (op.kind !== 'batchNorm' || away.has(i) || op.name === undefined) return;
    const act = ops[i + 1];
    const activation = (act?.kind === 'relu' || act?.kind === 'relu6') && act.inputs[0] === i && uses[i] === 1 ? act.kind : 'linear';
    const source = op.inputs[0]!;
    const atConcat = source === i - 1 && ops[source]?.kind === 'concat' && uses[source] === 1;
    plans.set(atConcat ? source : i, { batchNorm: op.name, activation });
    if (atConcat) away.add(i);
    if (activation !== 'linear') away.add(i + 1);
  });
  return plans;
}

/**
 * Inference batch norm y = (x − μ)·γ/√(σ² + ε) + β as a per-channel scale and shift of the conv before
 * it: conv(x, w·scale) + shift, shift = β − μ·scale (+ the conv's own bias · scale).
 */
function foldedBatchNorm(get: (name: string) => tf.Tensor, name: string, convBias: tf.Tensor | undefined): { scale: tf.Tensor; shift: tf.Tensor } {
  const scale = tf.mul(get(`${name}.gamma`), tf.rsqrt(tf.add(get(`${name}.movingVariance`), BN_EPSILON)));
  let shift = tf.sub(get(`${name}.beta`), tf.mul(get(`${name}.movingMean`), scale));
  if (convBias !== undefined) shift = tf.add(shift, tf.mul(convBias, scale));
  return { scale, shift };
}
