import { disposeBatch, type Batch } from '../batch.js';

/**
 * Iterates `source` one batch ahead, for data-parallel training: the next batch is taken from the
 * source (an in-memory source gathers it on this thread) once the current one has been handed out and
 * its step posted to the workers, so that the main thread prepares it while they compute instead of
 * between steps. Same batches, same order. A batch fetched ahead but never handed out (the run
 * stopped) is disposed, and the source is closed.
 */
export async function* prefetchBatches(source: AsyncIterable<Batch> | Iterable<Batch>): AsyncGenerator<Batch, void, undefined> {
  const iterator: AsyncIterator<Batch> | Iterator<Batch> = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const fetch = (): Promise<IteratorResult<Batch>> =>
    new Promise((resolve, reject) => {
      try {
        Promise.resolve(iterator.next()).then(resolve, reject);
      } catch (error) {
        reject(error);
      }
    });
  // Handled now (awaited later): a source's error must not count as an unhandled rejection meanwhile.
  const handled = (p: Promise<IteratorResult<Batch>>): Promise<IteratorResult<Batch>> => {
    p.catch(() => undefined);
    return p;
  };
  let next = handled(fetch());
  let finished = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        finished = true;
        return;
      }
      // setImmediate runs after the consumer's synchronous work on this batch (posting its step to the
      // workers) and before their replies arrive.
      next = handled(new Promise((resolve, reject) => setImmediate(() => fetch().then(resolve, reject))));
      yield result.value;
    }
  } finally {
    if (!finished) {
      const ahead = await next.catch(() => undefined);
      if (ahead && !ahead.done) disposeBatch(ahead.value);
      await iterator.return?.();
    }
  }
}
