import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeStats, isFpdbError, parseRecord, type FpdbRecord } from '@fpdb/schema';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsv } from './csv.js';
import { generateDataset } from './generate-dataset.js';
import { planDataset } from './plan.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fpdb-synth-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function readCsv(text: string): FpdbRecord[] {
  const [header, ...lines] = text.slice(0, -1).split('\n');
  const names = header!.split(';').map((n) => n.trim());
  return lines.map((line) => parseRecord(Object.fromEntries(line.split(';').map((v, i) => [names[i]!, v]))));
}

async function folderBytes(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name);
    if (name.endsWith('.png') || name.endsWith('.csv') || name.endsWith('.json')) out.set(name, await readFile(path));
  }
  return out;
}

const small = { width: 64, height: 48 };

// These tests render and write files: generous timeouts, since CI machines may be shared and heavily loaded.
describe('generateDataset', { timeout: 180_000 }, () => {
  // The release's shares at 2,000 images are checked on the plan (plan.test.ts, no pixels needed); here the
  // folder must hold exactly that plan: its CSV, one PNG per row, progress for every image.
  it('writes a release-shaped folder: the plan as CSV and one PNG per row (300 images)', async () => {
    const dir = await tempDir();
    const progress: number[] = [];
    const options = { images: 300, seed: 7, size: { width: 16, height: 16 } };
    const result = await generateDataset({ outDir: dir, ...options, workers: 0, onProgress: (p) => progress.push(p.done) });
    expect(result.images).toBe(300);
    expect(progress).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const csv = await readFile(join(dir, 'FETAL_PLANES_DB_data.csv'), 'latin1');
    expect(csv).toBe(formatCsv(planDataset(options).records));
    const records = readCsv(csv);
    const images = new Set((await readdir(join(dir, 'Images'))).map((f) => f.replace(/\.png$/, '')));
    expect(records.filter((r) => !images.has(r.imageName))).toEqual([]);
    expect(images.size).toBe(records.length);
    const stats = computeStats(records);
    expect(stats.bySplit).toEqual({ train: result.train, test: result.test });
    expect(stats.patients).toBe(result.patients);
    expect(stats.patientsBySplit.train! + stats.patientsBySplit.test!).toBe(stats.patients);
  });

  it('gives the same bytes for the same options and seed, and other bytes for another seed', async () => {
    const a = await tempDir();
    const b = await tempDir();
    const c = await tempDir();
    await generateDataset({ outDir: a, images: 30, seed: 3, size: small, workers: 0 });
    await generateDataset({ outDir: b, images: 30, seed: 3, size: small, workers: 0 });
    await generateDataset({ outDir: c, images: 30, seed: 4, size: small, workers: 0 });
    const fa = await folderBytes(a);
    const fb = await folderBytes(b);
    expect(fa.size).toBe(32);
    for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name)!), name).toBe(true);
    expect((await folderBytes(c)).get('FETAL_PLANES_DB_data.csv')!.equals(fa.get('FETAL_PLANES_DB_data.csv')!)).toBe(false);
  });

  it('writes 8-bit grayscale PNGs at the real sizes of each device', async () => {
    const dir = await tempDir();
    const result = await generateDataset({ outDir: dir, images: 4, seed: 2, workers: 0 });
    for (const r of result.records.slice(0, 4)) {
      const meta = await sharp(join(dir, 'Images', `${r.imageName}.png`)).metadata();
      expect(meta).toMatchObject({ format: 'png', width: r.width, height: r.height, channels: 1, depth: 'uchar' });
    }
  });

  it('refuses a non-empty folder that is not a synth output, unless told to', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const error = await generateDataset({ outDir: dir, images: 3, size: small, workers: 0 }).catch((e: unknown) => e);
    expect(isFpdbError(error, 'FPDB_OUTPUT_NOT_EMPTY')).toBe(true);
    expect(existsSync(join(dir, 'FETAL_PLANES_DB_data.csv'))).toBe(false);
    await generateDataset({ outDir: dir, images: 3, size: small, workers: 0, overwrite: true });
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await readdir(join(dir, 'Images'))).length).toBe(3);
  });

  it('replaces a previous synth output, removing its stale images', async () => {
    const dir = await tempDir();
    await generateDataset({ outDir: dir, images: 40, seed: 1, size: small, workers: 0 });
    const second = await generateDataset({ outDir: dir, images: 10, seed: 2, size: small, workers: 0 });
    const files = (await readdir(join(dir, 'Images'))).map((f) => f.replace(/\.png$/, '')).sort();
    expect(files).toEqual(second.records.map((r) => r.imageName).sort());
    expect(JSON.parse(await readFile(join(dir, '.fpdb-synth.json'), 'utf8'))).toMatchObject({ generator: '@fpdb/synth', seed: 2, images: 10, complete: true });
  });

  it('stops on abort with FPDB_ABORTED and leaves the folder marked incomplete', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const error = await generateDataset({
      outDir: dir,
      images: 50,
      size: small,
      workers: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 5) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(isFpdbError(error, 'FPDB_ABORTED')).toBe(true);
    expect(JSON.parse(await readFile(join(dir, '.fpdb-synth.json'), 'utf8')).complete).toBe(false);
    // An interrupted synth folder is still recognised as ours and can be regenerated.
    await generateDataset({ outDir: dir, images: 5, size: small, workers: 0 });
  });

  it('explains a missing worker script when workers are asked for from source', async () => {
    const error = await generateDataset({ outDir: await tempDir(), images: 2, workers: 2 }).catch((e: unknown) => e);
    expect(isFpdbError(error, 'FPDB_WORKER')).toBe(true);
  });

  it('renders the same bytes in worker threads (built dist) as in-process', async () => {
    const dist = fileURLToPath(new URL('../../dist/node.js', import.meta.url));
    expect(existsSync(dist), 'build @fpdb/synth first (turbo runs build before test)').toBe(true);
    const built = (await import(/* @vite-ignore */ dist)) as { generateDataset: typeof generateDataset };
    const a = await tempDir();
    const b = await tempDir();
    await built.generateDataset({ outDir: a, images: 24, seed: 5, size: { width: 96, height: 80 }, workers: 2 });
    await generateDataset({ outDir: b, images: 24, seed: 5, size: { width: 96, height: 80 }, workers: 0 });
    const fa = await folderBytes(a);
    const fb = await folderBytes(b);
    expect([...fa.keys()].sort()).toEqual([...fb.keys()].sort());
    for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name)!), name).toBe(true);
  });
});
