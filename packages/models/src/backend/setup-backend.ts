import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FpdbError } from '@fpdb/schema';
import { registerGradients } from './register-gradients.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { compileTrainingKernels, trainingKernels } from './internal/training-module.js';

/**
 * The tfjs backends training can use, and so the CLI's `--backend`: 'auto' is wasm when it loads, else
 * cpu. {@link setupBackend} also takes 'webgpu' in a browser, for inference.
 */
export const BACKEND_CHOICES = ['wasm', 'cpu', 'auto'] as const;
/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /**
   * Backend to select. Default 'auto': in a browser WebGPU when `navigator.gpu` gives an adapter and
   * `@tensorflow/tfjs-backend-webgpu` is loaded, else wasm, else cpu; in Node wasm, else cpu. 'webgpu'
   * runs in browsers only (inference; training needs wasm or cpu).
   */
  backend?: BackendChoice | 'webgpu';
  /**
   * Folder (path or URL prefix ending in '/') holding the tfjs-backend-wasm `.wasm` files
   * (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`, `tfjs-backend-wasm-threaded-simd.wasm`:
   * the backend picks one by what the engine supports). In a browser, serve them next to the bundle and
   * pass its folder, e.g. `new URL('./', import.meta.url).href`. Default in Node: the installed
   * `@tensorflow/tfjs-backend-wasm/dist/`. Ignored once the wasm backend is initialized.
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
  backend: 'wasm' | 'webgpu' | 'cpu';
  /** Whether the wasm backend runs its SIMD build (false on cpu and webgpu). */
  simd: boolean;
  /**
   * Whether the wasm backend runs its multi-threaded build: in a browser page that is cross-origin
   * isolated (`crossOriginIsolated`, with SIMD); never in Node, on cpu or on webgpu.
   */
  threads: boolean;
  /**
   * Kernels that were added or replaced for training (empty on cpu and webgpu, and on wasm where our
   * training kernels cannot run: the threaded build, or a browser main thread that refuses to compile them;
   * inference then runs on the backend's own kernels).
   */
  kernels: string[];
  /** Whether our kernels run their relaxed-SIMD build (fused multiply-add; false without them). */
  relaxedSimd: boolean;
}

interface NodeProcess {
  versions: { node?: string };
  listeners(event: string): ((...args: unknown[]) => void)[];
  removeListener(event: string, listener: (...args: unknown[]) => void): void;
  getBuiltinModule?(id: string): unknown;
}

/** Node's `process`, or undefined in a browser (read from globalThis so that a bundler injects no shim). */
function nodeProcess(): NodeProcess | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return typeof proc?.versions?.node === 'string' ? proc : undefined;
}

/**
 * The installed tfjs-backend-wasm's `dist/` in Node, found through `process.getBuiltinModule`
 * (Node >= 20.16) rather than an import of `node:module`, so the root entry bundles for a browser.
 */
function defaultWasmPaths(): string | undefined {
  const module = nodeProcess()?.getBuiltinModule?.('node:module') as { createRequire(url: string): { resolve(id: string): string } } | undefined;
  if (module === undefined) return undefined;
  const file = module.createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  return file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/**
 * Runs `init` and then removes the process-wide `unhandledRejection → throw` and
 * `uncaughtException → throw` handlers that the emscripten runtime of tfjs-backend-wasm installs in
 * Node, so that loading the backend does not change how the host program handles errors. In a browser
 * it only runs `init`.
 */
async function withoutEmscriptenHandlers<T>(init: () => Promise<T>): Promise<T> {
  const proc = nodeProcess();
  if (proc === undefined) return init();
  const events = ['unhandledRejection', 'uncaughtException'] as const;
  const before = new Map(events.map((event) => [event, new Set(proc.listeners(event))]));
  try {
    return await init();
  } finally {
    for (const event of events) {
      for (const listener of proc.listeners(event)) {
        if (!before.get(event)!.has(listener)) proc.removeListener(event, listener);
      }
    }
  }
}

/** The order in which {@link setupBackend} tries backends, for a choice in a runtime. */
export function backendAttempts(choice: BackendChoice | 'webgpu', runtime: { node: boolean; gpu: boolean }): ('wasm' | 'webgpu' | 'cpu')[] {
  if (choice !== 'auto') return [choice];
  return runtime.node || !runtime.gpu ? ['wasm', 'cpu'] : ['webgpu', 'wasm', 'cpu'];
}

/** Whether this browser offers a WebGPU adapter (false in Node, and where `navigator.gpu` is absent or gives none). */
async function hasGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (nodeProcess() !== undefined || gpu === undefined) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

// A variable, not a literal: bundlers leave the optional peer alone (no build error where it is not
// installed); a page that bundles it imports it itself, which registers the backend with tfjs-core.
const WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

async function setupWebgpu(): Promise<BackendSetup> {
  if (nodeProcess() !== undefined) {
    throw new FpdbError('FPDB_BACKEND', "The webgpu backend runs in browsers, not in Node. Use { backend: 'wasm' } (or 'cpu', or 'auto').", { details: { value: 'webgpu' } });
  }
  if (tf.findBackendFactory('webgpu') == null) {
    try {
      await import(/* @vite-ignore */ /* webpackIgnore: true */ WEBGPU_PACKAGE);
    } catch (cause) {
      throw new FpdbError(
        'FPDB_DEPENDENCY_MISSING',
        `The tfjs webgpu backend is not loaded. Install @tensorflow/tfjs-backend-webgpu (the version of @tensorflow/tfjs-core) and import it in the page (import '@tensorflow/tfjs-backend-webgpu'), or use { backend: 'wasm' }.`,
        { cause, details: { value: 'webgpu' } },
      );
    }
  }
  if (!(await tf.setBackend('webgpu'))) {
    throw new FpdbError('FPDB_BACKEND', "The tfjs webgpu backend failed to initialize (no WebGPU adapter in this browser?). Use { backend: 'wasm' }.", { details: { value: 'webgpu' } });
  }
  await tf.ready();
  return { backend: 'webgpu', simd: false, threads: false, kernels: [], relaxedSimd: false };
}

async function setupWasm(options: SetupBackendOptions): Promise<BackendSetup | undefined> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const paths = options.wasmPaths ?? defaultWasmPaths();
  if (paths !== undefined) {
    try {
      wasm.setWasmPaths(paths);
    } catch {
      // The backend is already initialized (setWasmPaths refuses then): its paths served already.
    }
  }
  let kernels = registerWasmTrainingKernels({ kernels: options.wasmKernels ?? 'all' });
  // tf.findBackend would start the initialization too: only setBackend runs inside the guard.
  const ok = await withoutEmscriptenHandlers(() => tf.setBackend('wasm'));
  if (!ok) return undefined;
  await tf.ready();
  const [simd, multithread] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  // tfjs-backend-wasm runs its threaded build exactly when both hold (and no single binary was forced).
  const threads = Boolean(simd) && Boolean(multithread);
  let relaxedSimd = false;
  try {
    trainingKernels(tf.backend() as BackendWasm);
    relaxedSimd = compileTrainingKernels().relaxedSimd;
  } catch (error) {
    // Node always runs them (training there needs them); a browser may not (the threaded build's shared
    // memory, or a main thread refusing a synchronous compile): its own kernels then serve inference.
    if (nodeProcess() !== undefined) throw error;
    registerWasmTrainingKernels({ kernels: 'missing' });
    kernels = [];
  }
  return { backend: 'wasm', simd: Boolean(simd), threads, kernels, relaxedSimd };
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
  return { backend: 'cpu', simd: false, threads: false, kernels: [], relaxedSimd: false };
}

/**
 * Prepares tfjs-core: registers all gradients, selects the backend and, on wasm, registers the training
 * kernels ({@link registerWasmTrainingKernels}). Works in Node (main thread or a `worker_threads`
 * Worker: each calls it once and gets its own backend) and in a browser (wasm with SIMD, multi-threaded
 * where the page is cross-origin isolated; WebGPU where available).
 *
 * @throws FpdbError FPDB_BACKEND when the requested backend cannot initialize ('auto' falls back: webgpu →
 *   wasm → cpu), or 'webgpu' is asked for in Node; FPDB_DEPENDENCY_MISSING for 'webgpu' without
 *   @tensorflow/tfjs-backend-webgpu.
 * @example
 * import { setupBackend } from '@fpdb/models';
 * const { backend } = await setupBackend({ backend: 'auto' }); // 'wasm' in Node 20
 * // In a page serving the three tfjs-backend-wasm .wasm files next to its bundle:
 * await setupBackend({ backend: 'wasm', wasmPaths: new URL('./', import.meta.url).href });
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendSetup> {
  const choice = options.backend ?? 'auto';
  if (choice !== 'wasm' && choice !== 'cpu' && choice !== 'auto' && choice !== 'webgpu') {
    throw new FpdbError('FPDB_BACKEND', `Unknown backend '${String(choice)}'. Use 'wasm', 'cpu', 'webgpu' (browsers) or 'auto'.`, { details: { value: choice } });
  }
  if (options.production ?? true) tf.env().set('PROD', true);
  await registerGradients();
  const attempts = backendAttempts(choice, { node: nodeProcess() !== undefined, gpu: choice === 'auto' && (await hasGpuAdapter()) });
  // Read without initializing one: tfjs names the backend it tries before it knows the outcome.
  const previous = tf.engine().backendName;
  let failure: unknown;
  for (const backend of attempts) {
    failure = undefined;
    try {
      const result = backend === 'cpu' ? await setupCpu() : backend === 'webgpu' ? await setupWebgpu() : await setupWasm(options);
      if (result !== undefined) return result;
    } catch (error) {
      failure = error;
    }
  }
  // A failed setBackend leaves tfjs without a backend: give back the one that worked before.
  if (previous != null && tf.engine().registry[previous] !== undefined && tf.engine().backendName !== previous) await tf.setBackend(previous);
  // The last attempt's own error, except wasm's, which says what to check.
  if (attempts.at(-1) !== 'wasm' && failure instanceof FpdbError) throw failure;
  throw new FpdbError(
    'FPDB_BACKEND',
    `The tfjs wasm backend failed to initialize${failure instanceof Error ? `: ${failure.message}` : ''}. Check that @tensorflow/tfjs-backend-wasm 4.22.0 is installed and its .wasm files are reachable (pass { wasmPaths }), or use { backend: 'cpu' }.`,
    { cause: failure },
  );
}
