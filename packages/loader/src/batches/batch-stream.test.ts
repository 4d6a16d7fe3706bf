import { FpdbError, type FpdbRecord } from '@fpdb/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMetadata } from '../metadata/parse-metadata.js';
import { REAL_CSV } from '../../test/fixtures.js';
import { readFile } from 'node:fs/promises';
import { createBatchStream, type TypedBatch } from './batch-stream.js';
import type { PixelSource } from './pixel-source.js';

let records: FpdbRecord[];
beforeAll(async () => {
  records = parseMetadata(await readFile(REAL_CSV, 'utf8'))
    .records.filter((_, i) => i % 61 === 0)
    .slice(0, 203);
});

/** Pixels = (index of the record in `records`) mod 256 everywhere; counts reads in flight. */
function fakeSource(options: { fail?: Set<string>; delayMs?: number } = {}): PixelSource & { reads: number; inFlight: number; maxInFlight: number } {
  const index = new Map(records.map((r, i) => [r.imageName, i]));
  const s = {
    height: 4,
    width: 3,
    reads: 0,
    inFlight: 0,
    maxInFlight: 0,
    async read(r: FpdbRecord, out: Uint8Array) {
      s.reads++;
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      await new Promise((ok) => setTimeout(ok, options.delayMs ?? 0));
      s.inFlight--;
      if (options.fail?.has(r.imageName))
        throw new FpdbError('FPDB_IMAGE_DECODE', `Images/${r.imageName}.png (CSV line 9) could not be decoded`, { details: { file: `Images/${r.imageName}.png`, line: 9 } });
      out.fill(index.get(r.imageName)! % 256);
    },
  };
  return s;
}

async function collect(it: AsyncIterable<TypedBatch>): Promise<TypedBatch[]> {
  const out: TypedBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}
const names = (bs: TypedBatch[]): string[] => bs.flatMap((b) => b.records.map((r) => r.imageName));

describe('createBatchStream', () => {
  it('yields every record once per epoch with images [B,H,W,1], int32 labels and one-hot', async () => {
    const stream = createBatchStream(records, fakeSource(), { batchSize: 32, seed: 3 });
    const batches = await collect(stream.epoch(0));
    expect(stream.batchesPerEpoch).toBe(7);
    expect(batches.map((b) => b.batchSize)).toEqual([32, 32, 32, 32, 32, 32, 11]);
    expect(new Set(names(batches)).size).toBe(203);
    const b = batches[0]!;
    expect(b.images).toHaveLength(32 * 4 * 3);
    expect(b.oneHot).toHaveLength(32 * 6);
    for (let j = 0; j < b.batchSize; j++) {
      const r = b.records[j]!;
      expect(b.labels[j]).toBe(stream.labelSpace.labelOf(r));
      expect(b.oneHot[j * 6 + b.labels[j]!]).toBe(1);
      expect(b.images[j * 12]).toBeCloseTo((records.indexOf(r) % 256) / 255, 6);
    }
  });

  it('shuffles per epoch, seeded: same seed and epoch give the same order; epochs differ', async () => {
    const a = names(await collect(createBatchStream(records, fakeSource(), { seed: 7 }).epoch(1)));
    const b = names(await collect(createBatchStream(records, fakeSource(), { seed: 7 }).epoch(1)));
    const c = names(await collect(createBatchStream(records, fakeSource(), { seed: 7 }).epoch(2)));
    const d = names(await collect(createBatchStream(records, fakeSource(), { seed: 8 }).epoch(1)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
    const ordered = names(await collect(createBatchStream(records, fakeSource(), { shuffle: false }).epoch(0)));
    expect(ordered).toEqual(records.map((r) => r.imageName));
  });

  it('drops the last partial batch when asked', async () => {
    const stream = createBatchStream(records, fakeSource(), { batchSize: 50, dropLast: true });
    const batches = await collect(stream.epoch(0));
    expect(batches.map((b) => b.batchSize)).toEqual([50, 50, 50, 50]);
    expect(stream.batchesPerEpoch).toBe(4);
  });

  it('balanced sampling draws classes about equally', async () => {
    const stream = createBatchStream(records, fakeSource(), { sampling: 'balanced', batchSize: 64, seed: 1 });
    const counts = new Array(6).fill(0);
    for (let e = 0; e < 5; e++) for (const b of await collect(stream.epoch(e))) b.labels.forEach((l) => counts[l]++);
    const present = stream.labelSpace.classes.filter((_, c) => records.some((r) => stream.labelSpace.labelOf(r) === c)).length;
    const expected = (5 * 203) / present;
    for (const n of counts.filter((x) => x > 0)) expect(Math.abs(n - expected) / expected).toBeLessThan(0.25);
    const plain = names(await collect(createBatchStream(records, fakeSource(), { seed: 1 }).epoch(0)));
    expect(new Set(plain).size).toBe(203);
  });

  it('keeps only the records of the task and says how many were left out', async () => {
    const stream = createBatchStream(records, fakeSource(), { task: 'brain' });
    expect(stream.size + stream.excluded).toBe(203);
    const got = names(await collect(stream.epoch(0)));
    expect(got.every((n) => records.find((r) => r.imageName === n)!.plane === 'Fetal brain')).toBe(true);
    expect(() =>
      createBatchStream(
        records.filter((r) => r.plane === 'Other'),
        fakeSource(),
        { task: 'brain' },
      ),
    ).toThrow(expect.objectContaining({ code: 'FPDB_EMPTY' }));
  });

  it('prefetches N batches while the consumer works, and none with prefetch 0', async () => {
    for (const prefetch of [0, 3]) {
      const source = fakeSource();
      const stream = createBatchStream(records, source, { batchSize: 10, prefetch, concurrency: 10 });
      const iterator = stream.epoch(0)[Symbol.asyncIterator]();
      await iterator.next();
      await new Promise((ok) => setTimeout(ok, 30));
      expect(source.reads).toBe(10 * (1 + prefetch));
      await iterator.return?.(undefined);
    }
  });

  it('normalises as stated', async () => {
    const first = async (normalization: 'unit' | 'symmetric' | { mean: number; std: number }): Promise<number> =>
      (await collect(createBatchStream(records.slice(0, 1), fakeSource(), { normalization, shuffle: false }).epoch(0)))[0]!.images[0]!;
    expect(await first('unit')).toBe(0);
    expect(await first('symmetric')).toBe(-1);
    expect(await first({ mean: 0.5, std: 0.25 })).toBe(-2);
    expect(() => createBatchStream(records, fakeSource(), { normalization: { mean: 0, std: 0 } })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
  });

  it('calls the augmentation hook with a seeded rng, the same for the same batch whatever the prefetch', async () => {
    const seen = async (prefetch: number): Promise<number[]> => {
      const draws: number[] = [];
      const stream = createBatchStream(records, fakeSource(), {
        seed: 5,
        prefetch,
        augment: (batch, rng) => {
          draws[batch.index] = rng.next();
          batch.images.fill(0.5);
          return batch;
        },
      });
      for (const b of await collect(stream.epoch(0))) expect(b.images.every((v) => v === 0.5)).toBe(true);
      return draws;
    };
    expect(await seen(0)).toEqual(await seen(4));
    // A label-mixing hook returning `soft` (as @fpdb/augment's asLoaderHook does) sets the yielded oneHot.
    const mixing = createBatchStream(records, fakeSource(), {
      augment: (b) => {
        const soft = (b as typeof b & { soft: Float32Array }).soft.map((v) => v * 0.5 + 0.5 / 6);
        return { ...b, images: b.images.map(() => 1), soft };
      },
    });
    const [mixed] = await collect(mixing.epoch(0));
    expect(mixed!.oneHot.every((v) => Math.abs(v - 0.5 / 6) < 1e-6 || Math.abs(v - (0.5 + 0.5 / 6)) < 1e-6)).toBe(true);
    expect(mixed!.oneHot.some((v) => Math.abs(v - (0.5 + 0.5 / 6)) < 1e-6)).toBe(true);
    expect('soft' in mixed!).toBe(false);
    const bad = createBatchStream(records, fakeSource(), { augment: (b) => ({ ...b, images: new Float32Array(3) }) });
    await expect(collect(bad.epoch(0))).rejects.toMatchObject({ code: 'FPDB_SHAPE' });
  });

  it("a decode failure during an epoch names the file ('error') or is skipped and counted ('skip')", async () => {
    const bad = new Set([records[10]!.imageName, records[150]!.imageName]);
    await expect(collect(createBatchStream(records, fakeSource({ fail: bad })).epoch(0))).rejects.toMatchObject({
      code: 'FPDB_IMAGE_DECODE',
      details: expect.objectContaining({ line: 9 }),
    });
    const source = fakeSource({ fail: bad });
    const stream = createBatchStream(records, source, { onError: 'skip', batchSize: 32 });
    const e0 = await collect(stream.epoch(0));
    expect(names(e0)).toHaveLength(201);
    expect(stream.skipped.map((s) => s.imageName).sort()).toEqual([...bad].sort());
    const readsBefore = source.reads;
    const e1 = await collect(stream.epoch(1));
    expect(names(e1)).toHaveLength(201);
    expect(source.reads - readsBefore).toBe(201);
  });

  it('the stream itself is endless; stopping early leaves nothing unhandled', async () => {
    const stream = createBatchStream(records.slice(0, 10), fakeSource({ delayMs: 1 }), { batchSize: 4, prefetch: 2 });
    let n = 0;
    const epochs = new Set<number>();
    for await (const b of stream) {
      epochs.add(b.epoch);
      if (++n === 10) break;
    }
    expect([...epochs]).toEqual([0, 1, 2, 3]);
    const failing = createBatchStream(records, fakeSource({ fail: new Set(records.slice(20).map((r) => r.imageName)) }), { batchSize: 10, prefetch: 4, shuffle: false });
    for await (const b of failing.epoch(0)) {
      expect(b.index).toBe(0);
      break;
    }
    await new Promise((ok) => setTimeout(ok, 20));
  });

  it('refuses bad options', () => {
    expect(() => createBatchStream(records, fakeSource(), { batchSize: 0 })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    expect(() => createBatchStream(records, fakeSource(), { prefetch: -1 })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    expect(() => createBatchStream(records, fakeSource(), { sampling: 'weird' as never })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
  });
});
