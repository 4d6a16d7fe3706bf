import { FpdbError, createRng, isFpdbError, labelSpace as spaceOf, normalizeInto, shuffled, type FpdbRecord, type LabelSpace, type Normalization, type Rng, type Task } from '@fpdb/schema';
import { mapPool } from '../internal/pool.js';
import type { PixelSource } from './pixel-source.js';

/**
 * One batch as typed arrays (no tfjs): images `[B, H, W, 1]` row-major float32, normalised as
 * `normalization` says; labels as int32 class indices and float32 one-hot `[B, C]`.
 */
export interface TypedBatch {
  images: Float32Array;
  batchSize: number;
  height: number;
  width: number;
  channels: 1;
  labels: Int32Array;
  oneHot: Float32Array;
  numClasses: number;
  /** The records the images came from, in batch order. */
  records: FpdbRecord[];
  epoch: number;
  /** Batch index within the epoch. */
  index: number;
  normalization: Normalization;
}

/**
 * The augmentation hook: receives a batch and a seeded generator (derived from the stream seed, the
 * epoch and the batch index, so results do not depend on prefetch timing) and returns the batch to
 * yield. It may change `images` in place or return new arrays of the same shape (pixel values as
 * `normalization` says: [0, 1] by default). Mixed labels (MixUp) go in `oneHot`, or in `soft` — the
 * batch passed in also carries `soft` (the same array as `oneHot`), and a returned `soft` of shape
 * `[B, C]` becomes the yielded `oneHot`. `@fpdb/augment`'s `asLoaderHook(pipeline)` returns one.
 */
export type AugmentHook = (batch: TypedBatch, rng: Rng) => TypedBatch | Promise<TypedBatch>;

/** An image left out during an epoch under `onError: 'skip'`. */
export interface SkippedImage {
  imageName: string;
  code: string;
  message: string;
  epoch: number;
}

/** Options of {@link createBatchStream}. */
export interface BatchStreamOptions {
  /** The task whose labels are used (default `planes`); records outside it are left out. */
  task?: Task;
  /** A label space to use instead of `task`. */
  labelSpace?: LabelSpace;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle each epoch (seeded by `seed` and the epoch number). Default true. */
  shuffle?: boolean;
  /** Default 0. */
  seed?: number;
  /** Drop the last, smaller batch of an epoch. Default false. */
  dropLast?: boolean;
  /** `sequential` (every record once per epoch, default) or `balanced` (each draw picks a class uniformly, then a record of it; epoch size unchanged). */
  sampling?: 'sequential' | 'balanced';
  /** Batches prepared ahead while the consumer works. Default 2. */
  prefetch?: number;
  /** Image reads in flight per batch. Default 8. */
  concurrency?: number;
  /** Default `unit` (x/255). */
  normalization?: Normalization;
  augment?: AugmentHook;
  /** An image that fails to read: `error` (default) throws its FpdbError (file + line), `skip` leaves it out (counted in `skipped`) for this and later epochs. */
  onError?: 'error' | 'skip';
  /** Epochs the stream's own iterator runs. Default Infinity (an endless supply). */
  epochs?: number;
}

/** A seeded, prefetching source of batches over a fixed set of records. */
export interface BatchStream extends AsyncIterable<TypedBatch> {
  readonly height: number;
  readonly width: number;
  readonly labelSpace: LabelSpace;
  /** Records in the stream (those of the label space). */
  readonly size: number;
  /** Records left out because they are not part of the task. */
  readonly excluded: number;
  /** Batches per epoch (before any skipped image). */
  readonly batchesPerEpoch: number;
  /** Images skipped so far (onError `skip`). */
  readonly skipped: readonly SkippedImage[];
  /** The batches of one epoch (0-based). Same seed and epoch, same batches. */
  epoch(epoch: number): AsyncGenerator<TypedBatch, void, undefined>;
  /** Closes the pixel source. */
  close(): Promise<void>;
}

function positiveInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name} must be an integer ≥ ${min}; got ${v}.`, { details: { value: v } });
}

/**
 * Creates a batch stream over `records` reading pixels from `source` (browser-safe; in Node use
 * `createBatches(dataset, …)` from `@fpdb/loader/node`). Iterate it for endless epochs, or
 * `stream.epoch(n)` for one. Typed arrays are fresh per batch and owned by the consumer.
 * @throws FpdbError FPDB_EMPTY when no record belongs to the task; FPDB_INVALID_ARGUMENT for bad options;
 *   during iteration, the source's FPDB_IMAGE_* error (file and line) when onError is `error`.
 * @example
 * const stream = createBatchStream(records, source, { batchSize: 32, seed: 1, prefetch: 2 });
 * for await (const batch of stream.epoch(0)) train(batch.images, batch.oneHot);
 */
export function createBatchStream(records: readonly FpdbRecord[], source: PixelSource, options: BatchStreamOptions = {}): BatchStream {
  const {
    batchSize = 32,
    shuffle = true,
    seed = 0,
    dropLast = false,
    sampling = 'sequential',
    prefetch = 2,
    concurrency = 8,
    normalization = 'unit',
    augment,
    onError = 'error',
    epochs = Infinity,
  } = options;
  positiveInt('batchSize', batchSize, 1);
  positiveInt('prefetch', prefetch, 0);
  positiveInt('concurrency', concurrency, 1);
  if (sampling !== 'sequential' && sampling !== 'balanced') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `sampling must be 'sequential' or 'balanced'; got ${JSON.stringify(sampling)}.`, { details: { value: sampling } });
  }
  normalizeInto(new Uint8Array(0), new Float32Array(0), 0, normalization);
  const space = options.labelSpace ?? spaceOf(options.task ?? 'planes');
  const items = records.filter((r) => space.includes(r));
  if (items.length === 0) {
    throw new FpdbError('FPDB_EMPTY', `None of the ${records.length} records belongs to the ${space.task} task (${space.classes.join(', ')}); nothing to batch.`, {
      details: { value: records.length },
    });
  }
  const labels = Int32Array.from(items, (r) => space.labelOf(r));
  const numClasses = space.classes.length;
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((c, i) => byClass[c]!.push(i));
  const present = byClass.map((_, c) => c).filter((c) => byClass[c]!.length > 0);
  const { height, width } = source;
  const hw = height * width;
  const bad = new Set<number>();
  const skipped: SkippedImage[] = [];
  const root = createRng(seed);

  const order = (epoch: number): number[] => {
    if (sampling === 'balanced') {
      const rng = root.fork(`balanced:${epoch}`);
      return Array.from({ length: items.length }, () => {
        const members = byClass[present[rng.int(present.length)]!]!;
        return members[rng.int(members.length)]!;
      });
    }
    const all = items.map((_, i) => i);
    return shuffle ? shuffled(all, root.fork(`epoch:${epoch}`)) : all;
  };

  const assemble = async (indices: number[], epoch: number, index: number): Promise<TypedBatch | undefined> => {
    const raw = new Uint8Array(indices.length * hw);
    const ok = new Array<boolean>(indices.length).fill(false);
    await mapPool(indices, concurrency, async (i, k) => {
      if (bad.has(i)) return;
      try {
        await source.read(items[i]!, raw.subarray(k * hw, (k + 1) * hw));
        ok[k] = true;
      } catch (error) {
        if (onError !== 'skip' || !isFpdbError(error)) throw error;
        if (!bad.has(i)) {
          bad.add(i);
          skipped.push({ imageName: items[i]!.imageName, code: error.code, message: error.message, epoch });
        }
      }
    });
    const keep = indices.map((i, k) => [i, k] as const).filter(([, k]) => ok[k]);
    if (keep.length === 0) return undefined;
    const b = keep.length;
    const batch: TypedBatch = {
      images: new Float32Array(b * hw),
      batchSize: b,
      height,
      width,
      channels: 1,
      labels: new Int32Array(b),
      oneHot: new Float32Array(b * numClasses),
      numClasses,
      records: keep.map(([i]) => items[i]!),
      epoch,
      index,
      normalization,
    };
    keep.forEach(([i, k], j) => {
      normalizeInto(raw.subarray(k * hw, (k + 1) * hw), batch.images, j * hw, normalization);
      batch.labels[j] = labels[i]!;
      batch.oneHot[j * numClasses + labels[i]!] = 1;
    });
    if (!augment) return batch;
    // `soft` mirrors `oneHot` for hooks that mix labels (MixUp, CutMix) under that name, as @fpdb/augment's do.
    const out = await augment(Object.assign(batch, { soft: batch.oneHot }), root.fork(`augment:${epoch}:${index}`));
    const soft = (out as { soft?: unknown }).soft;
    if (soft instanceof Float32Array && soft !== out.oneHot && soft.length === out.batchSize * numClasses) out.oneHot = soft;
    delete (out as { soft?: unknown }).soft;
    if (out.images.length !== out.batchSize * out.height * out.width || out.labels.length !== out.batchSize) {
      throw new FpdbError(
        'FPDB_SHAPE',
        `The augment hook returned images of length ${out.images.length} and ${out.labels.length} labels for batchSize ${out.batchSize}, ${out.height}×${out.width}; expected ${out.batchSize * out.height * out.width} and ${out.batchSize}.`,
      );
    }
    return out;
  };

  async function* epochBatches(epoch: number): AsyncGenerator<TypedBatch, void, undefined> {
    positiveInt('epoch', epoch, 0);
    const ord = order(epoch).filter((i) => !bad.has(i));
    const chunks: number[][] = [];
    for (let s = 0; s < ord.length; s += batchSize) chunks.push(ord.slice(s, s + batchSize));
    if (dropLast && chunks.length > 0 && chunks[chunks.length - 1]!.length < batchSize) chunks.pop();
    const queue: Array<Promise<TypedBatch | undefined>> = [];
    let next = 0;
    const start = (): void => {
      const p = assemble(chunks[next]!, epoch, next);
      // A batch still in flight when the consumer stops must not become an unhandled rejection.
      p.catch(() => undefined);
      queue.push(p);
      next++;
    };
    // The batch being awaited plus `prefetch` more are in flight while the consumer works.
    while (queue.length <= prefetch && next < chunks.length) start();
    while (queue.length > 0) {
      const batch = await queue.shift()!;
      while (queue.length < prefetch && next < chunks.length) start();
      if (batch) yield batch;
      if (queue.length === 0 && next < chunks.length) start();
    }
  }

  const perEpoch = dropLast ? Math.floor(items.length / batchSize) : Math.ceil(items.length / batchSize);
  return {
    height,
    width,
    labelSpace: space,
    size: items.length,
    excluded: records.length - items.length,
    batchesPerEpoch: perEpoch,
    skipped,
    epoch: epochBatches,
    async *[Symbol.asyncIterator]() {
      for (let e = 0; e < epochs; e++) yield* epochBatches(e);
    },
    close: async () => {
      await source.close?.();
    },
  };
}
