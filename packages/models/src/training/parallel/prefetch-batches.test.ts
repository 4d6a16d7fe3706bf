import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/test-backend.js';
import type { Batch } from '../batch.js';
import { prefetchBatches } from './prefetch-batches.js';

beforeAll(async () => {
  await useWasmBackend();
});

/** A synchronous source of n batches that logs when each is made and whether it was closed. */
function source(n: number, events: string[], failAt?: number): Iterable<Batch> {
  return (function* () {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error(`source failed at ${i}`);
        events.push(`fetch ${i}`);
        yield { images: tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, labels: Int32Array.of(i) };
      }
    } finally {
      events.push('closed');
    }
  })();
}

describe('prefetchBatches', () => {
  it('gives the same batches in order, fetching the next one after the synchronous work on the current one', async () => {
    const events: string[] = [];
    const seen: number[] = [];
    for await (const batch of prefetchBatches(source(3, events))) {
      const i = (batch.labels as Int32Array)[0]!;
      seen.push(i);
      events.push(`post ${i}`);
      // The step's replies arrive later (a macrotask): by then the next batch is ready.
      await new Promise((r) => setTimeout(r, 5));
      events.push(`reply ${i}`);
      tf.dispose(batch.images);
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(events).toEqual(['fetch 0', 'post 0', 'fetch 1', 'reply 0', 'post 1', 'fetch 2', 'reply 1', 'post 2', 'closed', 'reply 2']);
  });

  it('disposes the batch fetched ahead and closes the source when the consumer stops', async () => {
    const events: string[] = [];
    const before = tf.memory().numTensors;
    const error = await (async () => {
      for await (const batch of prefetchBatches(source(5, events))) {
        await new Promise((r) => setTimeout(r, 5));
        tf.dispose(batch.images);
        throw new Error('step failed');
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'step failed' });
    expect(events).toEqual(['fetch 0', 'fetch 1', 'closed']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("passes on the source's error when the consumer reaches it", async () => {
    const events: string[] = [];
    const seen: number[] = [];
    const error = await (async () => {
      for await (const batch of prefetchBatches(source(3, events, 1))) {
        seen.push((batch.labels as Int32Array)[0]!);
        await new Promise((r) => setTimeout(r, 5));
        tf.dispose(batch.images);
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'source failed at 1' });
    expect(seen).toEqual([0]);
  });
});
