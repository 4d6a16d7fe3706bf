import { util } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, heapOffset, trainingKernels } from '../internal/training-module.js';

/**
 * The gradient of ReLU and ReLU6 as one kernel: inputs `dy` and `x` (same shape, float32), attr `max`
 * (`Infinity` for ReLU, 6 for ReLU6) → `dx = dy` where `0 < x <= max`, else 0. What tfjs' gradients
 * compute with `LessEqual` + `Step` + `Cast` + `Multiply`, in one pass and without the mask tensors.
 */
export const RELU_GRAD = 'FpdbReluGrad';

export interface ReluGradAttrs {
  max: number;
}

function reluGradWasm(args: { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: NamedAttrMap }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  assertFloat32(RELU_GRAD, [dy, x]);
  util.assertShapesMatch(dy.shape, x.shape, `${RELU_GRAD}: dy and x`);
  const dx = backend.makeOutput(x.shape, 'float32');
  const n = util.sizeFromShape(x.shape);
  if (n > 0) trainingKernels(backend).relu_grad(heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, dx), n, (attrs as unknown as ReluGradAttrs).max);
  return dx;
}

/** The parts of the tfjs cpu backend this kernel uses. */
interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

function reluGradCpu(args: { inputs: Record<string, TensorInfo>; backend: CpuBackend; attrs: NamedAttrMap }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  assertFloat32(RELU_GRAD, [dy, x]);
  util.assertShapesMatch(dy.shape, x.shape, `${RELU_GRAD}: dy and x`);
  const max = (attrs as unknown as ReluGradAttrs).max;
  const g = backend.data.get(dy.dataId).values as Float32Array;
  const xs = backend.data.get(x.dataId).values as Float32Array;
  const dx = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i += 1) dx[i] = xs[i]! > 0 && xs[i]! <= max ? g[i]! : 0;
  return backend.makeTensorInfo(x.shape, 'float32', dx);
}

/** Kernel configs of {@link RELU_GRAD} on 'wasm' (SIMD) and 'cpu' (a plain loop). */
export const reluGradWasmConfig: KernelConfig = { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradWasm as unknown as KernelFunc };
export const reluGradCpuConfig: KernelConfig = { kernelName: RELU_GRAD, backendName: 'cpu', kernelFunc: reluGradCpu as unknown as KernelFunc };
