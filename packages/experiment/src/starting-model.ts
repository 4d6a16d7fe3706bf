import { createModel, importPretrained, presetConfig, type Model, type ModelConfig, type PretrainedSource } from '@fpdb/models/node';
import type { LabelSpace, Normalization } from '@fpdb/schema';
import { isPresetName, type ExperimentConfig } from './experiment-config.js';
import { pullWeights } from './pull-weights.js';
import type { DataEvent } from './experiment-data.js';

/** The model config of a run: a family's with the run's classes and input size, or a pretrained network's. */
export function modelConfigOf(c: ExperimentConfig, space: LabelSpace): ModelConfig {
  const base = { numClasses: space.classes.length, inputSize: c.inputSize };
  if (isPresetName(c.architecture)) return presetConfig(c.architecture, base);
  return c.architecture === 'reference-cnn' ? { architecture: 'reference-cnn', ...base, ...(c.widths ? { widths: c.widths } : {}) } : ({ architecture: c.architecture, ...base } as ModelConfig);
}

/** The model a run starts from, and for pretrained weights where they came from and the pixels they expect. */
export interface StartingModel {
  model: Model;
  pretrained?: PretrainedSource;
  normalization?: Normalization;
}

/**
 * A run's model before training: freshly initialised, or with the pretrained weights of `config.pretrained`
 * (a network's ImageNet weights, pulled once; a weights file; an fpdb checkpoint), with a new head for the task.
 * @throws FpdbError as `pullWeights` and `importPretrained`.
 */
export async function startingModel(config: ExperimentConfig, space: LabelSpace, onEvent: (e: DataEvent) => void = () => {}, signal?: AbortSignal): Promise<StartingModel> {
  if (config.pretrained === undefined) return { model: createModel(modelConfigOf(config, space), { seed: config.seed }) };
  let source = config.pretrained;
  if (isPresetName(source)) {
    onEvent({ kind: 'phase', message: `Pulling the ImageNet weights of ${source} (once; kept in the user cache)` });
    source = (await pullWeights(source, { ...(signal ? { signal } : {}) })).file;
  }
  const model = await importPretrained(source, {
    numClasses: space.classes.length,
    inputSize: config.inputSize,
    seed: config.seed,
    ...(isPresetName(config.architecture) ? { architecture: config.architecture } : {}),
    ...(isPresetName(config.pretrained) ? { name: config.pretrained } : {}),
  });
  return { model, pretrained: model.pretrained, normalization: model.normalization };
}
