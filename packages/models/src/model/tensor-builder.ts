import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import { batchNormTrain } from '../backend/batch-norm-train.js';
import type { Builder, ConvSpec, DepthwiseSpec, Padding } from './builder.js';

/** Batch-norm epsilon and moving-average momentum (PyTorch's 0.1 update rate). */
export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.9;

/** Options of one forward pass. */
export interface ForwardOptions {
  /** Training mode: batch statistics in batch norm, dropout active. Default false. */
  training?: boolean;
  /**
   * Called with the output of every named layer; returning a tensor replaces that output downstream.
   * Used by Grad-CAM to read and substitute a conv layer's activations.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only reads returns nothing; one that substitutes returns the tensor.
  hook?: (name: string, output: tf.Tensor) => tf.Tensor | void;
  /**
   * In training mode, receives the new batch-norm moving statistics (`<layer>.movingMean` →
   * tensor). The tensors are kept out of any enclosing tidy: the caller owns and disposes them.
   */
  stateUpdates?: Map<string, tf.Tensor>;
  /** Seed for dropout masks (default 0). Same seed, same masks. */
  seed?: number;
  /**
   * In training mode, the batch-norm layers for which this returns true run as in inference (moving
   * statistics, no update): a frozen backbone during fine-tuning. Default: none.
   */
  frozen?: (layer: string) => boolean;
}

/** Runs an architecture on tensors, reading parameters by name. */
export class TensorBuilder implements Builder<tf.Tensor> {
  readonly #get: (name: string) => tf.Tensor;
  readonly #options: ForwardOptions;
  #dropouts = 0;

  constructor(get: (name: string) => tf.Tensor, options: ForwardOptions) {
    this.#get = get;
    this.#options = options;
  }

  #out(name: string, y: tf.Tensor): tf.Tensor {
    const replaced = this.#options.hook?.(name, y);
    return replaced ?? y;
  }

  conv(name: string, x: tf.Tensor, spec: ConvSpec): tf.Tensor {
    const filter = this.#get(`${name}.kernel`) as tf.Tensor4D;
    if (!(spec.bias ?? true) && (spec.activation ?? 'linear') === 'linear') {
      // Conv2D's gradient computes each input's gradient only when the tape needs it; FusedConv2D's
      // (a customGrad) computes both, so the stem's input gradient (224² images, no variable behind
      // them) cost ~4% of a ResNet-18 step for nothing.
      return this.#out(name, tf.conv2d(x as tf.Tensor4D, filter, spec.stride ?? 1, spec.padding ?? 'same'));
    }
    const y = tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter,
      strides: spec.stride ?? 1,
      pad: spec.padding ?? 'same',
      ...((spec.bias ?? true) ? { bias: this.#get(`${name}.bias`) } : {}),
      activation: spec.activation ?? 'linear',
    });
    return this.#out(name, y);
  }

  depthwiseConv(name: string, x: tf.Tensor, spec: DepthwiseSpec): tf.Tensor {
    let y: tf.Tensor = tf.depthwiseConv2d(x as tf.Tensor4D, this.#get(`${name}.kernel`) as tf.Tensor4D, spec.stride ?? 1, spec.padding ?? 'same');
    if (spec.bias ?? true) y = tf.add(y, this.#get(`${name}.bias`));
    return this.#out(name, y);
  }

  batchNorm(name: string, x: tf.Tensor): tf.Tensor {
    const gamma = this.#get(`${name}.gamma`) as tf.Tensor1D;
    const beta = this.#get(`${name}.beta`) as tf.Tensor1D;
    let y: tf.Tensor;
    if (this.#options.training && !this.#options.frozen?.(name)) {
      // One kernel forward and one backward where the backend has them (wasm, cpu), else the op chain.
      const fused = batchNormTrain(x, gamma, beta, BN_EPSILON);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (fused !== undefined) ({ y, mean, variance } = fused);
      else {
        const axes = x.shape.map((_, i) => i).slice(0, -1);
        ({ mean, variance } = tf.moments(x, axes));
        y = tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON);
      }
      const sink = this.#options.stateUpdates;
      if (sink) {
        const update = (key: string, batch: tf.Tensor): void => {
          const next = tf.tidy(() => tf.add(tf.mul(this.#get(key), BN_MOMENTUM), tf.mul(batch, 1 - BN_MOMENTUM)));
          sink.get(key)?.dispose();
          sink.set(key, tf.keep(next));
        };
        update(`${name}.movingMean`, mean);
        update(`${name}.movingVariance`, variance);
      }
    } else {
      y = tf.batchNorm(x, this.#get(`${name}.movingMean`) as tf.Tensor1D, this.#get(`${name}.movingVariance`) as tf.Tensor1D, beta, gamma, BN_EPSILON);
    }
    return this.#out(name, y);
  }

  dense(name: string, x: tf.Tensor, units: number): tf.Tensor {
    const kernel = this.#get(`${name}.kernel`) as tf.Tensor2D;
    if (kernel.shape[1] !== units) {
      throw new FpdbError('FPDB_SHAPE', `Dense layer ${name} has ${kernel.shape[1]} units but the architecture asks for ${units}.`);
    }
    const y = tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel, bias: this.#get(`${name}.bias`) });
    return this.#out(name, y);
  }

  relu(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }

  relu6(x: tf.Tensor): tf.Tensor {
    return tf.relu6(x);
  }

  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }

  concat(xs: readonly tf.Tensor[]): tf.Tensor {
    return xs.length === 1 ? xs[0]! : tf.concat(xs.slice(), -1);
  }

  maxPool(name: string, x: tf.Tensor, size: number, stride: number, padding: Padding = 'valid'): tf.Tensor {
    return this.#out(name, tf.maxPool(x as tf.Tensor4D, size, stride, padding));
  }

  avgPool(name: string, x: tf.Tensor, size: number, stride: number): tf.Tensor {
    return this.#out(name, tf.avgPool(x as tf.Tensor4D, size, stride, 'valid'));
  }

  globalAvgPool(name: string, x: tf.Tensor): tf.Tensor {
    return this.#out(name, tf.mean(x, [1, 2]));
  }

  dropout(x: tf.Tensor, rate: number): tf.Tensor {
    if (!this.#options.training || rate <= 0) return x;
    const seed = (this.#options.seed ?? 0) * 1009 + this.#dropouts++;
    return tf.dropout(x, rate, undefined, seed);
  }

  mark(name: string, x: tf.Tensor): tf.Tensor {
    return this.#out(name, x);
  }
}
