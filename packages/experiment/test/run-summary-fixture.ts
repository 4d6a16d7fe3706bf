import { evaluationReport } from '@fpdb/metrics';
import type { RunSummary } from '../src/run-summary.js';

const CLASSES = ['Fetal abdomen', 'Fetal brain', 'Fetal femur', 'Other'];

/**
 * A complete RunSummary without training: 4 classes, 12 patients × 5 images, predictions that never
 * say "Fetal abdomen" (the demo's failure) unless `healthy`. For the report tests.
 */
export function runSummaryFixture(options: { kind?: 'synthetic' | 'release'; healthy?: boolean; onlyClass?: boolean; seed?: number } = {}): RunSummary {
  const yTrue: number[] = [];
  const yProb: number[][] = [];
  const groups: string[] = [];
  let state = options.seed ?? 7;
  const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let p = 0; p < 12; p++) {
    for (let i = 0; i < 5; i++) {
      const t = (p + i) % 4;
      let pred = rand() < 0.75 ? t : (t + 1) % 4;
      if (!options.healthy && pred === 0) pred = 3;
      if (options.onlyClass) pred = 1;
      const probs = [0.05, 0.05, 0.05, 0.05];
      probs[pred] = 0.85;
      yTrue.push(t);
      yProb.push(probs);
      groups.push(`P${p}`);
    }
  }
  const evaluation = evaluationReport({ yTrue, yProb, classes: CLASSES, groups, by: { 'US machine': groups.map((g, i) => (i % 2 ? 'Aloka' : 'Voluson E6')) }, bootstrap: { resamples: 40, seed: 1 } });
  const split = { images: 60, patients: 12, byClass: Object.fromEntries(CLASSES.map((c) => [c, 15])) };
  return {
    title: 'fixture run',
    startedAt: '2024-01-01T00:00:00.000Z',
    finishedAt: '2024-01-01T00:01:00.000Z',
    seconds: 60,
    data: {
      kind: options.kind ?? 'synthetic',
      root: '/data/some/really/long/path/to/a/dataset/folder/FETAL_PLANES_ZENODO',
      stats: { images: 180, patients: 36, byPlane: {}, byBrainPlane: {}, byMachine: { Aloka: 90, 'Voluson E6': 90 }, byOperator: { 'Op. 1': 180 }, bySplit: { train: 120, test: 60 } } as never,
      missingSkipped: 0,
      split: 'official train/test',
    },
    task: 'planes',
    classes: CLASSES,
    splits: { train: split, validation: split, test: split },
    model: { architecture: 'reference-cnn', parameters: 12345, inputSize: 32, summary: 'layers', normalization: 'unit', resize: 'pad' },
    training: {
      epochs: 3,
      epochsDone: 3,
      bestEpoch: 2,
      imagesPerSecond: 100,
      trainSeconds: 30,
      backend: 'cpu',
      workers: 1,
      augmentation: 'none',
      optimizer: 'adam',
      learningRate: 0.002,
      batchSize: 8,
      history: [0, 1, 2].map((epoch) => ({
        epoch,
        trainLoss: 1 - epoch / 10,
        trainAccuracy: 0.5,
        trainMacroF1: 0.4,
        valLoss: 1.1 - epoch / 10,
        valAccuracy: 0.5,
        valMacroF1: 0.4,
        learningRate: 0.002,
        seconds: 10,
        best: epoch === 2,
      })),
    },
    seed: 1,
    machine: { cpus: 2, cpuModel: 'test', memoryGiB: 4, node: '20', platform: 'linux' },
    evaluation,
  };
}
