import { cp, mkdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDataset } from '../dataset/open-dataset.js';
import { REAL, grayPng, makeDataset, realCsvLines, tempDir } from '../../test/fixtures.js';
import { readImage } from '../pixels/decode-image.js';
import { buildCache } from './build-cache.js';
import { openCache } from './open-cache.js';

let rows: string[];
beforeAll(async () => {
  rows = (await realCsvLines()).rows;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const size = { height: 32, width: 40, policy: 'pad' } as const;

describe('buildCache', () => {
  it('caches every real fixture image; the cached bytes equal a fresh decode; the second run decodes nothing', async () => {
    const ds = await openDataset(REAL, { missing: 'skip' });
    const dir = await tempDir();
    const progress: number[] = [];
    const first = await buildCache(ds, { ...size, dir, onProgress: (p) => progress.push(p.done) });
    expect(first).toMatchObject({ total: 60, decoded: 60, reused: 0, resumed: false, skipped: [] });
    expect(progress.at(-1)).toBe(60);
    expect((await stat(first.file)).size).toBe(64 + 60 * 32 * 40);
    const cache = (await openCache(ds, { ...size, dir }))!;
    expect(cache.valid).toBe(60);
    for (const r of ds.records.slice(0, 5)) {
      const info = ds.image(r);
      expect(await cache.read(r.imageName)).toEqual(await readImage(info.path, size));
    }
    await cache.close();
    const before = await stat(first.file);
    const second = await buildCache(ds, { ...size, dir });
    expect(second).toMatchObject({ decoded: 0, reused: 60 });
    // A subset of a current cache is served by it: nothing is decoded or rewritten.
    const subset = await buildCache(ds.filter({ split: 'test' }), { ...size, dir });
    expect(subset.decoded).toBe(0);
    expect((await stat(first.file)).mtimeMs).toBe(before.mtimeMs);
    expect((await openCache(ds, { ...size, dir }))!.valid).toBe(60);
  });

  it('re-decodes only an image whose source changed', async () => {
    const root = await makeDataset(rows.slice(0, 8));
    const ds = await openDataset(root);
    await buildCache(ds, size);
    expect((await stat(join(root, '.fpdb-cache', '32x40-pad.bin'))).isFile()).toBe(true);
    const changed = ds.records[3]!.imageName;
    await writeFile(join(root, 'Images', `${changed}.png`), await grayPng(50, 70, 99));
    const ds2 = await openDataset(root);
    const cache = (await openCache(ds2, size))!;
    expect(cache.stale).toEqual([changed]);
    await cache.close();
    const again = await buildCache(ds2, size);
    expect(again).toMatchObject({ decoded: 1, reused: 7 });
    const fresh = (await openCache(ds2, size))!;
    expect(await fresh.read(changed)).toEqual(await readImage(ds2.image(changed).path, size));
    await fresh.close();
  });

  it('treats a touched file as changed (identity is size + mtime)', async () => {
    const root = await makeDataset(rows.slice(0, 3));
    const ds = await openDataset(root);
    await buildCache(ds, size);
    const name = ds.records[0]!.imageName;
    await utimes(join(root, 'Images', `${name}.png`), new Date(), new Date(Date.now() + 5000));
    const cache = (await openCache(await openDataset(root), size))!;
    expect(cache.stale).toEqual([name]);
    await cache.close();
  });

  it('resumes an interrupted build instead of starting over', async () => {
    const root = await makeDataset(rows.slice(0, 40), { width: 300, height: 200 });
    const ds = await openDataset(root);
    const controller = new AbortController();
    const e = await buildCache(ds, { ...size, concurrency: 1, signal: controller.signal, onProgress: (p) => p.done >= 25 && controller.abort() }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'FPDB_ABORTED' });
    expect(await openCache(ds, size)).toBeUndefined();
    const resumed = await buildCache(ds, size);
    expect(resumed.resumed).toBe(true);
    expect(resumed.reused).toBeGreaterThanOrEqual(25 - 1);
    expect(resumed.decoded).toBeLessThanOrEqual(16);
    expect(resumed.reused + resumed.decoded).toBe(40);
    const cache = (await openCache(ds, size))!;
    for (const r of ds.records) expect(await cache.read(r.imageName)).toEqual(await readImage(ds.image(r).path, size));
    await cache.close();
  });

  it('never serves a half-written cache: mismatched index, truncated data, garbage index', async () => {
    const root = await makeDataset(rows.slice(0, 4));
    const ds = await openDataset(root);
    const built = await buildCache(ds, size);
    const index = JSON.parse(await readFile(built.indexFile, 'utf8')) as { buildId: string };
    await writeFile(built.indexFile, JSON.stringify({ ...index, buildId: '0'.repeat(32) }));
    expect(await openCache(ds, size)).toBeUndefined();
    await writeFile(built.indexFile, JSON.stringify(index));
    expect(await openCache(ds, size)).toBeDefined();
    await truncate(built.file, 100);
    expect(await openCache(ds, size)).toBeUndefined();
    await writeFile(built.indexFile, '{"format":');
    expect(await openCache(ds, size)).toBeUndefined();
    const rebuilt = await buildCache(ds, size);
    expect(rebuilt.decoded).toBe(4);
  });

  it('falls back to the user cache folder when the dataset folder cannot hold one, and says so', async () => {
    const root = await makeDataset(rows.slice(0, 2));
    await writeFile(join(root, '.fpdb-cache'), 'a file where the cache folder would go');
    const home = await tempDir();
    vi.stubEnv('XDG_CACHE_HOME', home);
    const ds = await openDataset(root);
    const built = await buildCache(ds, size);
    expect(built.fallback).toBe(true);
    expect(built.dir.startsWith(join(home, 'fpdb'))).toBe(true);
    expect(built.reason).toBeDefined();
    expect((await openCache(ds, size))?.valid).toBe(2);
  });

  it('a decode failure names the file and line (error) or is skipped and counted (skip)', async () => {
    const names = rows.slice(0, 5).map((r) => r.split(';')[0]!);
    const good = await grayPng(64, 48);
    const root = await makeDataset(rows.slice(0, 5), { images: { [names[2]!]: good.subarray(0, good.length - 40) } });
    const ds = await openDataset(root);
    const e = (await buildCache(ds, size).catch((x: unknown) => x)) as { code: string; details: { line: number } };
    expect(e.code).toBe('FPDB_IMAGE_DECODE');
    expect(e.details.line).toBe(4);
    const r = await buildCache(ds, { ...size, onError: 'skip' });
    expect(r.skipped).toEqual([expect.objectContaining({ code: 'FPDB_IMAGE_DECODE', line: 4, value: names[2] })]);
    const cache = (await openCache(ds, size))!;
    expect(cache.valid).toBe(4);
    expect(cache.stale).toEqual([names[2]]);
    await cache.close();
  });

  it('works on a copy of the real images re-saved as RGB/RGBA', async () => {
    const root = await tempDir();
    await cp(join(REAL, 'FETAL_PLANES_DB_data.csv'), join(root, 'FETAL_PLANES_DB_data.csv'));
    await mkdir(join(root, 'Images'));
    await cp(join(REAL, 'resaved'), join(root, 'Images'), { recursive: true });
    const ds = await openDataset(root, { missing: 'skip' });
    expect(ds.size).toBe(5);
    const r = await buildCache(ds, { height: 64, width: 64, policy: 'crop' });
    expect(r).toMatchObject({ decoded: 5, skipped: [] });
  });
});
