import { createBatches, type Dataset } from '@fpdb/loader/node';
import { evaluationReport, type EvaluationReport } from '@fpdb/metrics';
import type { Model } from '@fpdb/models';
import type { LabelSpace, Task } from '@fpdb/schema';
import { predictDataset } from './predict-dataset.js';

/** How images are prepared for evaluation; must match training (a checkpoint records it). */
export interface EvalPixels {
  inputSize: number;
  resize: 'stretch' | 'pad' | 'crop';
  task: Task;
}

/**
 * Predicts every image of `set` (cached pixels, no augmentation, fixed order) and computes the full
 * evaluation report: metrics, per-class, confusion, calibration, patient-level bootstrap intervals,
 * and breakdowns by US machine and operator. Deterministic for a model, set and seed.
 */
export async function evaluateSet(
  model: Model,
  set: Dataset,
  space: LabelSpace,
  pixels: EvalPixels,
  options: { bootstrapResamples: number; seed: number; split: string; trainMachines?: readonly string[]; onProgress?: (p: { done: number; total: number }) => void; signal?: AbortSignal },
): Promise<EvaluationReport> {
  const stream = await createBatches(set, {
    height: pixels.inputSize,
    width: pixels.inputSize,
    policy: pixels.resize,
    cache: 'build',
    task: pixels.task,
    normalization: 'unit',
    batchSize: 64,
    shuffle: false,
    prefetch: 1,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  try {
    const p = await predictDataset(model, stream);
    return evaluationReport({
      yTrue: p.labels,
      yProb: p.probabilities,
      classes: space.classes,
      groups: p.records.map((r) => r.patientId),
      by: {
        'US machine': p.records.map((r) => r.usMachine),
        operator: p.records.map((r) => r.operator),
        ...(options.trainMachines ? { domain: p.records.map((r) => (options.trainMachines!.includes(r.usMachine) ? 'in-domain' : 'shifted')) } : {}),
      },
      bootstrap: options.bootstrapResamples > 0 ? { resamples: options.bootstrapResamples, seed: options.seed } : false,
      meta: { task: pixels.task, split: options.split },
    });
  } finally {
    await stream.close();
  }
}
