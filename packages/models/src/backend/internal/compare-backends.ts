// Test helpers: run one kernel or one function on the cpu and the wasm backend and compare numbers.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setupBackend } from '../setup-backend.js';

/** Elementwise tolerance of every wasm-vs-cpu comparison: |wasm − cpu| ≤ ATOL + RTOL·|cpu|. */
export const ATOL = 1e-4;
/** See {@link ATOL}. */
export const RTOL = 1e-4;

let ready: Promise<void> | undefined;

/** Registers both backends once (wasm with our training kernels), leaving wasm active. */
export function ensureBackends(): Promise<void> {
  ready ??= (async () => {
    await setupBackend({ backend: 'cpu' });
    await setupBackend({ backend: 'wasm' });
  })();
  return ready;
}

/** A seeded N(0,1) array, optionally rounded to `step` so that ties occur. */
export function randomValues(size: number, seed: number, step?: number): Float32Array {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 1) {
    const u = Math.max(next(), 1e-12);
    const v = next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    out[i] = step === undefined ? z : Math.round(z / step) * step;
  }
  return out;
}

export interface InputSpec {
  shape: number[];
  values: Float32Array;
}

/** Runs kernel `name` on `backend` with fresh tensors made from `inputs`; returns its output values. */
export async function runKernelOn(backend: 'cpu' | 'wasm', name: string, inputs: Record<string, InputSpec>, attrs: Record<string, unknown>): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape, 'float32')]));
  const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  const result = { shape: out.shape, values };
  out.dispose();
  Object.values(tensors).forEach((t) => t.dispose());
  return result;
}

/** Largest |a − b| and the largest violation of the tolerance (≤ 0 means within). */
export function compareValues(actual: Float32Array, expected: Float32Array): { maxAbs: number; worst: number } {
  let maxAbs = 0;
  let worst = -Infinity;
  for (let i = 0; i < expected.length; i += 1) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= maxAbs)) maxAbs = d;
    const excess = d - (ATOL + RTOL * Math.abs(expected[i]!));
    if (!(excess <= worst)) worst = excess;
  }
  return { maxAbs, worst: expected.length === 0 ? 0 : worst };
}
