import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFpdbError } from '@fpdb/schema';
import { useWasmBackend } from '../../test/test-backend.js';
import { toyData } from '../../test/toy-data.js';
import { createModel, type Model } from '../model/create-model.js';
import type { ModelConfig } from '../architectures/config.js';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import type { CheckpointMetadata } from '../checkpoint/metadata.js';
import { arraySource, type Batch } from './batch.js';
import { evaluate } from './evaluate.js';
import { train, type EpochLog } from './train.js';

const CONFIG: ModelConfig = { architecture: 'reference-cnn', numClasses: 4, inputSize: 16, widths: [8, 8] };
const CLASSES = ['a', 'b', 'c', 'd'];
let dir: string;
let data: { images: tf.Tensor4D; labels: Int32Array };
let val: { images: tf.Tensor4D; labels: Int32Array };

beforeAll(async () => {
  await useWasmBackend();
  dir = await mkdtemp(join(tmpdir(), 'fpdb-train-'));
  data = toyData(48, 4, 16, 1);
  val = toyData(24, 4, 16, 2);
});
afterAll(async () => {
  tf.dispose([data.images, val.images]);
  await rm(dir, { recursive: true, force: true });
});

const weightsOf = (model: Model): number[] => [...model.getWeights().values()].flatMap((v) => Array.from(v));

const code = async (p: Promise<unknown>): Promise<[string | undefined, string]> => {
  try {
    await p;
  } catch (e) {
    return [isFpdbError(e) ? e.code : 'other', String((e as Error).message)];
  }
  return [undefined, ''];
};

describe('train', () => {
  it('learns a toy task, keeps tensors constant per epoch, saves best/last, resumes exactly and reloads to the same numbers', async () => {
    const run = (epochs: number, sub: string, resume = false, killAfter?: number): { model: Model; done: Promise<Awaited<ReturnType<typeof train>>>; counts: number[] } => {
      const model = createModel(CONFIG, { seed: 5 });
      const counts: number[] = [];
      const kill = new AbortController();
      const done = train({
        model,
        train: { images: data.images, labels: data.labels, batchSize: 8, seed: 3 },
        validation: { images: val.images, labels: val.labels, batchSize: 16 },
        epochs,
        learningRate: { base: 0.03, schedule: 'cosine', min: 0.01, warmupSteps: 2 },
        labelSmoothing: 0.05,
        weightDecay: 1e-4,
        classWeights: [1, 1, 1.5, 1],
        checkpointDir: join(dir, sub),
        resume,
        labels: { task: null, classes: CLASSES },
        seed: 9,
        signal: kill.signal,
        onEpochEnd: (log) => {
          counts.push(tf.memory().numTensors);
          if (log.epoch === killAfter) kill.abort();
        },
      });
      return { model, done, counts };
    };
    const straight = run(5, 'straight');
    const result = await straight.done;
    expect(result.history).toHaveLength(5);
    // Tensor hygiene: the count is the same after every epoch.
    expect(new Set(straight.counts).size).toBe(1);
    const last = result.history.at(-1)!;
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(last.loss).toBeLessThan(result.history[0]!.loss);

    // A run killed after 2 epochs and resumed ends with the same weights and history.
    const first = run(5, 'resumed', false, 1);
    expect((await code(first.done))[0]).toBe('FPDB_ABORTED');
    first.model.dispose();
    const second = run(5, 'resumed', true);
    const resumed = await second.done;
    expect(resumed.resumedFrom).toBe(1);
    expect(weightsOf(second.model)).toEqual(weightsOf(straight.model));
    const strip = (h: EpochLog[]): unknown[] => h.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(resumed.history)).toEqual(strip(result.history));
    second.model.dispose();

    // best/ reloads into a new model that re-evaluates to the recorded metrics.
    const meta = JSON.parse(await readFile(join(dir, 'straight', 'best', 'fpdb.json'), 'utf8')) as CheckpointMetadata;
    expect(meta.epoch).toBe(result.bestEpoch);
    expect(meta.labels.classes).toEqual(CLASSES);
    const loaded = await loadCheckpoint(join(dir, 'straight', 'best'), { config: CONFIG, classes: CLASSES });
    const again = await evaluate(loaded.model, { images: val.images, labels: val.labels, batchSize: 7 });
    expect(again.macroF1).toBe(meta.metrics.valMacroF1);
    expect(again.accuracy).toBe(meta.metrics.valAccuracy);
    expect(again.loss).toBeCloseTo(meta.metrics.valLoss!, 5);
    loaded.model.dispose();
    straight.model.dispose();

    // Another architecture or label space is a clear error.
    const [c1, m1] = await code(loadCheckpoint(join(dir, 'straight', 'best'), { config: { ...CONFIG, widths: [8, 16] } }));
    expect(c1).toBe('FPDB_CHECKPOINT_MISMATCH');
    expect(m1).toMatch(/widths/);
    const [c2] = await code(loadCheckpoint(join(dir, 'straight', 'best'), { classes: ['a', 'b', 'd', 'c'] }));
    expect(c2).toBe('FPDB_CHECKPOINT_MISMATCH');
    const other = createModel({ ...CONFIG, widths: [4, 4] });
    const [c3] = await code(train({ model: other, train: { images: data.images, labels: data.labels }, epochs: 9, checkpointDir: join(dir, 'straight'), resume: true, labels: CLASSES }));
    expect(c3).toBe('FPDB_CHECKPOINT_MISMATCH');
    other.dispose();
  });

  it('stops on a NaN loss naming the step and keeps the last good checkpoint', async () => {
    const model = createModel(CONFIG, { seed: 1 });
    const good = arraySource({ images: data.images, labels: data.labels, batchSize: 16 });
    const before = tf.memory().numTensors;
    const source = function* (epoch: number): Iterable<Batch> {
      let step = 0;
      for (const batch of good(epoch) as Iterable<Batch>) {
        step++;
        if (epoch === 1 && step === 2) {
          const poisoned = tf.mul(batch.images, NaN) as tf.Tensor4D;
          batch.images.dispose();
          yield { ...batch, images: poisoned };
        } else yield batch;
      }
    };
    const [c, message] = await code(train({ model, train: source, epochs: 3, checkpointDir: join(dir, 'nan'), labels: CLASSES }));
    expect(c).toBe('FPDB_DIVERGED');
    expect(message).toMatch(/epoch 2, step 2 \(global step 5\)/);
    const meta = JSON.parse(await readFile(join(dir, 'nan', 'last', 'fpdb.json'), 'utf8')) as CheckpointMetadata;
    expect(meta.epoch).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('early stopping ends the run when macro-F1 stops improving', async () => {
    const model = createModel(CONFIG, { seed: 2 });
    // Learning rate tiny: nothing improves after the first epoch.
    const result = await train({ model, train: { images: val.images, labels: val.labels, batchSize: 24 }, epochs: 10, learningRate: 1e-9, earlyStopping: { patience: 2, minDelta: 0.01 } });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(3);
    model.dispose();
  });
});
