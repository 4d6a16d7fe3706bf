export { decodeBase64 } from './decode-base64.js';
export { cachedWasm, compileWasm, instantiateWasm, type CompiledWasm } from './compile-wasm.js';
