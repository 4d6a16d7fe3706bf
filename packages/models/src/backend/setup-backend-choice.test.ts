import { describe, expect, it } from 'vitest';
import { backendAttempts, setupBackend } from './setup-backend.js';

describe('setupBackend: which backend, in which runtime', () => {
  it("tries 'auto' as webgpu → wasm → cpu in a browser with a WebGPU adapter, wasm → cpu elsewhere", () => {
    expect(backendAttempts('auto', { node: false, gpu: true })).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(backendAttempts('auto', { node: false, gpu: false })).toEqual(['wasm', 'cpu']);
    expect(backendAttempts('auto', { node: true, gpu: true })).toEqual(['wasm', 'cpu']);
    for (const choice of ['wasm', 'cpu', 'webgpu'] as const) expect(backendAttempts(choice, { node: false, gpu: true })).toEqual([choice]);
  });

  it("refuses 'webgpu' in Node with FPDB_BACKEND saying what to use, and keeps the current backend", async () => {
    const wasm = await setupBackend({ backend: 'wasm' });
    expect(wasm).toMatchObject({ backend: 'wasm', simd: true, threads: false });
    const error = await setupBackend({ backend: 'webgpu' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FPDB_BACKEND', message: expect.stringContaining("runs in browsers, not in Node. Use { backend: 'wasm' }") });
    expect((await setupBackend({ backend: 'auto' })).backend).toBe('wasm');
  });

  it('reports no threads and no SIMD on cpu', async () => {
    expect(await setupBackend({ backend: 'cpu' })).toEqual({ backend: 'cpu', simd: false, threads: false, kernels: [], relaxedSimd: false });
  });
});
