import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, experimentPreprocess } from '@fpdb/experiment';
import { describe, expect, it } from 'vitest';
import { realCsv, realDir, run } from '../../test/run.js';

async function smallFolder(n: number): Promise<{ root: string; names: string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'fpdb-cache-cli-'));
  await mkdir(join(root, 'Images'));
  const all = (await readFile(realCsv, 'utf8')).split('\n');
  const { readdir } = await import('node:fs/promises');
  const names = (await readdir(join(realDir, 'Images'))).slice(0, n).map((f) => f.slice(0, -4));
  const rows = all.filter((l) => names.includes(l.split(';')[0]!));
  await writeFile(join(root, 'FETAL_PLANES_DB_data.csv'), `${all[0]}\n${rows.join('\n')}\n`);
  for (const name of names) await copyFile(join(realDir, 'Images', `${name}.png`), join(root, 'Images', `${name}.png`));
  return { root, names };
}

describe('fpdb cache', () => {
  it('builds by default the cache that fpdb train reads by default (same size and resize policy)', async () => {
    const { root } = await smallFolder(3);
    const r = await run('cache', root, '--json', '--quiet');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const train = experimentPreprocess(DEFAULT_CONFIG);
    expect({ height: out.height, width: out.width, policy: out.policy }).toEqual({ height: train.height, width: train.width, policy: train.policy });
    expect(out.file).toMatch(new RegExp(`${train.height}x${train.width}-${train.policy}\\.bin$`));
  });

  it('caches the real fixture folder (60 present images), then reuses everything on a second run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-cache-dir-'));
    const first = await run('cache', realDir, '--size', '32', '--policy', 'pad', '--cache-dir', dir, '--json');
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out).toMatchObject({ images: 60, decoded: 60, reused: 0, missingImages: 12_340, height: 32, width: 32, policy: 'pad', dir, bytes: 64 + 60 * 32 * 32 });
    expect(first.stderr).toContain('60 of 12,400 images usable; 12,340 missing images skipped.');
    const second = await run('cache', realDir, '--size', '32', '--policy', 'pad', '--cache-dir', dir, '--json');
    expect(JSON.parse(second.stdout)).toMatchObject({ decoded: 0, reused: 60 });
    const text = await run('cache', realDir, '--height', '24', '--width', '40', '--cache-dir', dir);
    expect(text.stdout).toMatch(/^Cached 60 images at 24×40 \(pad\)/);
  });

  it('names an undecodable image with its CSV line, or skips and counts it with --on-error skip', async () => {
    const { root, names } = await smallFolder(4);
    const bytes = await readFile(join(root, 'Images', `${names[1]}.png`));
    await writeFile(join(root, 'Images', `${names[1]}.png`), bytes.subarray(0, bytes.length >> 1));
    const failed = await run('cache', root, '--size', '16');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${names[1]}.png (CSV line`);
    expect(failed.stderr).toContain('FPDB_IMAGE_DECODE');
    const skipped = await run('cache', root, '--size', '16', '--on-error', 'skip', '--json');
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ images: 3, skipped: [expect.objectContaining({ code: 'FPDB_IMAGE_DECODE', image: names[1] })] });
  });

  it('fails on missing images with --missing error, and rejects bad usage', async () => {
    const missing = await run('cache', realDir, '--size', '16', '--missing', 'error');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FPDB_IMAGE_MISSING');
    expect((await run('cache')).code).toBe(2);
    expect((await run('cache', realDir, '--size', '0')).code).toBe(2);
    expect((await run('cache', realDir, '--policy', 'zoom')).code).toBe(2);
    expect((await run('cache', '--help')).stdout).toContain('Usage: fpdb cache');
  });
});
