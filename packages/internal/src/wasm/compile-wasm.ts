import { decodeBase64 } from './decode-base64.js';

/** A compiled module and which of the variants given to {@link compileWasm} it is. */
export interface CompiledWasm {
  module: WebAssembly.Module;
  /** Index into the variants: 0 is the first (most capable) build this engine accepted. */
  variant: number;
}

/**
 * Compiles the first of `variants` (base64 wasm, most capable build first, e.g. relaxed SIMD before
 * SIMD128) that this engine validates, synchronously. Undefined when there is no WebAssembly, no
 * variant validates (no SIMD), or the engine refuses a synchronous compile (a browser main thread, for
 * modules over 4 KB): callers then run their JavaScript fallback or say what is missing.
 * @example
 * const compiled = compileWasm([RELAXED_BASE64, SIMD128_BASE64]);
 * const relaxed = compiled?.variant === 0;
 */
export function compileWasm(variants: readonly string[]): CompiledWasm | undefined {
  if (typeof WebAssembly !== 'object') return undefined;
  for (const [variant, text] of variants.entries()) {
    const bytes = decodeBase64(text);
    if (!WebAssembly.validate(bytes)) continue;
    try {
      return { module: new WebAssembly.Module(bytes), variant };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The exports of `module` instantiated on `memory` (imported as `env.memory`, the layout every fpdb
 * kernel module uses: no data segment, no stack, memory owned by JavaScript).
 */
export function instantiateWasm<Exports>(module: WebAssembly.Module, memory: WebAssembly.Memory): Exports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
}

/**
 * `load` run once, on the first call, and its result kept for every later call: how each package
 * holds its kernels (one instance per thread). A `load` that throws counts as unavailable (undefined),
 * like a module that does not validate, so the JavaScript fallback runs.
 * @example
 * const kernels = cachedWasm(() => { const c = compileWasm([BASE64]); return c && instantiateWasm<K>(c.module, memory); });
 * kernels()?.blur(…)
 */
export function cachedWasm<T>(load: () => T | undefined): () => T | undefined {
  let state: { value: T | undefined } | undefined;
  return () => {
    if (state === undefined) {
      try {
        state = { value: load() };
      } catch {
        state = { value: undefined };
      }
    }
    return state.value;
  };
}
