import { Identity } from '@tensorflow/tfjs-core';
import type { IdentityInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Identity on wasm without a copy: shares the input's data (reference-counted), as the cpu backend
 * does. The engine clones every tensor it saves for the backward pass, so the backend's copying
 * Identity costs a full pass over each activation per training step.
 */
export function identityWasm(args: { inputs: IdentityInputs; backend: BackendWasm }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Kernel config registering {@link identityWasm} for the 'wasm' backend. */
export const identityWasmConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identityWasm as unknown as KernelFunc,
};
