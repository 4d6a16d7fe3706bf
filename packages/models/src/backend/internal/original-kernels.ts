import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FpdbError } from '@fpdb/schema';

/** The wasm backend's own kernels, captured before ours replace them (fallbacks and building blocks). */
const originals = new Map<string, KernelConfig>();

/** Remembers the currently registered wasm kernel `name` as the original, unless one is remembered. */
export function rememberOriginal(name: string): KernelConfig | undefined {
  const known = originals.get(name);
  if (known !== undefined) return known;
  const config = getKernel(name, 'wasm');
  if (config !== undefined) originals.set(name, config);
  return config;
}

/** The remembered original wasm kernel `name`, if one was captured. */
export function knownOriginal(name: string): KernelConfig | undefined {
  return originals.get(name);
}

/** Runs the wasm backend's original kernel `name` directly (no engine bookkeeping); the caller owns the result. */
export function runOriginal(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const config = originals.get(name) ?? getKernel(name, 'wasm');
  if (config === undefined) {
    throw new FpdbError('FPDB_KERNEL', `The wasm backend has no kernel '${name}'. Import @tensorflow/tfjs-backend-wasm before setupBackend({ backend: 'wasm' }).`, { details: { value: name } });
  }
  const kernelFunc = config.kernelFunc as KernelFunc;
  const out = kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new FpdbError('FPDB_KERNEL', `Kernel '${name}' returned ${out.length} tensors where one was expected.`, { details: { value: name } });
  }
  return out as TensorInfo;
}
