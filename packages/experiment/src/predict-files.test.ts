import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFixture } from '@fpdb/internal/testing';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, setupBackend } from '@fpdb/models';
import { isFpdbError } from '@fpdb/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelInputs } from './model-inputs.js';
import { predictFiles } from './predict-files.js';

const files = [realFixture('Images', 'Patient00012_Plane1_16_of_16.png'), realFixture('resaved', 'Patient00644_Plane3_1_of_3.png'), realFixture('Images', 'Patient00012_Plane1_16_of_16.png')];
const preprocess = { height: 24, width: 32, policy: 'crop', normalization: { mean: 0.4, std: 0.2 } } as const;

beforeAll(() => setupBackend({ backend: 'cpu' }));

describe('readModelInputs', () => {
  it('decodes to the preprocessing size and normalises by its scheme', async () => {
    const { pixels, images, shape } = await readModelInputs(files.slice(0, 2), preprocess);
    expect(shape).toEqual([2, 24, 32, 1]);
    expect(pixels.map((p) => p.length)).toEqual([768, 768]);
    expect(images[5]).toBeCloseTo((pixels[0]![5]! / 255 - 0.4) / 0.2, 5);
  });

  it('names the file it cannot read and refuses a bad preprocessing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-inputs-'));
    await writeFile(join(dir, 'notes.png'), 'not a png');
    const error = await readModelInputs([join(dir, 'notes.png')], preprocess).catch((e: unknown) => e);
    expect(isFpdbError(error, 'FPDB_IMAGE_NOT_PNG')).toBe(true);
    expect((error as Error).message).toContain('notes.png');
    await expect(readModelInputs(files, { ...preprocess, policy: 'fit' as never })).rejects.toMatchObject({ code: 'FPDB_INVALID_ARGUMENT' });
  });
});

describe('predictFiles', () => {
  it('gives the same rows in any batch size, reports progress, and leaks no tensor', async () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: [24, 32], widths: [4] }, { seed: 2 });
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const one = await predictFiles(model, files, { preprocess, batchSize: 1, onProgress: (p) => progress.push(p.done) });
    const all = await predictFiles(model, files, { preprocess, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toEqual([1, 2, 3]);
    expect(one.count).toBe(3);
    one.probabilities.forEach((p, i) => expect(p).toBeCloseTo(all.probabilities[i]!, 6));
    expect(one.rows()[0]).toEqual(one.rows()[2]);
    expect(Array.from(one.classes)).toEqual(Array.from(all.classes));
    model.dispose();
  });

  it('stops when aborted, and refuses a bad batch size', async () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: [24, 32], widths: [4] }, { seed: 2 });
    const controller = new AbortController();
    controller.abort();
    await expect(predictFiles(model, files, { preprocess, signal: controller.signal })).rejects.toMatchObject({ code: 'FPDB_ABORTED' });
    await expect(predictFiles(model, files, { preprocess, batchSize: 0 })).rejects.toMatchObject({ code: 'FPDB_INVALID_ARGUMENT' });
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-predict-'));
    await copyFile(files[0]!, join(dir, 'a.png'));
    await expect(predictFiles(model, [join(dir, 'a.png'), join(dir, 'missing.png')], { preprocess })).rejects.toMatchObject({ code: 'FPDB_IMAGE_MISSING' });
    model.dispose();
  });
});
