// Guards the browser-safe entry `@fpdb/loader` as users import it: the preprocessing types it re-exports are schema's own, and the metadata, decode and batch-stream signatures keep their shapes.
import { describe, expectTypeOf, it } from 'vitest';
import type * as schema from '@fpdb/schema';
import {
  RESIZE_POLICIES,
  createBatchStream,
  decodeModelInput,
  decodePng,
  parseMetadata,
  resizeGray,
  type AugmentHook,
  type BatchStream,
  type BatchStreamOptions,
  type MetadataMode,
  type ModelInput,
  type MetadataOptions,
  type MetadataResult,
  type Normalization,
  type PixelOptions,
  type PixelSource,
  type Preprocess,
  type ResizePolicy,
  type TypedBatch,
} from '@fpdb/loader';

declare const source: PixelSource;

describe('@fpdb/loader re-exports the one preprocessing contract', () => {
  it('ResizePolicy, Normalization and Preprocess are schema types, not copies', () => {
    expectTypeOf<ResizePolicy>().toEqualTypeOf<schema.ResizePolicy>();
    expectTypeOf<Normalization>().toEqualTypeOf<schema.Normalization>();
    expectTypeOf<Preprocess>().toEqualTypeOf<schema.Preprocess>();
    expectTypeOf(RESIZE_POLICIES).toEqualTypeOf<readonly ['stretch', 'pad', 'crop']>();
  });

  it('pixel options use the same policy type', () => {
    expectTypeOf<PixelOptions['policy']>().toEqualTypeOf<schema.ResizePolicy | undefined>();
    expectTypeOf(resizeGray).parameter(5).toEqualTypeOf<schema.ResizePolicy | undefined>();
  });
});

describe('metadata', () => {
  it('parseMetadata takes the CSV text and returns typed records with every issue', () => {
    expectTypeOf(parseMetadata).parameters.toEqualTypeOf<[string, MetadataOptions?]>();
    expectTypeOf(parseMetadata).returns.toEqualTypeOf<MetadataResult>();
    expectTypeOf<Pick<MetadataResult, 'records' | 'issues'>>().toEqualTypeOf<{ records: schema.FpdbRecord[]; issues: schema.ValidationIssue[] }>();
    expectTypeOf<MetadataMode>().toEqualTypeOf<'strict' | 'lenient'>();
  });
});

describe('decodeModelInput', () => {
  it('takes PNG bytes and the preprocessing contract, and gives the pixels and the normalised input', () => {
    expectTypeOf(decodeModelInput).returns.toEqualTypeOf<ModelInput>();
    expectTypeOf<ModelInput>().toEqualTypeOf<{ pixels: Uint8Array; input: Float32Array }>();
    expectTypeOf(decodeModelInput).parameter(1).toEqualTypeOf<schema.Preprocess>();
    expectTypeOf(decodeModelInput).toBeCallableWith(new Uint8Array(8), { height: 128, width: 128, policy: 'pad', normalization: 'unit' }, { file: 'scan.png' });
  });
});

describe('decodePng', () => {
  it('needs a size, defaults the policy and returns uint8 pixels', () => {
    expectTypeOf(decodePng).returns.toEqualTypeOf<Uint8Array>();
    expectTypeOf(decodePng).toBeCallableWith(new Uint8Array(8), { height: 128, width: 128 });
    // @ts-expect-error width is required
    expectTypeOf(decodePng).toBeCallableWith(new Uint8Array(8), { height: 128 });
    // @ts-expect-error 'fill' is not a resize policy
    expectTypeOf(decodePng).toBeCallableWith(new Uint8Array(8), { height: 128, width: 128, policy: 'fill' });
  });
});

describe('batch stream', () => {
  it('createBatchStream takes records and a pixel source, options optional', () => {
    expectTypeOf(createBatchStream).parameters.toEqualTypeOf<[readonly schema.FpdbRecord[], PixelSource, BatchStreamOptions?]>();
    expectTypeOf(createBatchStream).returns.toEqualTypeOf<BatchStream>();
  });

  it('the stream is async-iterable and gives one epoch on request', () => {
    expectTypeOf<BatchStream>().toExtend<AsyncIterable<TypedBatch>>();
    expectTypeOf<BatchStream['epoch']>().returns.toEqualTypeOf<AsyncGenerator<TypedBatch, void, undefined>>();
    expectTypeOf<BatchStream['labelSpace']>().toEqualTypeOf<schema.LabelSpace>();
  });

  it('a typed batch is one channel, normalised as the contract says', () => {
    expectTypeOf<Pick<TypedBatch, 'images' | 'labels' | 'channels' | 'normalization'>>().toEqualTypeOf<{
      images: Float32Array;
      labels: Int32Array;
      channels: 1;
      normalization: schema.Normalization;
    }>();
  });

  it('options take schema tasks and closed enums', () => {
    expectTypeOf<BatchStreamOptions['task']>().toEqualTypeOf<schema.Task | undefined>();
    expectTypeOf<BatchStreamOptions['sampling']>().toEqualTypeOf<'sequential' | 'balanced' | undefined>();
    expectTypeOf<BatchStreamOptions['onError']>().toEqualTypeOf<'error' | 'skip' | undefined>();
    // @ts-expect-error 'plane' is not a task ('planes' is)
    createBatchStream([], source, { task: 'plane' });
  });

  it('the augment hook gets a batch and a seeded Rng, and may be async', () => {
    expectTypeOf<AugmentHook>().toEqualTypeOf<(batch: TypedBatch, rng: schema.Rng) => TypedBatch | Promise<TypedBatch>>();
  });
});
