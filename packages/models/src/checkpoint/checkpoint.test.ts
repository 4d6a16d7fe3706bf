import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFpdbError } from '@fpdb/schema';
import { useCpuBackend } from '../../test/test-backend.js';
import { createModel } from '../model/create-model.js';
import { createOptimizer } from '../training/optimizer.js';
import { checkpointExists, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CHECKPOINT_FILES } from './read-checkpoint.js';
import type { WeightsManifestFile } from './weights-manifest.js';

let dir: string;
beforeAll(async () => {
  await useCpuBackend();
  dir = await mkdtemp(join(tmpdir(), 'fpdb-ckpt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const config = { architecture: 'resnet', numClasses: 3, inputSize: 16, width: 4, blocks: [1, 1], stem: 'compact' } as const;
const labels = { task: null, classes: ['x', 'y', 'z'] };
const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (isFpdbError(e) ? e.code : 'other'),
  );

describe('checkpoints', () => {
  it('round-trips weights (incl. batch-norm statistics), metadata and optimizer state in the tfjs weights format', async () => {
    const model = createModel(config, { seed: 4 });
    const opt = createOptimizer('adam');
    const grads = new Map(model.trainableNames.map((n) => [n, tf.onesLike(model.variables.get(n)!)]));
    opt.apply(model.variables, grads, 0.01);
    tf.dispose([...grads.values()]);
    model.variables.get('stem.bn.movingMean')!.assign(tf.fill([4], 0.25));
    const path = join(dir, 'a');
    await saveCheckpoint(path, { model, labels, normalization: { mean: 0.2, std: 0.3 }, seed: 4, epoch: 2, metrics: { valMacroF1: 0.5 }, optimizer: opt.getState() });
    const loaded = await loadCheckpoint(path, { config, classes: labels.classes });
    expect(loaded.model.getWeights()).toEqual(model.getWeights());
    expect(loaded.metadata).toMatchObject({ format: 'fpdb-checkpoint', inputSize: [16, 16], normalization: { mean: 0.2, std: 0.3 }, seed: 4, epoch: 2, labels });
    expect(loaded.optimizer?.step).toBe(1);
    expect(loaded.optimizer?.slots).toEqual(opt.getState().slots);
    // tfjs-core itself decodes the shard with the manifest.
    const manifest = JSON.parse(await readFile(join(path, CHECKPOINT_FILES.model), 'utf8')) as WeightsManifestFile;
    expect(manifest.weightsManifest[0]!.paths).toEqual(['group1-shard1of1.bin']);
    const bin = await readFile(join(path, CHECKPOINT_FILES.shard));
    const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest.weightsManifest[0]!.weights);
    expect(Array.from(decoded['stem.bn.movingMean']!.dataSync())).toEqual([0.25, 0.25, 0.25, 0.25]);
    tf.dispose(Object.values(decoded));
    loaded.model.dispose();
    model.dispose();
    opt.dispose();
  });

  it('survives a save killed between its two renames, and reports truncated or missing checkpoints', async () => {
    const model = createModel(config, { seed: 1 });
    const path = join(dir, 'b');
    await saveCheckpoint(path, { model, labels, epoch: 0 });
    await saveCheckpoint(path, { model, labels, epoch: 1 }); // replaces, leaves no sibling behind
    // Simulate a kill after `dir` was moved aside and before the new one was renamed in.
    await rename(path, join(dir, '.b.old-1-2-3'));
    expect(await checkpointExists(path)).toBe(true);
    expect((await loadCheckpoint(path)).metadata.epoch).toBe(1);
    expect(await codeOf(loadCheckpoint(join(dir, 'nothing-here')))).toBe('FPDB_CHECKPOINT');
    const c = join(dir, 'c');
    await saveCheckpoint(c, { model, labels });
    await truncate(join(c, CHECKPOINT_FILES.shard), 100);
    expect(await codeOf(loadCheckpoint(c))).toBe('FPDB_CHECKPOINT');
    await writeFile(join(c, CHECKPOINT_FILES.metadata), '{"format":"other"}');
    expect(await codeOf(loadCheckpoint(c))).toBe('FPDB_CHECKPOINT');
    expect(await codeOf(saveCheckpoint(join(dir, 'd'), { model, labels: { task: null, classes: ['only-one'] } }))).toBe('FPDB_CHECKPOINT_MISMATCH');
    model.dispose();
  });
});

describe('a checkpoint is untrusted input', () => {
  const tampered = async (name: string, edit: (manifest: WeightsManifestFile, shard: Float32Array, path: string) => Promise<void> | void): Promise<string> => {
    const path = join(dir, name);
    const model = createModel(config, { seed: 5 });
    await saveCheckpoint(path, { model, labels });
    model.dispose();
    const manifest = JSON.parse(await readFile(join(path, CHECKPOINT_FILES.model), 'utf8')) as WeightsManifestFile;
    const bytes = await readFile(join(path, CHECKPOINT_FILES.shard));
    const shard = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    await edit(manifest, shard, path);
    await writeFile(join(path, CHECKPOINT_FILES.model), JSON.stringify(manifest));
    await writeFile(join(path, CHECKPOINT_FILES.shard), new Uint8Array(shard.buffer));
    return path;
  };

  it('refuses a shard path that leaves the checkpoint folder, reading nothing there', async () => {
    const path = await tampered('escape', (m) => void (m.weightsManifest[0]!.paths = ['../a/group1-shard1of1.bin']));
    await expect(loadCheckpoint(path)).rejects.toMatchObject({ code: 'FPDB_PATH_ESCAPE', message: expect.stringContaining('outside') });
  });

  it('refuses NaN or infinite weights, naming the weight', async () => {
    const path = await tampered('nan', (_m, shard) => void (shard[7] = Number.NaN));
    await expect(loadCheckpoint(path)).rejects.toMatchObject({ code: 'FPDB_CHECKPOINT', message: expect.stringMatching(/stem\.conv\.kernel.*NaN at index 7/) });
  });

  it('checks shapes element by element, not by count', async () => {
    const path = await tampered('transposed', (m) => {
      const entry = m.weightsManifest[0]!.weights.find((w) => w.name === 'classifier.kernel')!;
      entry.shape = [...entry.shape].reverse();
    });
    await expect(loadCheckpoint(path)).rejects.toMatchObject({ code: 'FPDB_SHAPE', message: expect.stringContaining('classifier.kernel') });
  });

  it('refuses recorded preprocessing it cannot honour', async () => {
    const path = await tampered('preprocess', async (_m, _s, p) => {
      const metadata = JSON.parse(await readFile(join(p, CHECKPOINT_FILES.metadata), 'utf8'));
      await writeFile(join(p, CHECKPOINT_FILES.metadata), JSON.stringify({ ...metadata, resize: 'zoom' }));
    });
    await expect(loadCheckpoint(path)).rejects.toMatchObject({ code: 'FPDB_CHECKPOINT', message: expect.stringContaining('zoom') });
  });
});

it('after a save killed between its renames, loads the newest kept-aside checkpoint, whatever the pid lengths', async () => {
  const { mkdir, rename: move } = await import('node:fs/promises');
  const parent = join(dir, 'killed');
  await mkdir(parent, { recursive: true });
  for (const [name, seed] of [
    ['.best.old-99999-1000-0', 1],
    ['.best.old-7-2000-0', 2],
  ] as const) {
    const model = createModel(config, { seed });
    await saveCheckpoint(join(parent, 'tmp'), { model, labels, seed });
    await move(join(parent, 'tmp'), join(parent, name));
    model.dispose();
  }
  const loaded = await loadCheckpoint(join(parent, 'best'));
  expect(loaded.metadata.seed).toBe(2);
  loaded.model.dispose();
});
