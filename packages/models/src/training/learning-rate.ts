import { FpdbError } from '@fpdb/schema';

/**
 * A learning-rate schedule. `cosine` anneals per epoch from `base` to `min` over the run; `step`
 * multiplies by `gamma` every `stepEpochs`; a linear warm-up over the first `warmupSteps` optimizer
 * steps multiplies any schedule. A plain number is a constant rate.
 */
export type LearningRateSchedule =
  | number
  | {
      base: number;
      /** Default 'constant'. */
      schedule?: 'constant' | 'cosine' | 'step';
      /** Final rate of `cosine` (default 0). */
      min?: number;
      /** Epochs between decays of `step` (default 10). */
      stepEpochs?: number;
      /** Decay factor of `step` (default 0.1). */
      gamma?: number;
      /** Linear warm-up from base/warmupSteps to base over this many optimizer steps (default 0). */
      warmupSteps?: number;
    };

/**
 * The learning rate for an optimizer step. Pure: depends only on (epoch, epochs, globalStep), so a
 * resumed run gets the same rates.
 * @throws FpdbError FPDB_CONFIG for a non-positive base rate or an unknown schedule.
 * @example learningRateAt({ base: 1e-3, schedule: 'cosine' }, { epoch: 5, epochs: 10, globalStep: 500 }) // 5e-4
 */
export function learningRateAt(schedule: LearningRateSchedule, at: { epoch: number; epochs: number; globalStep: number }): number {
  const s = typeof schedule === 'number' ? { base: schedule } : schedule;
  if (!(s.base > 0) || !Number.isFinite(s.base)) {
    throw new FpdbError('FPDB_CONFIG', `The learning rate must be a positive number but is ${s.base}.`, { details: { value: s.base } });
  }
  let lr: number;
  switch (s.schedule ?? 'constant') {
    case 'constant':
      lr = s.base;
      break;
    case 'cosine': {
      const min = s.min ?? 0;
      lr = min + (s.base - min) * 0.5 * (1 + Math.cos((Math.PI * at.epoch) / Math.max(1, at.epochs)));
      break;
    }
    case 'step':
      lr = s.base * (s.gamma ?? 0.1) ** Math.floor(at.epoch / (s.stepEpochs ?? 10));
      break;
    default:
      throw new FpdbError('FPDB_CONFIG', `Unknown learning-rate schedule ${JSON.stringify(s.schedule)}; use 'constant', 'cosine' or 'step'.`);
  }
  const warmup = s.warmupSteps ?? 0;
  if (warmup > 0 && at.globalStep < warmup) lr *= (at.globalStep + 1) / warmup;
  return lr;
}
