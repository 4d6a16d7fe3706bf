/** The part of `node:v8` this file uses. */
interface V8Flags {
  setFlagsFromString(flags: string): void;
}

/** Node's synchronous built-in loader (Node >= 20.16); absent in browsers and older Node. */
type GetBuiltinModule = (id: string) => unknown;

/**
 * Turns on V8's relaxed-SIMD WebAssembly feature in this process when it runs Node 20, where it is
 * behind `--experimental-wasm-relaxed-simd` (Node >= 22 has it on; the flag is then a no-op): the
 * training kernels' relaxed build turns every multiply-add into one FMA. V8 reads wasm feature flags
 * when it validates a module, so setting the flag before {@link compileTrainingKernels} compiles is
 * enough, in the main thread and in every worker (flags are process-wide). `FPDB_WASM_RELAXED_SIMD=0`
 * leaves the engine's default (for A/B benchmarks). Reaches `node:v8` through
 * `process.getBuiltinModule`, so nothing here is imported in a browser, where this does nothing.
 * @returns whether the flag was set.
 */
export function enableRelaxedSimd(): boolean {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: GetBuiltinModule; versions?: { node?: string } } }).process;
  if (typeof proc?.getBuiltinModule !== 'function' || proc.versions?.node === undefined) return false;
  if (proc.env?.FPDB_WASM_RELAXED_SIMD === '0') return false;
  try {
    (proc.getBuiltinModule('node:v8') as V8Flags).setFlagsFromString('--experimental-wasm-relaxed-simd');
    return true;
  } catch {
    // An engine that refuses the flag keeps SIMD128: the kernels' other build.
    return false;
  }
}
