import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../dataset/open-dataset.js';
import { REAL, tempDir } from '../../test/fixtures.js';
import { readImage } from '../pixels/decode-image.js';
import { createBatches } from './create-batches.js';
import { createPixelSource } from './dataset-pixel-source.js';

describe('createBatches on the real fixtures', () => {
  it('builds the cache, then streams from it without decoding; bytes equal a fresh decode', async () => {
    const ds = await openDataset(REAL, { missing: 'skip' });
    const dir = await tempDir();
    const source = await createPixelSource(ds, { height: 32, width: 32, policy: 'crop', cache: 'build', cacheDir: dir });
    expect(source.cache?.valid).toBe(60);
    const stream = await createBatches(ds, { height: 32, width: 32, policy: 'crop', cacheDir: dir, batchSize: 32, normalization: 'unit', shuffle: false });
    const batches = [];
    for await (const b of stream.epoch(0)) batches.push(b);
    expect(batches.map((b) => b.batchSize)).toEqual([32, 28]);
    const r = ds.records[0]!;
    const fresh = await readImage(ds.image(r).path, { height: 32, width: 32, policy: 'crop' });
    expect(Array.from(batches[0]!.images.subarray(0, 1024), (v) => Math.round(v * 255))).toEqual(Array.from(fresh));
    await stream.close();
    await source.close();
  });

  it('decodes on the fly without a cache, counting what it decoded', async () => {
    const ds = (await openDataset(REAL, { missing: 'skip' })).filter({ split: 'test' });
    const source = await createPixelSource(ds, { height: 16, width: 16, cache: 'off' });
    const out = new Uint8Array(256);
    for (const r of ds.records) await source.read(r, out);
    expect(source.decoded).toBe(ds.size);
    expect(source.fromCache).toBe(0);
  });

  it('streams the real RGB/RGBA re-saves too', async () => {
    const root = await tempDir();
    await cp(join(REAL, 'FETAL_PLANES_DB_data.csv'), join(root, 'FETAL_PLANES_DB_data.csv'));
    await mkdir(join(root, 'Images'));
    await cp(join(REAL, 'resaved'), join(root, 'Images'), { recursive: true });
    const ds = await openDataset(root, { missing: 'skip' });
    const stream = await createBatches(ds, { height: 24, width: 24, policy: 'pad', cache: 'build', batchSize: 8 });
    let n = 0;
    for await (const b of stream.epoch(0)) n += b.batchSize;
    expect(n).toBe(5);
    await stream.close();
  });
});
