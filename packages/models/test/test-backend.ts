// Test-only: the cpu backend with every gradient registered (Vite resolves the extension-less imports).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

/** Selects the cpu backend quietly. */
export async function useCpuBackend(): Promise<void> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Selects the wasm backend with the package's training kernels (fast enough for training tests). */
export async function useWasmBackend(): Promise<void> {
  const { setupBackend } = await import('../src/backend/setup-backend.js');
  await setupBackend({ backend: 'wasm' });
}
