import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import { isFpdbError } from '@fpdb/schema';
import { setupBackend } from './setup-backend.js';
import { WASM_TRAINING_KERNELS } from './register-wasm-training-kernels.js';

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

// Runs `body` as an ES module in plain Node (not vitest) against the built package: the gradients
// file must come from the bundle and the .wasm files from tfjs-backend-wasm, as for a user.
function runPlainNode(body: string, flags: string[] = [], env: Record<string, string> = {}): string {
  const script = `import * as tf from '@tensorflow/tfjs-core';\nimport { setupBackend } from ${JSON.stringify(dist)};\n${body}`;
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

const TRAIN_ONE_STEP = `
const x = tf.tensor4d(Array.from({ length: 2 * 12 * 13 * 8 }, (_, i) => Math.sin(i)), [2, 12, 13, 8]);
const w = tf.tensor4d(Array.from({ length: 3 * 3 * 8 * 16 }, (_, i) => Math.cos(i) / 8), [3, 3, 8, 16]);
const f = (x, w) => tf.sum(tf.maxPool(tf.relu(tf.conv2d(x, w, 1, 'same')), 2, 2, 'valid'));
const [gx, gw] = tf.grads(f)([x, w]);
const out = { backend: tf.getBackend(), relaxedSimd: setup.relaxedSimd, gx: Array.from(gx.dataSync()), gw: Array.from(gw.dataSync()),
  handlers: process.listeners('unhandledRejection').length + process.listeners('uncaughtException').length };`;

describe('setupBackend', () => {
  it('selects wasm, registers every training kernel and leaves no process handlers behind', async () => {
    const handlers = process.listeners('unhandledRejection').length + process.listeners('uncaughtException').length;
    const setup = await setupBackend({ backend: 'wasm' });
    expect(setup).toMatchObject({ backend: 'wasm', simd: true });
    expect(tf.getBackend()).toBe('wasm');
    for (const config of WASM_TRAINING_KERNELS) {
      expect(getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
      expect(setup.kernels).toContain(config.kernelName);
    }
    expect(process.listeners('unhandledRejection').length + process.listeners('uncaughtException').length).toBe(handlers);
  });

  it("restores the backend's own kernels with { wasmKernels: 'missing' } and ours again after", async () => {
    const missing = await setupBackend({ backend: 'wasm', wasmKernels: 'missing' });
    // The kernels the backend lacks: three gradients and the two inference kernels of our own.
    expect(missing.kernels.sort()).toEqual(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'FpdbBatchNormAct', 'FpdbFoldedConv2D']);
    const maxPoolGrad = WASM_TRAINING_KERNELS.find((k) => k.kernelName === 'MaxPoolGrad')!;
    expect(getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).not.toBe(maxPoolGrad.kernelFunc);
    await setupBackend({ backend: 'wasm' });
    expect(getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(maxPoolGrad.kernelFunc);
  });

  it('rejects an unknown backend with FPDB_BACKEND', async () => {
    const error = await setupBackend({ backend: 'webgl' as 'cpu' }).catch((e: unknown) => e);
    expect(isFpdbError(error, 'FPDB_BACKEND')).toBe(true);
  });

  const RELAXED = '--experimental-wasm-relaxed-simd';
  // FPDB_WASM_RELAXED_SIMD=0 keeps the engine's default (SIMD128 on Node 20); otherwise the package
  // turns V8's relaxed-SIMD flag on itself (Node >= 20.16 has process.getBuiltinModule).
  it.each([
    [[] as string[], { FPDB_WASM_RELAXED_SIMD: '0' }],
    [[] as string[], {}],
    [[RELAXED], { FPDB_WASM_RELAXED_SIMD: '0' }],
  ])('trains from the built dist under plain node %j %j, on wasm as on cpu, and in a worker thread', (flags, env: Record<string, string>) => {
    expect(existsSync(dist)).toBe(true);
    const results = JSON.parse(
      runPlainNode(
        `
const results = [];
for (const backend of ['cpu', 'wasm']) {
  const setup = await setupBackend({ backend });
  ${TRAIN_ONE_STEP}
  results.push(out);
}
const { Worker } = await import('node:worker_threads');
const worker = new Worker(\`import * as tf from '@tensorflow/tfjs-core';
import { parentPort } from 'node:worker_threads';
import { setupBackend } from \${JSON.stringify(${JSON.stringify(dist)})};
const setup = await setupBackend({ backend: 'wasm' });
${TRAIN_ONE_STEP.replace(/`/g, '\\`')}
parentPort.postMessage(out);\`, { eval: true, type: 'module' });
results.push(await new Promise((resolve, reject) => { worker.on('message', resolve); worker.on('error', reject); }));
await worker.terminate();
console.log(JSON.stringify(results));
`,
        flags,
        env,
      )
        .trim()
        .split('\n')
        .at(-1)!,
    ) as Array<{ backend: string; relaxedSimd: boolean; gx: number[]; gw: number[]; handlers: number }>;
    const [cpu, wasm, worker] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
    expect([cpu.backend, wasm.backend, worker.backend]).toEqual(['cpu', 'wasm', 'wasm']);
    expect(wasm.handlers).toBe(0);
    // Node 20 accepts the relaxed-SIMD (FMA) build only with the flag (ours or the command line's);
    // newer Node always does.
    const nodeMajor = Number(process.versions.node.split('.')[0]);
    const ours = env.FPDB_WASM_RELAXED_SIMD !== '0' && typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
    expect(wasm.relaxedSimd).toBe(flags.includes(RELAXED) || ours || nodeMajor >= 22);
    expect(worker.relaxedSimd).toBe(wasm.relaxedSimd);
    for (const run of [wasm, worker]) {
      for (const key of ['gx', 'gw'] as const) {
        run[key].forEach((v, i) => expect(Math.abs(v - cpu[key][i]!)).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(cpu[key][i]!)));
      }
    }
  });
});
