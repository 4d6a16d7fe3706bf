// Test-only: a tiny learnable image task (class c = a square of side 3 + 2c and brightness 0.5 + 0.15c
// at a seeded position, on seeded noise): position-free, so a conv net with global pooling learns it in a few epochs.
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@fpdb/schema';

export function toyData(n: number, classes: number, size: number, seed: number): { images: tf.Tensor4D; labels: Int32Array } {
  const rng = createRng(seed);
  const labels = new Int32Array(n);
  const pixels = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    const side = Math.min(size, 3 + 2 * c);
    const oy = rng.int(size - side + 1);
    const ox = rng.int(size - side + 1);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = y >= oy && y < oy + side && x >= ox && x < ox + side;
        pixels[i * size * size + y * size + x] = (inside ? 0.5 + 0.15 * c : 0.1) + 0.05 * rng.normal();
      }
    }
  }
  return { images: tf.tensor4d(pixels, [n, size, size, 1]), labels };
}
