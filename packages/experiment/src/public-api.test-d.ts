// Guards the published types of @fpdb/experiment as users import them (config, reports and predictDataset at the browser-safe root; runs, files and folders under /node), and that the packages it composes fit together as the READMEs promise: the config speaks schema/models/loader types, predictFiles needs a Preprocess, augment's hooks are loader hooks and loader tensor batches are models batches.
import { describe, expectTypeOf, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import type * as schema from '@fpdb/schema';
import type * as models from '@fpdb/models/node';
import type { AugmentHook, BatchStream, BatchStreamOptions } from '@fpdb/loader';
import { tensorBatches } from '@fpdb/loader/tfjs';
import { asLoaderHook, ultrasoundDefaults } from '@fpdb/augment';
import type { EvaluationReport } from '@fpdb/metrics';
import { experimentPreprocess, predictDataset, reportHtml, resolveExperimentConfig, type DatasetPredictions, type ExperimentConfig, type RunSummary, type TestSplit } from '@fpdb/experiment';
import * as node from '@fpdb/experiment/node';
import { evaluateSet, predictFiles, runExperiment, type ExperimentEvent, type ExperimentResult, type PredictFilesOptions } from '@fpdb/experiment/node';

declare const model: models.Model;
declare const images: tf.Tensor4D;
declare const preprocess: schema.Preprocess;
declare const stream: BatchStream;

describe('the experiment config speaks the packages’ own types', () => {
  it('task, resize policy, architecture (a family or a pretrained network), backend and sampling are the shared types', () => {
    expectTypeOf<Pick<ExperimentConfig, 'task' | 'resize' | 'architecture' | 'backend' | 'sampling'>>().toEqualTypeOf<{
      task: schema.Task;
      resize: schema.ResizePolicy;
      architecture: models.ArchitectureName | models.PretrainedPresetName;
      backend: models.BackendChoice;
      sampling: NonNullable<BatchStreamOptions['sampling']>;
    }>();
  });

  it('a partial config is completed; the preprocessing is schema’s contract', () => {
    expectTypeOf(resolveExperimentConfig).parameters.toEqualTypeOf<[Partial<ExperimentConfig>]>();
    expectTypeOf(resolveExperimentConfig).returns.toEqualTypeOf<ExperimentConfig>();
    expectTypeOf(experimentPreprocess).returns.toEqualTypeOf<schema.Preprocess>();
    // @ts-expect-error 'fill' is not a resize policy
    resolveExperimentConfig({ resize: 'fill' });
  });

  it('the test split is discriminated by kind and key', () => {
    expectTypeOf<Extract<TestSplit, { kind: 'k-fold' }>>().toEqualTypeOf<{ kind: 'k-fold'; k: number; fold: number }>();
    expectTypeOf(resolveExperimentConfig).toBeCallableWith({ testSplit: { kind: 'hold-out', key: 'usMachine', values: ['Voluson S10'] } });
    // @ts-expect-error 'Aloka' is a US machine, not an operator
    resolveExperimentConfig({ testSplit: { kind: 'hold-out', key: 'operator', values: ['Aloka'] } });
  });
});

describe('prediction', () => {
  it('predictFiles reads files with a required Preprocess and returns models’ Predictions', () => {
    expectTypeOf(predictFiles).parameters.toEqualTypeOf<[models.Model, readonly string[], PredictFilesOptions]>();
    expectTypeOf(predictFiles).returns.resolves.toEqualTypeOf<models.Predictions>();
    expectTypeOf<PredictFilesOptions['preprocess']>().toEqualTypeOf<schema.Preprocess>();
    expectTypeOf<PredictFilesOptions>().toExtend<models.PredictOptions>();
    // @ts-expect-error the preprocessing is not guessed: pass checkpointPreprocess(metadata)
    predictFiles(model, ['a.png'], { tta: 'flip' });
    // @ts-expect-error tensors go to models' predict, files come here
    predictFiles(model, images, { preprocess });
  });

  it('predictDataset takes a loader stream; evaluateSet a Preprocess and gives a metrics report', () => {
    expectTypeOf(predictDataset).parameters.toEqualTypeOf<[models.Model, BatchStream]>();
    expectTypeOf(predictDataset).returns.resolves.toEqualTypeOf<DatasetPredictions>();
    expectTypeOf(evaluateSet).parameter(3).toEqualTypeOf<schema.Preprocess>();
    expectTypeOf(evaluateSet).returns.resolves.toEqualTypeOf<EvaluationReport>();
  });
});

describe('runs', () => {
  it('runExperiment reports models’ epoch logs and a metrics report', () => {
    expectTypeOf(runExperiment).returns.resolves.toEqualTypeOf<ExperimentResult>();
    expectTypeOf<Extract<ExperimentEvent, { kind: 'epoch' }>['log']>().toEqualTypeOf<models.EpochLog>();
    expectTypeOf<RunSummary['evaluation']>().toEqualTypeOf<EvaluationReport>();
  });
});

describe('the composed packages fit together', () => {
  it('augment’s loader hook is a loader AugmentHook', () => {
    expectTypeOf(asLoaderHook(ultrasoundDefaults())).toExtend<AugmentHook>();
  });

  it('loader tensor batches feed models’ train as a BatchSource', () => {
    const source = (epoch: number) => tensorBatches(stream.epoch(epoch));
    expectTypeOf(source).toExtend<models.BatchSource>();
  });
});

describe('the /node entry', () => {
  it('re-exports the browser-safe root unchanged', () => {
    expectTypeOf(node.resolveExperimentConfig).toEqualTypeOf(resolveExperimentConfig);
    expectTypeOf(node.reportHtml).toEqualTypeOf(reportHtml);
  });
});
