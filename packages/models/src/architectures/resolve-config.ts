import { FpdbError } from '@fpdb/schema';
import type { ModelConfig, ResolvedConfig } from './config.js';
import { architectureOf } from './registry.js';
import { positiveInt } from './validate.js';

/**
 * Validates a model config and fills every default; the result is what checkpoints store and compare.
 * The shared fields are checked here, the family's own fields by its registry entry.
 * @throws FpdbError FPDB_CONFIG for an unknown architecture or an invalid field.
 * @example resolveConfig({ architecture: 'reference-cnn', numClasses: 6 }).widths // [16, 32, 64, 64]
 */
export function resolveConfig(config: ModelConfig): ResolvedConfig {
  const architecture = architectureOf((config as { architecture?: unknown }).architecture);
  positiveInt(config.numClasses, 'numClasses');
  const size = config.inputSize ?? 128;
  const inputSize: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  inputSize.forEach((v, i) => positiveInt(v, `inputSize[${i}]`));
  const dropout = config.dropout;
  if (dropout !== undefined && !(dropout >= 0 && dropout < 1)) {
    throw new FpdbError('FPDB_CONFIG', `dropout must be in [0, 1) but is ${dropout}.`, { details: { value: dropout } });
  }
  return architecture.resolve(config, inputSize);
}
