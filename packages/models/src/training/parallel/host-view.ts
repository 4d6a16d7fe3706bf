import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendInternals {
  dataIdMap: { has(dataId: object): boolean; get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { HEAPU8: Uint8Array };
}

interface CpuBackendInternals {
  data: { has(dataId: object): boolean };
}

/**
 * The float32 values of `tensor` where its backend keeps them, without a copy: a view of the wasm heap
 * (tfjs' `dataSync` on wasm copies the whole tensor out of it), or the cpu backend's own array (what its
 * `dataSync` returns). Null for other backends, other dtypes, or a tensor the current backend does not
 * hold. The caller does not own the view: it is valid only until the next tfjs call (the wasm heap may
 * grow and move), so read it at once and never write to it.
 */
export function float32View(tensor: tf.Tensor): Float32Array | null {
  if (tensor.dtype !== 'float32' || tensor.isDisposed) return null;
  const name = tf.getBackend();
  const backend = tf.backend() as unknown;
  const dataId = tensor.dataId as object;
  if (name === 'wasm') {
    const wasm = backend as Partial<WasmBackendInternals>;
    const entry = wasm.dataIdMap?.has(dataId) ? wasm.dataIdMap.get(dataId) : undefined;
    const heap = wasm.wasm?.HEAPU8;
    if (!entry || typeof entry.memoryOffset !== 'number' || entry.memoryOffset % 4 !== 0 || !heap) return null;
    return new Float32Array(heap.buffer, entry.memoryOffset, tensor.size);
  }
  if (name === 'cpu' && (backend as Partial<CpuBackendInternals>).data?.has(dataId)) {
    const values = tensor.dataSync();
    return values instanceof Float32Array ? values : null;
  }
  return null;
}

/**
 * Copies rows `indices` of `source` (rows of `rowLength` floats) into `target`, in order; runs of
 * consecutive indices go as one copy (an unshuffled batch is a single one).
 */
export function copyRows(source: Float32Array, indices: ArrayLike<number>, rowLength: number, target: Float32Array): void {
  let i = 0;
  while (i < indices.length) {
    const first = indices[i]!;
    let run = 1;
    while (i + run < indices.length && indices[i + run] === first + run) run++;
    target.set(source.subarray(first * rowLength, (first + run) * rowLength), i * rowLength);
    i += run;
  }
}
