import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { realDir, run } from '../../test/run.js';

describe('fpdb augment-preview', () => {
  it('tiles a real image and its draws into a grey PNG, reproducibly by seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-preview-'));
    const image = join(realDir, 'Images', (await readdir(join(realDir, 'Images'))).sort()[0]!);
    const out = join(dir, 'grid.png');
    const r = await run('augment-preview', image, '--out', out, '--draws', '7', '--size', '48', '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ draws: 7, size: 48, width: 4 * 48 + 5 * 4, height: 2 * 48 + 3 * 4 });
    expect(info.pipeline.type).toBe('compose');
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([info.width, info.height, 1]);
    const again = join(dir, 'again.png');
    await run('augment-preview', image, '--out', again, '--draws', '7', '--size', '48');
    expect(await readFile(again)).toEqual(await readFile(out));
    // The draws differ from each other and from the original cell.
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const cell = (c: number) => {
      const x0 = 4 + (c % 4) * 52;
      const y0 = 4 + Math.floor(c / 4) * 52;
      return Array.from({ length: 48 * 48 }, (_, k) => data[(y0 + Math.floor(k / 48)) * info.width + x0 + (k % 48)]);
    };
    expect(cell(1)).not.toEqual(cell(0));
    expect(cell(2)).not.toEqual(cell(1));
  });

  it('takes a folder (one row per image) and a pipeline as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-preview-'));
    const pipeline = join(dir, 'p.json');
    await writeFile(pipeline, JSON.stringify({ type: 'compose', transforms: [{ type: 'rotate', degrees: [-20, 20], p: 1 }] }));
    const out = join(dir, 'grid.png');
    const r = await run('augment-preview', join(realDir, 'Images'), '--out', out, '--limit', '2', '--draws', '3', '--size', '32', '--pipeline', pipeline, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ images: [expect.stringMatching(/\.png$/), expect.any(String)], width: 4 * 32 + 5 * 4, height: 2 * 32 + 3 * 4 });
  });

  it('reports bad usage and bad pipelines', async () => {
    expect((await run('augment-preview', realDir)).code).toBe(2);
    const bad = await run('augment-preview', join(realDir, 'Images'), '--out', '/tmp/x.png', '--pipeline', '{"type":"spin"}');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('FPDB_PIPELINE');
    expect((await run('augment-preview', '/nonexistent.png', '--out', '/tmp/x.png')).stderr).toContain('FPDB_IMAGE_MISSING');
  });
});
