// Guards the Node entry `@fpdb/loader/node` as users import it: it is a superset of the browser entry, and openDataset, Dataset, createBatches, readImage and downloadRelease keep the option and result shapes the README documents.
import { describe, expectTypeOf, it } from 'vitest';
import type { Readable } from 'node:stream';
import type * as schema from '@fpdb/schema';
import type * as browser from '@fpdb/loader';
import {
  type CSV_FILE,
  createBatches,
  downloadRelease,
  openDataset,
  parseMetadata,
  readImage,
  readImageBytes,
  readMetadata,
  type BatchStream,
  type CacheKey,
  type CreateBatchesOptions,
  type Dataset,
  type DatasetFilter,
  type DecodeOptions,
  type DownloadOptions,
  type DownloadResult,
  type OpenDatasetOptions,
  type ResizeKernel,
  type ResizePolicy,
  type TypedBatch,
} from '@fpdb/loader/node';

declare const dataset: Dataset;

describe('@fpdb/loader/node extends the browser entry', () => {
  it('re-exports the same functions and types', () => {
    expectTypeOf(parseMetadata).toEqualTypeOf<typeof browser.parseMetadata>();
    expectTypeOf<TypedBatch>().toEqualTypeOf<browser.TypedBatch>();
    expectTypeOf<ResizePolicy>().toEqualTypeOf<schema.ResizePolicy>();
    expectTypeOf<typeof CSV_FILE>().toEqualTypeOf<typeof schema.CSV_FILE>();
  });
});

describe('openDataset and Dataset', () => {
  it('opens a folder with optional options', () => {
    expectTypeOf(openDataset).parameters.toEqualTypeOf<[string, OpenDatasetOptions?]>();
    expectTypeOf(openDataset).returns.resolves.toEqualTypeOf<Dataset>();
    expectTypeOf<OpenDatasetOptions['missing']>().toEqualTypeOf<'error' | 'skip' | undefined>();
    // @ts-expect-error missing images are an error or skipped, never ignored
    expectTypeOf(openDataset).toBeCallableWith('/data', { missing: 'ignore' });
  });

  it('splits return datasets, and holdOut takes schema holdOutBy options', () => {
    expectTypeOf<ReturnType<Dataset['officialSplit']>>().toEqualTypeOf<{ train: Dataset; test: Dataset }>();
    expectTypeOf<Dataset['holdOut']>().parameter(0).toEqualTypeOf<Parameters<typeof schema.holdOutBy>[1]>();
  });

  it('filter criteria use the vocabulary, one value or a list', () => {
    expectTypeOf<DatasetFilter['plane']>().toEqualTypeOf<schema.Plane | readonly schema.Plane[] | undefined>();
    expectTypeOf<DatasetFilter['task']>().toEqualTypeOf<schema.Task | undefined>();
    // @ts-expect-error 'Fetal head' is not a plane of the release
    dataset.filter({ plane: 'Fetal head' });
  });
});

describe('pixels and batches', () => {
  it('readImage decodes a file to uint8 at the requested size', () => {
    expectTypeOf(readImage).returns.resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(readImageBytes).returns.resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf<DecodeOptions>().toExtend<browser.PixelOptions>();
    expectTypeOf<ResizeKernel>().toEqualTypeOf<'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3'>();
    expectTypeOf<CacheKey['policy']>().toEqualTypeOf<schema.ResizePolicy>();
  });

  it('readMetadata reads a path or a stream', () => {
    expectTypeOf(readMetadata).parameter(0).toEqualTypeOf<string | Readable>();
  });

  it('createBatches needs the size and combines pixel and stream options', () => {
    expectTypeOf(createBatches).returns.resolves.toEqualTypeOf<BatchStream>();
    expectTypeOf<CreateBatchesOptions>().toExtend<browser.BatchStreamOptions>();
    expectTypeOf<CreateBatchesOptions['cache']>().toEqualTypeOf<'use' | 'build' | 'off' | undefined>();
    expectTypeOf(createBatches).toBeCallableWith(dataset, { height: 128, width: 128, policy: 'pad', batchSize: 32, normalization: 'symmetric' });
    // @ts-expect-error height is required
    expectTypeOf(createBatches).toBeCallableWith(dataset, { width: 128 });
  });
});

describe('download', () => {
  it('downloadRelease needs an output folder and reports the checksum it checked', () => {
    expectTypeOf(downloadRelease).parameter(0).toEqualTypeOf<DownloadOptions>();
    expectTypeOf(downloadRelease).returns.resolves.toEqualTypeOf<DownloadResult>();
    // @ts-expect-error `out` is required
    expectTypeOf(downloadRelease).toBeCallableWith({ url: 'https://example.invalid/x.zip' });
  });
});
