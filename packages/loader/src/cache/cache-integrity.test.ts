import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { grayPng, makeDataset, realCsvLines } from '../../test/fixtures.js';
import { openDataset } from '../dataset/open-dataset.js';
import { readImage } from '../pixels/decode-image.js';
import { buildCache } from './build-cache.js';
import { CACHE_HEADER_BYTES } from './cache-format.js';
import { currentHolder, lockCache } from './cache-lock.js';
import { openCache } from './open-cache.js';

vi.mock('./free-space.js', () => ({ freeBytes: vi.fn(async () => undefined) }));
const { freeBytes } = await import('./free-space.js');

let rows: string[];
beforeAll(async () => {
  rows = (await realCsvLines()).rows;
});
const size = { height: 24, width: 32, policy: 'pad' } as const;
const slotBytes = 24 * 32;

async function flipByte(file: string, at: number): Promise<void> {
  const h = await open(file, 'r+');
  const b = Buffer.alloc(1);
  await h.read(b, 0, 1, at);
  b[0] = b[0]! ^ 0xff;
  await h.write(b, 0, 1, at);
  await h.close();
}

/** The pixel section of a cache file (the header holds a random build id). */
async function pixelsOf(file: string): Promise<Buffer> {
  return (await readFile(file)).subarray(CACHE_HEADER_BYTES);
}

describe('cache integrity: what fpdb wrote is checked before it is served', () => {
  it('a flipped byte in the cache file fails its checksum on read (FPDB_CACHE_CORRUPT naming the image) and the next build re-decodes only that image', async () => {
    const root = await makeDataset(rows.slice(0, 6));
    const ds = await openDataset(root);
    const built = await buildCache(ds, size);
    const victim = ds.records[2]!.imageName;
    await flipByte(built.file, CACHE_HEADER_BYTES + 2 * slotBytes + 100);
    const cache = (await openCache(ds, size))!;
    await expect(cache.read(victim)).rejects.toMatchObject({ code: 'FPDB_CACHE_CORRUPT', message: expect.stringContaining(victim) });
    expect(await cache.verify()).toEqual([victim]);
    await cache.close();
    const again = await buildCache(ds, size);
    expect(again).toMatchObject({ decoded: 1, reused: 5, repaired: [victim] });
    const fixed = (await openCache(ds, size))!;
    expect(await fixed.read(victim)).toEqual(await readImage(ds.image(victim).path, size));
    await fixed.close();
  });

  it('a damaged index entry (bad shape, slot out of range, duplicate slot) is rebuilt, not a crash on every rerun', async () => {
    const root = await makeDataset(rows.slice(0, 5));
    const ds = await openDataset(root);
    const built = await buildCache(ds, size);
    const index = JSON.parse(await readFile(built.indexFile, 'utf8'));
    const [a, b, , d, e] = ds.records.map((r) => r.imageName);
    index.entries[a!] = [999, 1, 2, 3];
    index.entries[b!] = 'garbage';
    // e claims d's slot with its own identity: two images cannot share bytes.
    index.entries[e!] = [index.entries[d!][0], ...index.entries[e!].slice(1)];
    await writeFile(built.indexFile, JSON.stringify(index));
    const cache = (await openCache(ds, size))!;
    expect(cache.damagedEntries).toBe(3);
    expect(cache.has(a!)).toBe(false);
    await cache.close();
    const rebuilt = await buildCache(ds, size);
    expect(rebuilt.decoded).toBe(3);
    expect((await openCache(ds, size))!.valid).toBe(5);
  });

  it('an index pointing its data file outside the cache folder is not followed', async () => {
    const root = await makeDataset(rows.slice(0, 2));
    const ds = await openDataset(root);
    const built = await buildCache(ds, size);
    const index = JSON.parse(await readFile(built.indexFile, 'utf8'));
    await writeFile(built.indexFile, JSON.stringify({ ...index, dataFile: '../../etc/passwd' }));
    expect(await openCache(ds, size)).toBeUndefined();
  });

  it('a torn or garbled journal is repaired: damaged lines dropped, their images decoded again, the result identical to an uninterrupted build', async () => {
    const root = await makeDataset(rows.slice(0, 30), { width: 200, height: 150 });
    const ds = await openDataset(root);
    const clean = await buildCache(ds, { ...size, dir: join(root, 'clean') });
    const controller = new AbortController();
    await buildCache(ds, { ...size, concurrency: 1, signal: controller.signal, onProgress: (p) => p.done >= 12 && controller.abort() }).catch(() => undefined);
    const journal = join(root, '.fpdb-cache', '24x32-pad.journal');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    expect(lines.length).toBeGreaterThan(10);
    // A garbled line, a slot out of range, and a line torn by a kill (no newline).
    await writeFile(journal, `${[lines[0], 'xx yy', '999 1 2 3', ...lines.slice(1, -1), ''].join('\n')}5 12`);
    // A done slot whose bytes were damaged in the partial file.
    await flipByte(join(root, '.fpdb-cache', '24x32-pad.bin.partial'), CACHE_HEADER_BYTES + 1 * slotBytes + 7);
    const resumed = await buildCache(ds, size);
    expect(resumed).toMatchObject({ resumed: true, journalLinesDropped: 3, repaired: [ds.records[1]!.imageName] });
    expect(resumed.reused + resumed.decoded).toBe(30);
    expect(await pixelsOf(resumed.file)).toEqual(await pixelsOf(clean.file));
    expect(existsSync(journal)).toBe(false);
  });

  it('a journal whose head is garbage starts a fresh build', async () => {
    const root = await makeDataset(rows.slice(0, 4));
    const ds = await openDataset(root);
    const controller = new AbortController();
    await buildCache(ds, { ...size, concurrency: 1, signal: controller.signal, onProgress: (p) => p.done >= 2 && controller.abort() }).catch(() => undefined);
    const journal = join(root, '.fpdb-cache', '24x32-pad.journal');
    await writeFile(journal, '{"buildId": 12\n0 1 2 3\n');
    const r = await buildCache(ds, size);
    expect(r).toMatchObject({ resumed: false, decoded: 4 });
  });

  it('an undecodable image is skipped once, recorded in the index, and skipped again without decoding', async () => {
    const names = rows.slice(0, 4).map((r) => r.split(';')[0]!);
    const good = await grayPng(64, 48);
    const root = await makeDataset(rows.slice(0, 4), { images: { [names[1]!]: good.subarray(0, good.length - 40) } });
    const ds = await openDataset(root);
    const first = await buildCache(ds, { ...size, onError: 'skip' });
    expect(first.skipped.map((s) => s.value)).toEqual([names[1]]);
    const second = await buildCache(ds, { ...size, onError: 'skip' });
    expect(second).toMatchObject({ decoded: 0, skipped: [expect.objectContaining({ value: names[1], code: 'FPDB_IMAGE_DECODE', line: 3 })] });
    // With onError 'error' the known failure is decoded again and thrown, naming file and line.
    await expect(buildCache(ds, size)).rejects.toMatchObject({ code: 'FPDB_IMAGE_DECODE', details: expect.objectContaining({ line: 3 }) });
  });
});

describe('cache size: refused before writing when the disk cannot hold it', () => {
  it('says how much is needed and free, names --cache-dir, and writes nothing', async () => {
    const root = await makeDataset(rows.slice(0, 3));
    const ds = await openDataset(root);
    vi.mocked(freeBytes).mockResolvedValueOnce(1000);
    const e = await buildCache(ds, size).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'FPDB_NO_SPACE', message: expect.stringMatching(/needs 2 MB .* only 1 MB are free.*--cache-dir/) });
    expect((await readdir(join(root, '.fpdb-cache'))).filter((f) => !f.endsWith('.lock'))).toEqual([]);
  });
});

describe('stale locks', () => {
  const lockOf = async (holder: object | string): Promise<string> => {
    const root = await makeDataset([]);
    const file = join(root, 'x.bin');
    await writeFile(`${file}.lock`, typeof holder === 'string' ? holder : JSON.stringify(holder));
    return file;
  };

  it('takes over a lock whose PID now belongs to another process (start time differs, as after a container restart)', async () => {
    const self = currentHolder();
    if (self.startTime === undefined) return; // no /proc: only the liveness check applies
    const file = await lockOf({ ...self, startTime: self.startTime - 1 });
    await (await lockCache(file))();
  });

  it('takes over a lock from before a reboot (another boot id) and an empty lock left by a kill mid-write', async () => {
    await (await lockCache(await lockOf({ ...currentHolder(), bootId: 'another-boot' })))();
    const torn = await lockOf('');
    await utimes(`${torn}.lock`, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await (await lockCache(torn))();
  });

  it('waits for a live holder, saying whom it waits for; a holder on another host is never taken over', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const self = currentHolder();
      const file = await lockOf({ pid: child.pid, host: self.host, bootId: self.bootId, since: '2025-01-01T00:00:00.000Z' });
      const messages: string[] = [];
      const waiting = lockCache(file, { waitMs: 400, onWait: (_h, m) => messages.push(m) });
      await expect(waiting).rejects.toMatchObject({ code: 'FPDB_CACHE', message: expect.stringContaining(`process ${child.pid} on ${hostname()}`) });
      expect(messages).toEqual([expect.stringMatching(new RegExp(`^Waiting for process ${child.pid} on .* which is building .*x\\.bin\\. If no other fpdb run .* delete .*x\\.bin\\.lock`))]);
      const remote = await lockOf({ pid: 999_999_999, host: 'elsewhere' });
      await expect(lockCache(remote, { waitMs: 300 })).rejects.toMatchObject({ code: 'FPDB_CACHE' });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
