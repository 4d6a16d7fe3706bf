import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import type { Model } from '../model/create-model.js';

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /** A layer name from `model.summary()` with a [H, W, C] output (default: the last such layer before pooling). */
  layer?: string;
  /** Class to explain (default: the predicted class). */
  classIndex?: number;
}

/** A Grad-CAM heatmap. */
export interface GradCam {
  layer: string;
  classIndex: number;
  /** Softmax probabilities of the image. */
  probabilities: Float32Array;
  /** ReLU(Σₖ αₖ Aₖ) at the layer's resolution, scaled to [0, 1], row-major [height, width]. */
  heatmap: Float32Array;
  height: number;
  width: number;
  /** The heatmap resized (bilinear) to the input's [inputHeight, inputWidth]. */
  upsampled: Float32Array;
  inputHeight: number;
  inputWidth: number;
}

/** Names of the layers Grad-CAM can explain (4-D outputs), in network order. */
export function gradCamLayers(model: Model): string[] {
  return model
    .summary()
    .filter((r) => r.outputShape.length === 4)
    .map((r) => r.name);
}

/**
 * Grad-CAM (Selvaraju et al. 2017) for one image [1, H, W, 1] or [H, W, 1] (not disposed): the
 * gradient of the class logit with respect to a conv layer's activations, averaged over space, weighs
 * the activation maps. Inference mode (batch-norm moving statistics).
 * @throws FpdbError FPDB_INVALID_ARGUMENT for an unknown layer or class; FPDB_SHAPE for a batch of more than one image.
 * @example const cam = gradCam(model, image, { layer: 'block4.conv' }); cam.upsampled // Float32Array(128 * 128)
 */
export function gradCam(model: Model, image: tf.Tensor4D | tf.Tensor3D, options: GradCamOptions = {}): GradCam {
  const layers = gradCamLayers(model);
  const layer = options.layer ?? layers.filter((name) => !/pool/.test(name)).at(-1) ?? layers.at(-1);
  if (layer === undefined || !layers.includes(layer)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Grad-CAM cannot use layer ${JSON.stringify(options.layer)}; choose one of: ${layers.join(', ')}.`, { details: { value: options.layer } });
  }
  const x = (image.rank === 3 ? tf.expandDims(image, 0) : image) as tf.Tensor4D;
  try {
    if (x.rank !== 4 || x.shape[0] !== 1 || x.shape[3] !== 1) {
      throw new FpdbError('FPDB_SHAPE', `Grad-CAM explains one image [1, H, W, 1] but got [${image.shape.join(', ')}].`, { details: { value: image.shape } });
    }
    let activation: tf.Tensor | undefined;
    const logits = model.apply(x, {
      hook: (name, out) => {
        if (name === layer) activation = tf.keep(tf.clone(out));
      },
    });
    const probabilities = tf.tidy(() => tf.softmax(logits).dataSync() as Float32Array);
    const k = model.config.numClasses;
    const classIndex = options.classIndex ?? probabilities.indexOf(Math.max(...probabilities));
    logits.dispose();
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= k) {
      activation?.dispose();
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `classIndex must be an integer in 0–${k - 1} but is ${classIndex}.`, { details: { value: classIndex } });
    }
    const a = activation as tf.Tensor4D;
    const [, h, w] = a.shape;
    const [, inH, inW] = x.shape;
    const { cam, up } = tf.tidy(() => {
      const score = (act: tf.Tensor): tf.Scalar => tf.squeeze(tf.slice(model.apply(x, { hook: (name) => (name === layer ? act : undefined) }), [0, classIndex], [1, 1])) as tf.Scalar;
      const grads = tf.grad(score)(a);
      const alpha = tf.mean(grads, [1, 2], true);
      const raw = tf.relu(tf.sum(tf.mul(a, alpha), -1, true)) as tf.Tensor4D;
      const max = tf.max(raw);
      const scaled = tf.div(raw, tf.maximum(max, 1e-12)) as tf.Tensor4D;
      return { cam: scaled, up: tf.image.resizeBilinear(scaled, [inH, inW], true) };
    });
    a.dispose();
    const result: GradCam = {
      layer,
      classIndex,
      probabilities,
      heatmap: Float32Array.from(cam.dataSync()),
      height: h,
      width: w,
      upsampled: Float32Array.from(up.dataSync()),
      inputHeight: inH,
      inputWidth: inW,
    };
    tf.dispose([cam, up]);
    return result;
  } finally {
    if (x !== image) x.dispose();
  }
}
