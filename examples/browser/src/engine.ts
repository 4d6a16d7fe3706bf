import * as tf from '@tensorflow/tfjs-core';
import { isFpdbError, type Preprocess } from '@fpdb/loader';
import { checkpointPreprocess, gradCam, loadCheckpoint, predict, setupBackend, type BackendSetup, type CheckpointMetadata, type Model } from '@fpdb/models';
import { decodeImage } from './decode-image.js';

/** A checkpoint ready to classify with: the model, what it was trained on, and where it came from. */
export interface LoadedModel {
  model: Model;
  metadata: CheckpointMetadata;
  preprocess: Preprocess;
  /** The folder URL, or `files: a, b, c` for files picked on this machine. */
  source: string;
}

/** One model's answer for one image (the shape of one `fpdb predict --json` prediction). */
export interface ClassOutput {
  class: string;
  probability: number;
  /** Every class of the model, in its order, with its probability. */
  probabilities: Record<string, number>;
}

/** An image's result: its predicted class, the brain sub-plane when one was predicted, and Grad-CAM. */
export interface ImageResult extends ClassOutput {
  file: string;
  /** The brain sub-plane model's answer, for images the planes model calls `Fetal brain`. */
  brain?: ClassOutput;
  /** The model input's pixels (`preprocess.height·width`, gray) and the Grad-CAM heatmap over them, in [0, 1]. */
  pixels: Uint8Array;
  heatmap?: Float32Array;
}

/** A file that could not be classified: the CLI's error shape. */
export interface ImageFailure {
  file: string;
  code: string;
  message: string;
}

let backend: Promise<BackendSetup> | undefined;

/**
 * Starts tfjs once: wasm (SIMD, threads when the page is cross-origin isolated) with the binaries the
 * build copied to `wasm/`, else cpu.
 */
export function startBackend(): Promise<BackendSetup> {
  backend ??= setupBackend({ backend: 'auto', wasmPaths: new URL('wasm/', document.baseURI).href });
  return backend;
}

/** Loads a checkpoint from a folder URL (resolved against the page) or from files picked by the user. */
export async function loadModel(source: string | File[]): Promise<LoadedModel> {
  await startBackend();
  if (typeof source === 'string') {
    const url = new URL(source.endsWith('/') ? source : `${source}/`, document.baseURI);
    const { model, metadata } = await loadCheckpoint(url);
    return { model, metadata, preprocess: checkpointPreprocess(metadata), source: url.href };
  }
  const files: Record<string, Uint8Array> = {};
  for (const file of source) files[file.name] = new Uint8Array(await file.arrayBuffer());
  const { model, metadata } = await loadCheckpoint(files);
  return { model, metadata, preprocess: checkpointPreprocess(metadata), source: `files: ${source.map((f) => f.name).join(', ')}` };
}

/** Releases a model's weights. */
export function disposeModel(loaded: LoadedModel | undefined): void {
  loaded?.model.dispose();
}

function output(loaded: LoadedModel, probabilities: Float32Array, index: number): ClassOutput {
  const classes = loaded.metadata.labels.classes;
  return {
    class: classes[index]!,
    probability: probabilities[index]!,
    probabilities: Object.fromEntries(classes.map((c, k) => [c, probabilities[k]!])),
  };
}

/** Decodes and predicts one image with one model; Grad-CAM of the predicted class when asked. */
async function run(loaded: LoadedModel, bytes: Uint8Array, file: string, withCam: boolean): Promise<{ out: ClassOutput; pixels: Uint8Array; heatmap?: Float32Array }> {
  const { height, width } = loaded.preprocess;
  const { pixels, input } = await decodeImage(bytes, file, loaded.preprocess);
  const x = tf.tensor4d(input, [1, height, width, 1]);
  try {
    const p = await predict(loaded.model, x);
    const index = p.classes[0]!;
    let heatmap: Float32Array | undefined;
    if (withCam) {
      try {
        heatmap = gradCam(loaded.model, x, { classIndex: index }).upsampled;
      } catch (error) {
        // A model without a conv layer has no Grad-CAM: the prediction stands without it.
        console.warn(`fpdb: no Grad-CAM for ${file}:`, error);
      }
    }
    return { out: output(loaded, p.probabilities, index), pixels, ...(heatmap ? { heatmap } : {}) };
  } finally {
    x.dispose();
  }
}

/**
 * Classifies one image file: the main model's class and probabilities (the same numbers as
 * `fpdb predict` for a PNG), Grad-CAM of that class, and, when the main model predicts `Fetal brain` and a
 * brain sub-plane model is given, that model's answer.
 * @throws FpdbError from {@link decodeImage} for a file that is not a readable PNG/JPEG.
 */
export async function classifyImage(main: LoadedModel, brain: LoadedModel | undefined, bytes: Uint8Array, file: string): Promise<ImageResult> {
  const { out, pixels, heatmap } = await run(main, bytes, file, true);
  const result: ImageResult = { file, ...out, pixels, ...(heatmap ? { heatmap } : {}) };
  if (brain && main.metadata.labels.task === 'planes' && out.class === 'Fetal brain') result.brain = (await run(brain, bytes, file, false)).out;
  return result;
}

/** An error as the CLI reports it per file: a stable code and a message that says what to do. */
export function toFailure(file: string, error: unknown): ImageFailure {
  if (isFpdbError(error)) return { file, code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { file, code: 'FPDB_IMAGE_DECODE', message: `${file} could not be classified: ${message}` };
}
