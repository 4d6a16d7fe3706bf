import { createBatches, type Dataset } from '@fpdb/loader/node';
import { evaluationReport, type EvaluationReport } from '@fpdb/metrics';
import type { Model } from '@fpdb/models';
import type { LabelSpace, Preprocess } from '@fpdb/schema';
import { predictDataset, type DatasetPredictions } from './predict-dataset.js';

/** Options of {@link evaluateSet}. */
export interface EvaluateSetOptions {
  /** Patient-bootstrap resamples (0: no intervals). */
  bootstrapResamples: number;
  seed: number;
  /** The set's name in the report (`'test'`). */
  split: string;
  /** The machines the model trained on: adds an in-domain / shifted breakdown. */
  trainMachines?: readonly string[];
  onProgress?: (p: { done: number; total: number }) => void;
  signal?: AbortSignal;
}

/**
 * Like {@link evaluateSet}, also returning the per-image predictions the report was computed from (what a
 * run folder keeps in predictions.json, so runs can be compared image by image).
 */
export async function evaluateSetWithPredictions(
  model: Model,
  set: Dataset,
  space: LabelSpace,
  preprocess: Preprocess,
  options: EvaluateSetOptions,
): Promise<{ evaluation: EvaluationReport; predictions: DatasetPredictions }> {
  const stream = await createBatches(set, {
    height: preprocess.height,
    width: preprocess.width,
    policy: preprocess.policy,
    normalization: preprocess.normalization,
    cache: 'build',
    task: space.task,
    batchSize: 64,
    shuffle: false,
    prefetch: 1,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  try {
    const p = await predictDataset(model, stream);
    const evaluation = evaluationReport({
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
      meta: { task: space.task, split: options.split },
    });
    return { evaluation, predictions: p };
  } finally {
    await stream.close();
  }
}

/**
 * Predicts every image of `set` (cached pixels, no augmentation, fixed order) and computes the full
 * evaluation report: metrics, per-class, confusion, calibration, patient-level bootstrap intervals,
 * and breakdowns by US machine and operator. Deterministic for a model, set and seed. `preprocess` must
 * be the model's own (`checkpointPreprocess(metadata)`).
 */
export async function evaluateSet(model: Model, set: Dataset, space: LabelSpace, preprocess: Preprocess, options: EvaluateSetOptions): Promise<EvaluationReport> {
  return (await evaluateSetWithPredictions(model, set, space, preprocess, options)).evaluation;
}
