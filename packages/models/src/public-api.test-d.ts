// Guards the published types of @fpdb/models (the browser-safe root) as users import them: the architecture and backend lists, configs as a union discriminated by `architecture`, tensor-only predict, checkpoints that carry schema's preprocessing types and load from a URL or bytes.
import { describe, expectTypeOf, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import type * as schema from '@fpdb/schema';
import {
  ARCHITECTURES,
  BACKEND_CHOICES,
  checkpointPreprocess,
  createModel,
  createOptimizer,
  isArchitectureName,
  loadCheckpoint,
  predict,
  setupBackend,
  gradCamOverlay,
  gradCamOverlayPixels,
  type ArchitectureName,
  type BackendChoice,
  type BackendSetup,
  type Batch,
  type ForwardOptions,
  type CheckpointMetadata,
  type LoadedCheckpoint,
  type Model,
  type ModelConfig,
  type Normalization,
  type PredictOptions,
  type Predictions,
  type Preprocess,
  type ResNetConfig,
  type ResizePolicy,
  type CheckpointFiles,
  type RgbaImage,
} from '@fpdb/models';

declare const model: Model;
declare const images: tf.Tensor4D;

describe('the preprocessing contract is schema’s', () => {
  it('re-exported Preprocess, ResizePolicy and Normalization equal @fpdb/schema’s', () => {
    expectTypeOf<Preprocess>().toEqualTypeOf<schema.Preprocess>();
    expectTypeOf<ResizePolicy>().toEqualTypeOf<schema.ResizePolicy>();
    expectTypeOf<Normalization>().toEqualTypeOf<schema.Normalization>();
  });

  it('a checkpoint records and gives back that contract', () => {
    expectTypeOf(checkpointPreprocess).returns.toEqualTypeOf<schema.Preprocess>();
    expectTypeOf<Pick<CheckpointMetadata, 'inputSize' | 'resize' | 'normalization'>>().toEqualTypeOf<{
      inputSize: [number, number];
      resize: schema.ResizePolicy;
      normalization: schema.Normalization;
    }>();
    expectTypeOf(loadCheckpoint).returns.resolves.toEqualTypeOf<LoadedCheckpoint>();
  });

  it('loadCheckpoint takes a folder URL or the files as bytes', () => {
    expectTypeOf(loadCheckpoint).parameter(0).toEqualTypeOf<string | URL | CheckpointFiles>();
    expectTypeOf<CheckpointFiles>().toEqualTypeOf<Record<string, Uint8Array>>();
    // @ts-expect-error a checkpoint's files are bytes, not text
    loadCheckpoint({ 'model.json': '{}' });
  });
});

describe('architectures', () => {
  it('ARCHITECTURES is the literal list, in registry order', () => {
    expectTypeOf(ARCHITECTURES).toEqualTypeOf<readonly ['reference-cnn', 'resnet', 'mobilenet-v2', 'densenet']>();
    expectTypeOf(isArchitectureName).guards.toEqualTypeOf<ArchitectureName>();
  });

  it('ModelConfig is discriminated by architecture', () => {
    expectTypeOf<ModelConfig['architecture']>().toEqualTypeOf<ArchitectureName>();
    expectTypeOf<Extract<ModelConfig, { architecture: 'resnet' }>>().toEqualTypeOf<ResNetConfig>();
  });

  it('createModel checks the config per family', () => {
    expectTypeOf(createModel).returns.toEqualTypeOf<Model>();
    expectTypeOf(createModel).toBeCallableWith({ architecture: 'resnet', numClasses: 6, inputSize: [128, 96], stem: 'compact' });
    // @ts-expect-error numClasses is required
    expectTypeOf(createModel).toBeCallableWith({ architecture: 'reference-cnn' });
    // @ts-expect-error 'vgg' is not a registered architecture
    expectTypeOf(createModel).toBeCallableWith({ architecture: 'vgg', numClasses: 6 });
    // @ts-expect-error `widths` belongs to reference-cnn, not resnet
    createModel({ architecture: 'resnet', numClasses: 6, widths: [8, 16] });
  });

  it('a model maps [B, H, W, 1] images to [B, K] logits', () => {
    expectTypeOf(model.apply).toEqualTypeOf<(x: tf.Tensor4D, options?: ForwardOptions) => tf.Tensor2D>();
  });
});

describe('predict takes tensors only', () => {
  it('input is a rank-4 tensor; the result is probabilities and classes', () => {
    expectTypeOf(predict).parameter(1).toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf(predict).returns.resolves.toEqualTypeOf<Predictions>();
    expectTypeOf<PredictOptions['tta']>().toEqualTypeOf<'none' | 'flip' | undefined>();
  });

  it('refuses image files: they go through the loader (predictFiles in @fpdb/experiment)', () => {
    // @ts-expect-error predict does not read files
    predict(model, ['Images/Patient00001_Plane1_1_of_15.png']);
    // @ts-expect-error 'hflip' is not a test-time augmentation
    predict(model, images, { tta: 'hflip' });
  });
});

describe('Grad-CAM overlays', () => {
  it('come as RGBA pixels for a canvas, or as PNG bytes (no Buffer)', () => {
    expectTypeOf(gradCamOverlayPixels).returns.toEqualTypeOf<RgbaImage>();
    expectTypeOf<RgbaImage['data']>().toEqualTypeOf<Uint8ClampedArray>();
    expectTypeOf(gradCamOverlay).returns.resolves.toEqualTypeOf<Uint8Array>();
  });
});

describe('backends and training', () => {
  it('BACKEND_CHOICES is the training backend list; setup resolves auto, and takes webgpu too', () => {
    expectTypeOf(BACKEND_CHOICES).toEqualTypeOf<readonly ['wasm', 'cpu', 'auto']>();
    expectTypeOf<BackendSetup['backend']>().toEqualTypeOf<Exclude<BackendChoice, 'auto'> | 'webgpu'>();
    expectTypeOf<BackendSetup['threads']>().toEqualTypeOf<boolean>();
    expectTypeOf(setupBackend).toBeCallableWith({ backend: 'webgpu' });
    expectTypeOf(setupBackend).toBeCallableWith({ backend: 'wasm', wasmPaths: '/assets/' });
    // @ts-expect-error webgl is not offered
    expectTypeOf(setupBackend).toBeCallableWith({ backend: 'webgl' });
  });

  it('a training batch holds rank-typed tensors', () => {
    expectTypeOf<Pick<Batch, 'images' | 'oneHot'>>().toEqualTypeOf<{ images: tf.Tensor4D; oneHot?: tf.Tensor2D }>();
  });

  it('optimizer configs are discriminated by type', () => {
    expectTypeOf(createOptimizer).toBeCallableWith({ type: 'sgd', momentum: 0.9, nesterov: true });
    // @ts-expect-error momentum is an SGD option, not Adam's
    createOptimizer({ type: 'adam', momentum: 0.9 });
  });
});
