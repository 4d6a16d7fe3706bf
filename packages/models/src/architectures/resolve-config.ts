import { FpdbError } from '@fpdb/schema';
import { ARCHITECTURES, type ModelConfig, type ResolvedConfig } from './config.js';
import { resolveDenseNet } from './densenet.js';
import { resolveMobileNetV2 } from './mobilenet-v2.js';
import { resolveReferenceCnn } from './reference-cnn.js';
import { resolveResNet } from './resnet.js';

function positiveInt(value: unknown, what: string): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new FpdbError('FPDB_CONFIG', `${what} must be a positive integer but is ${JSON.stringify(value)}.`, { details: { value } });
  }
}

function intList(value: unknown, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) {
    throw new FpdbError('FPDB_CONFIG', `${what} must be a non-empty array of positive integers but is ${JSON.stringify(value)}.`, { details: { value } });
  }
  value.forEach((v, i) => positiveInt(v, `${what}[${i}]`));
}

/**
 * Validates a model config and fills every default; the result is what checkpoints store and compare.
 * @throws FpdbError FPDB_CONFIG for an unknown architecture or an invalid field.
 * @example resolveConfig({ architecture: 'reference-cnn', numClasses: 6 }).widths // [16, 32, 64, 64]
 */
export function resolveConfig(config: ModelConfig): ResolvedConfig {
  const arch = (config as { architecture?: unknown }).architecture;
  if (!ARCHITECTURES.includes(arch as never)) {
    throw new FpdbError('FPDB_CONFIG', `Unknown architecture ${JSON.stringify(arch)}; use one of ${ARCHITECTURES.join(', ')}.`, { details: { value: arch } });
  }
  positiveInt(config.numClasses, 'numClasses');
  const size = config.inputSize ?? 128;
  const inputSize: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  inputSize.forEach((v, i) => positiveInt(v, `inputSize[${i}]`));
  const dropout = config.dropout;
  if (dropout !== undefined && !(dropout >= 0 && dropout < 1)) {
    throw new FpdbError('FPDB_CONFIG', `dropout must be in [0, 1) but is ${dropout}.`, { details: { value: dropout } });
  }
  switch (config.architecture) {
    case 'reference-cnn':
      intList(config.widths, 'widths');
      return resolveReferenceCnn(config, inputSize);
    case 'resnet':
      if (config.width !== undefined) positiveInt(config.width, 'width');
      intList(config.blocks, 'blocks');
      return resolveResNet(config, inputSize);
    case 'mobilenet-v2':
      if (config.alpha !== undefined && !(config.alpha > 0)) {
        throw new FpdbError('FPDB_CONFIG', `alpha must be > 0 but is ${config.alpha}.`, { details: { value: config.alpha } });
      }
      config.stages?.forEach((s, i) => intList(s, `stages[${i}]`));
      return resolveMobileNetV2(config, inputSize);
    case 'densenet':
      if (config.growthRate !== undefined) positiveInt(config.growthRate, 'growthRate');
      intList(config.blocks, 'blocks');
      if (config.compression !== undefined && !(config.compression > 0 && config.compression <= 1)) {
        throw new FpdbError('FPDB_CONFIG', `compression must be in (0, 1] but is ${config.compression}.`, { details: { value: config.compression } });
      }
      return resolveDenseNet(config, inputSize);
  }
}
