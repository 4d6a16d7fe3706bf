import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FpdbError } from '@fpdb/schema';
import { registerGradients } from './register-gradients.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { compileTrainingKernels, trainingKernels } from './internal/training-module.js';

/** The tfjs backends {@link setupBackend} can select; 'auto' is wasm when it loads, else cpu. */
export const BACKEND_CHOICES = ['wasm', 'cpu', 'auto'] as const;
/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /** Backend to select. Default 'auto'. */
  backend?: BackendChoice;
  /**
   * Folder (path or URL prefix ending in '/') holding the tfjs-backend-wasm `.wasm` files. Default in
   * Node: the installed `@tensorflow/tfjs-backend-wasm/dist/`. Ignored once the wasm backend is initialized.
   */
  wasmPaths?: string;
  /** On wasm: 'all' (default) our training kernels, or only the 'missing' ones (to compare). */
  wasmKernels?: 'all' | 'missing';
  /** Set tfjs's PROD flag (no debug checks, no "install tfjs-node" banner). Default true. */
  production?: boolean;
}

/** What {@link setupBackend} selected. */
export interface BackendSetup {
  /** The active backend. */
  backend: Exclude<BackendChoice, 'auto'>;
  /** Whether the wasm backend runs its SIMD build (always false on cpu). */
  simd: boolean;
  /** Kernels that were added or replaced for training (empty on cpu). */
  kernels: string[];
  /** Whether our kernels run their relaxed-SIMD build (fused multiply-add; false on cpu). */
  relaxedSimd: boolean;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function defaultWasmPaths(): Promise<string | undefined> {
  if (!isNode) return undefined;
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`;
}

type Listener = (...args: unknown[]) => void;

/**
 * Runs `init` and then removes the process-wide `unhandledRejection → throw` and
 * `uncaughtException → throw` handlers that the emscripten runtime of tfjs-backend-wasm installs in
 * Node, so that loading the backend does not change how the host program handles errors.
 */
async function withoutEmscriptenHandlers<T>(init: () => Promise<T>): Promise<T> {
  if (!isNode) return init();
  const events = ['unhandledRejection', 'uncaughtException'] as const;
  const listeners = (event: (typeof events)[number]): Listener[] => process.listeners(event as 'unhandledRejection') as Listener[];
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  try {
    return await init();
  } finally {
    for (const event of events) {
      for (const listener of listeners(event)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
  }
}

async function setupWasm(options: SetupBackendOptions): Promise<BackendSetup | undefined> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const paths = options.wasmPaths ?? (await defaultWasmPaths());
  if (paths !== undefined) {
    try {
      wasm.setWasmPaths(paths);
    } catch {
      // The backend is already initialized (setWasmPaths refuses then): its paths served already.
    }
  }
  const kernels = registerWasmTrainingKernels({ kernels: options.wasmKernels ?? 'all' });
  // tf.findBackend would start the initialization too: only setBackend runs inside the guard.
  const ok = await withoutEmscriptenHandlers(() => tf.setBackend('wasm'));
  if (!ok) return undefined;
  await tf.ready();
  trainingKernels(tf.backend() as BackendWasm);
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { backend: 'wasm', simd, kernels, relaxedSimd: compileTrainingKernels().relaxedSimd };
}

async function setupCpu(): Promise<BackendSetup> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (cause) {
    // An optional peer: users of the wasm backend need not install it.
    throw new FpdbError(
      'FPDB_BACKEND',
      `The tfjs cpu backend could not be loaded (${(cause as Error).message.split('\n')[0]}). Install @tensorflow/tfjs-backend-cpu next to @tensorflow/tfjs-core (the same version).`,
      {
        cause,
        details: { value: 'cpu' },
      },
    );
  }
  if (!(await tf.setBackend('cpu'))) {
    throw new FpdbError('FPDB_BACKEND', 'The tfjs cpu backend failed to initialize. Install @tensorflow/tfjs-backend-cpu 4.22.0 next to @tensorflow/tfjs-core.');
  }
  await tf.ready();
  return { backend: 'cpu', simd: false, kernels: [], relaxedSimd: false };
}

/**
 * Prepares tfjs-core for training: registers all gradients, selects the backend and, on wasm,
 * registers the training kernels ({@link registerWasmTrainingKernels}). Works in the main thread and
 * in a `worker_threads` Worker (each worker calls it once and gets its own backend).
 *
 * @throws FpdbError FPDB_BACKEND when the requested backend cannot initialize ('auto' falls back to cpu)
 * @example
 * import { setupBackend } from '@fpdb/models';
 * const { backend } = await setupBackend({ backend: 'auto' }); // 'wasm' in Node 20
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendSetup> {
  const choice = options.backend ?? 'auto';
  if (choice !== 'wasm' && choice !== 'cpu' && choice !== 'auto') {
    throw new FpdbError('FPDB_BACKEND', `Unknown backend '${String(choice)}'. Use 'wasm', 'cpu' or 'auto'.`, { details: { value: choice } });
  }
  if (options.production ?? true) tf.env().set('PROD', true);
  await registerGradients();
  if (choice === 'cpu') return setupCpu();
  let failure: unknown;
  try {
    const result = await setupWasm(options);
    if (result !== undefined) return result;
  } catch (error) {
    failure = error;
  }
  if (choice === 'auto') return setupCpu();
  throw new FpdbError(
    'FPDB_BACKEND',
    `The tfjs wasm backend failed to initialize${failure instanceof Error ? `: ${failure.message}` : ''}. Check that @tensorflow/tfjs-backend-wasm 4.22.0 is installed and its .wasm files are reachable (pass { wasmPaths }), or use { backend: 'cpu' }.`,
    { cause: failure },
  );
}
