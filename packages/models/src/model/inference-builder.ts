import * as tf from '@tensorflow/tfjs-core';
import type { Builder, ConvSpec, DepthwiseSpec, Padding } from './builder.js';

/**
 * Counts, for every operation of an architecture in call order, how many later operations consume its
 * output. Values are operation indices (−1 is the network input).
 */
export class UseCounter implements Builder<number> {
  readonly uses: number[] = [];

  #op(...inputs: number[]): number {
    for (const i of inputs) if (i >= 0) this.uses[i]! += 1;
    this.uses.push(0);
    return this.uses.length - 1;
  }

  conv(_: string, x: number, _s: ConvSpec): number {
    return this.#op(x);
  }
  depthwiseConv(_: string, x: number, _s: DepthwiseSpec): number {
    return this.#op(x);
  }
  batchNorm(_: string, x: number): number {
    return this.#op(x);
  }
  dense(_: string, x: number): number {
    return this.#op(x);
  }
  relu(x: number): number {
    return this.#op(x);
  }
  relu6(x: number): number {
    return this.#op(x);
  }
  add(a: number, b: number): number {
    return this.#op(a, b);
  }
  concat(xs: readonly number[]): number {
    return this.#op(...xs);
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
  #index = 0;

  constructor(inner: Builder<tf.Tensor>, uses: readonly number[], input: tf.Tensor) {
    this.#inner = inner;
    this.#uses = uses;
    this.#input = input;
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
    return this.#step([x], () => this.#inner.conv(name, x, spec));
  }
  depthwiseConv(name: string, x: tf.Tensor, spec: DepthwiseSpec): tf.Tensor {
    return this.#step([x], () => this.#inner.depthwiseConv(name, x, spec));
  }
  batchNorm(name: string, x: tf.Tensor): tf.Tensor {
    return this.#step([x], () => this.#inner.batchNorm(name, x));
  }
  dense(name: string, x: tf.Tensor, units: number): tf.Tensor {
    return this.#step([x], () => this.#inner.dense(name, x, units));
  }
  relu(x: tf.Tensor): tf.Tensor {
    return this.#step([x], () => this.#inner.relu(x));
  }
  relu6(x: tf.Tensor): tf.Tensor {
    return this.#step([x], () => this.#inner.relu6(x));
  }
  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.#step([a, b], () => this.#inner.add(a, b));
  }
  concat(xs: readonly tf.Tensor[]): tf.Tensor {
    return this.#step(xs, () => this.#inner.concat(xs));
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
