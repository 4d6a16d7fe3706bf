import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, setupBackend } from '@fpdb/models';
import { describe, expect, it } from 'vitest';
import { runSummaryFixture } from '../test/run-summary-fixture.js';
import { resolveExperimentConfig } from './experiment-config.js';
import { pickGallery, writeGallery } from './gallery.js';
import type { DatasetPredictions } from './predict-dataset.js';
import { reportHtml } from './report-html.js';
import { runExperiment } from './run-experiment.js';
import { readRunPredictions } from './run-predictions.js';

// 3 classes, 9 images: image i is of class i % 3; `pred` and `conf` say what the model answered.
function predictions(pred: number[], conf: number[]): DatasetPredictions {
  const k = 3;
  const probabilities = new Float32Array(pred.length * k);
  pred.forEach((p, i) => {
    for (let j = 0; j < k; j++) probabilities[i * k + j] = j === p ? conf[i]! : (1 - conf[i]!) / 2;
  });
  const records = pred.map((_, i) => ({ imageName: `Patient0000${i + 1}_Plane1_1_of_1`, patientId: i + 1 }) as never);
  return { probabilities, labels: Int32Array.from(pred, (_, i) => i % 3), records, numClasses: k };
}

describe('pickGallery', () => {
  it('shows correct images per class (most confident first), then the most confident errors, each image once', () => {
    //            0    1    2    3    4    5    6    7    8
    const pred = [0, 1, 0, 0, 2, 2, 1, 1, 2];
    const conf = [0.6, 0.9, 0.95, 0.8, 0.7, 0.9, 0.5, 0.99, 0.7];
    const picks = pickGallery(predictions(pred, conf), { perClass: 1, errors: 2 });
    // class 0: 0 and 3 correct → 3 (0.8); class 1: 1 and 7 correct → 7 (0.99); class 2: 5 and 8 correct → 5 (0.9).
    expect(picks.filter((p) => p.kind === 'class').map((p) => p.index)).toEqual([3, 7, 5]);
    // The wrong ones are 2 (0.95), 4 (0.7) and 6 (0.5): the two most confident are shown.
    expect(picks.filter((p) => p.kind === 'error').map((p) => [p.index, p.predicted])).toEqual([
      [2, 0],
      [4, 2],
    ]);
    expect(pickGallery(predictions([], []))).toEqual([]);
  });

  it('falls back to the best-scored wrong images of a class the model never gets right', () => {
    const picks = pickGallery(predictions([1, 1, 2, 1, 1, 2], [0.5, 0.9, 0.9, 0.7, 0.9, 0.9]), { perClass: 1, errors: 0 });
    expect(picks[0]).toMatchObject({ index: 0, kind: 'class', predicted: 1 });
  });
});

describe('the gallery in a run folder', () => {
  it('writes each case with its Grad-CAM overlay, shows them with true and predicted labels, and keeps predictions.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fpdb-gallery-'));
    const config = resolveExperimentConfig({
      synth: { images: 40, seed: 4, width: 48, height: 32, dir: join(out, 'synth') },
      inputSize: 32,
      epochs: 1,
      bootstrapResamples: 0,
      out: join(out, 'run'),
    });
    const { summary } = await runExperiment(config);
    const run = join(out, 'run');
    const gallery = summary.gallery!;
    const k = summary.classes.length;
    expect(gallery.length).toBeGreaterThan(0);
    expect(gallery.length).toBeLessThanOrEqual(2 * k + 6);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    for (const g of gallery) {
      expect(readFileSync(join(run, g.image)).subarray(1, 4).toString()).toBe('PNG');
      expect(readFileSync(join(run, g.gradCam)).subarray(1, 4).toString()).toBe('PNG');
      expect(g.size).toBe(32);
      expect(html).toContain(`src="${g.gradCam}"`);
      expect(summary.classes).toContain(g.trueClass);
      expect(g.kind === 'error' ? g.trueClass !== g.predictedClass : true).toBe(true);
    }
    expect(html).toContain('<h2>Cases</h2>');
    expect(html).toContain(`<b>true</b> ${gallery[0]!.trueClass}`);
    const p = await readRunPredictions(run);
    expect(p.images).toHaveLength(summary.evaluation.n);
    expect(p.probabilities[0]).toHaveLength(k);
    expect(p.classes).toEqual(summary.classes);
  }, 120_000);

  it('is empty, with no folder and no section, for an empty test set, and leaks no tensor', async () => {
    await setupBackend({ backend: 'cpu' });
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: 16 });
    const out = mkdtempSync(join(tmpdir(), 'fpdb-gallery-empty-'));
    const before = tf.memory().numTensors;
    expect(await writeGallery(model, predictions([], []), { root: out, out, classes: ['a', 'b', 'c'], preprocess: { height: 16, width: 16, policy: 'pad', normalization: 'unit' } as never })).toEqual(
      [],
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(existsSync(join(out, 'gallery'))).toBe(false);
    model.dispose();
    expect(reportHtml({ ...runSummaryFixture(), gallery: [] })).not.toContain('<h2>Cases</h2>');
  });
});
