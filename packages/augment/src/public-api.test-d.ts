// Guards the typed-array entry `@fpdb/augment` as users import it: transforms keep the batch's array type, seeds are schema's Rng, option ranges and policy op names are checked at compile time, and the loader hook keeps the caller's batch type.
import { describe, expectTypeOf, it } from 'vitest';
import type * as schema from '@fpdb/schema';
import {
  type POLICY_OP_NAMES,
  type Transform,
  asLoaderHook,
  compose,
  pipelineFromJSON,
  randAugment,
  rotate,
  ultrasoundDefaults,
  type ComposeOptions,
  type ImageBatch,
  type LoaderBatchLike,
  type MixUpOptions,
  type PolicyOpName,
  type Range,
  type Seed,
  type TransformJSON,
  type UltrasoundDefaultsOptions,
} from '@fpdb/augment';

declare const pipeline: Transform;
declare const rng: schema.Rng;
declare const u8Batch: ImageBatch<Uint8Array>;
declare const f32Batch: ImageBatch<Float32Array>;

describe('Transform', () => {
  it('apply returns the same array type it was given', () => {
    expectTypeOf(pipeline.apply(u8Batch, 1)).toEqualTypeOf<ImageBatch<Uint8Array>>();
    expectTypeOf(pipeline.apply(f32Batch, 'seed').data).toEqualTypeOf<Float32Array>();
  });

  it('applyInPlace only takes float32 batches', () => {
    expectTypeOf(pipeline.applyInPlace).parameter(0).toEqualTypeOf<ImageBatch<Float32Array>>();
    // @ts-expect-error a uint8 batch cannot be augmented in place
    pipeline.applyInPlace(u8Batch, 1);
  });

  it('a seed is a number, a string or a live schema Rng', () => {
    expectTypeOf<Seed>().toEqualTypeOf<number | string | schema.Rng>();
    expectTypeOf(pipeline.apply).toBeCallableWith(f32Batch, rng);
  });

  it('round-trips through JSON', () => {
    expectTypeOf(pipeline.toJSON).returns.toEqualTypeOf<TransformJSON>();
    expectTypeOf(pipelineFromJSON).parameter(0).toEqualTypeOf<string | TransformJSON>();
    expectTypeOf(pipelineFromJSON).returns.toEqualTypeOf<Transform>();
  });
});

describe('factories and options', () => {
  it('ranges are pairs, or one number for a symmetric range', () => {
    expectTypeOf<Range>().toEqualTypeOf<readonly [number, number]>();
    expectTypeOf(rotate).returns.toEqualTypeOf<Transform>();
    expectTypeOf(rotate).toBeCallableWith({ degrees: 10 });
    expectTypeOf(rotate).toBeCallableWith({ degrees: [-15, 15] });
    // @ts-expect-error a range has exactly two ends
    expectTypeOf(rotate).toBeCallableWith({ degrees: [-15, 0, 15] });
  });

  it('compose takes a readonly list and an optional fan-aware flag', () => {
    expectTypeOf(compose).parameters.toEqualTypeOf<[readonly Transform[], ComposeOptions?]>();
    expectTypeOf<ComposeOptions['fanAware']>().toEqualTypeOf<boolean | { threshold?: number } | undefined>();
  });

  it('policy ops are a closed list', () => {
    expectTypeOf<PolicyOpName>().toEqualTypeOf<(typeof POLICY_OP_NAMES)[number]>();
    expectTypeOf<'rotate'>().toExtend<PolicyOpName>();
    // @ts-expect-error solarize is left out on purpose: meaningless on B-mode ultrasound
    randAugment(2, 9, { ops: ['rotate', 'solarize'] });
  });

  it('ultrasoundDefaults appends MixUp with MixUp options', () => {
    expectTypeOf(ultrasoundDefaults).parameters.toEqualTypeOf<[UltrasoundDefaultsOptions?]>();
    expectTypeOf<UltrasoundDefaultsOptions['mixUp']>().toEqualTypeOf<MixUpOptions | undefined>();
  });
});

describe('asLoaderHook', () => {
  it('keeps the caller batch type and adds optional soft labels', () => {
    type MyBatch = LoaderBatchLike & { epoch: number };
    const hook = asLoaderHook(ultrasoundDefaults());
    expectTypeOf(hook<MyBatch>).returns.toEqualTypeOf<MyBatch & { soft?: Float32Array }>();
    expectTypeOf(hook).parameter(1).toEqualTypeOf<schema.Rng>();
  });

  it('refuses a batch without labels', () => {
    const hook = asLoaderHook(ultrasoundDefaults());
    // @ts-expect-error the loader batch shape needs labels
    hook({ images: new Float32Array(4), batchSize: 1, height: 2, width: 2 }, rng);
  });
});
