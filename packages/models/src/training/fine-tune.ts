import { FpdbError } from '@fpdb/schema';

/**
 * Fine-tuning a pretrained network: the backbone (every parameter outside the head) is frozen for the
 * first epochs — no updates, batch norm in inference mode — then trained at a fraction of the learning rate.
 */
export interface FineTuneOptions {
  /** Parameter-name prefixes of the head, the part trained from the start. Default `['classifier']`. */
  head?: readonly string[];
  /** Epochs at the start during which the backbone is frozen. Default 0. */
  freezeEpochs?: number;
  /** The backbone's learning rate as a multiple of the schedule's, once unfrozen (e.g. 0.1). Default 1. */
  backboneLearningRateMultiplier?: number;
}

/** A {@link FineTuneOptions} checked against a model's parameters, with its defaults filled in. */
export interface FineTunePlan {
  head: readonly string[];
  freezeEpochs: number;
  backboneLearningRateMultiplier: number;
}

/** True when the parameter or layer `name` is `prefix` or lies under it (`classifier` covers `classifier.kernel`). */
export function underPrefix(name: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => name === p || name.startsWith(p.endsWith('.') ? p : `${p}.`));
}

/**
 * Checks fine-tuning options against the model's trainable parameter names and fills the defaults.
 * @throws FpdbError FPDB_INVALID_ARGUMENT for a negative or fractional `freezeEpochs`, a multiplier that is
 *   not positive, or a head that matches no parameter or every parameter (naming some of the model's).
 * @example planFineTune({ freezeEpochs: 2 }, model.trainableNames) // { head: ['classifier'], freezeEpochs: 2, … }
 */
export function planFineTune(options: FineTuneOptions, trainableNames: readonly string[]): FineTunePlan {
  const head = options.head ?? ['classifier'];
  const freezeEpochs = options.freezeEpochs ?? 0;
  const backboneLearningRateMultiplier = options.backboneLearningRateMultiplier ?? 1;
  if (!(Number.isInteger(freezeEpochs) && freezeEpochs >= 0)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `fineTune.freezeEpochs must be an integer ≥ 0 (got ${JSON.stringify(freezeEpochs)}).`, { details: { value: freezeEpochs } });
  }
  if (!(backboneLearningRateMultiplier > 0 && Number.isFinite(backboneLearningRateMultiplier))) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `fineTune.backboneLearningRateMultiplier must be a positive number (got ${JSON.stringify(backboneLearningRateMultiplier)}).`, {
      details: { value: backboneLearningRateMultiplier },
    });
  }
  const inHead = trainableNames.filter((n) => underPrefix(n, head)).length;
  if (inHead === 0 || inHead === trainableNames.length) {
    const sample = [...trainableNames.slice(0, 2), ...trainableNames.slice(-2)].join(', ');
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `fineTune.head [${head.join(', ')}] matches ${inHead === 0 ? 'no' : 'every'} trainable parameter; it must name the head only (the model's parameters include ${sample}).`,
      { details: { value: head } },
    );
  }
  return { head, freezeEpochs, backboneLearningRateMultiplier };
}
