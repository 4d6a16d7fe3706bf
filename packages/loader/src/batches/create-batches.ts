import type { Dataset } from '../dataset/dataset.js';
import { createBatchStream, type BatchStream, type BatchStreamOptions } from './batch-stream.js';
import { createPixelSource, type DatasetPixelSourceOptions } from './dataset-pixel-source.js';

/** Options of {@link createBatches}: pixels (size, policy, cache) and batching. */
export type CreateBatchesOptions = DatasetPixelSourceOptions & BatchStreamOptions;

/**
 * Batches of a dataset (Node): {@link createPixelSource} + {@link createBatchStream}. Iterate for an
 * endless, seeded, shuffled, prefetched supply of typed-array batches; wrap with
 * `tensorBatches` from `@fpdb/loader/tfjs` for tfjs tensors. Call `close()` when done.
 * @throws FpdbError as createPixelSource and createBatchStream.
 * @example
 * const ds = await openDataset('/data/FETAL_PLANES_DB');
 * const stream = await createBatches(ds.officialSplit().train, { height: 128, width: 128, policy: 'pad', cache: 'build', batchSize: 32 });
 * for await (const batch of stream.epoch(0)) console.log(batch.batchSize, batch.labels);
 * await stream.close();
 */
export async function createBatches(dataset: Dataset, options: CreateBatchesOptions): Promise<BatchStream> {
  const source = await createPixelSource(dataset, options);
  return createBatchStream(dataset.records, source, options);
}
