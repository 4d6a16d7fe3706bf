// Test helpers (not exported by any entry): the real fixtures and small dataset folders made on the fly.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFixture, realFixturesDir } from '@fpdb/internal/testing';
import sharp from 'sharp';

/** The real fixtures folder (see @fpdb/internal/testing). */
export const REAL = realFixturesDir();
export const REAL_CSV = realFixture('FETAL_PLANES_DB_data.csv');

/** The real CSV's header line and data lines (without line breaks). */
export async function realCsvLines(): Promise<{ header: string; rows: string[] }> {
  const lines = (await readFile(REAL_CSV, 'utf8')).split('\n').filter((l) => l.length > 0);
  return { header: lines[0]!, rows: lines.slice(1) };
}

export async function tempDir(prefix = 'fpdb-loader-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A gray PNG of w×h with a deterministic pattern (a bright disc on a gradient), `seed` varying it. */
export async function grayPng(width: number, height: number, seed = 0): Promise<Buffer> {
  const px = Buffer.alloc(width * height);
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width, height) / 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      px[y * width + x] = inside ? 200 + ((x * 7 + y * 13 + seed) % 50) : (x + y * 3 + seed * 17) % 120;
    }
  }
  return sharp(px, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/**
 * Writes a dataset folder: the CSV holds the given real rows (header included) and `Images/` one PNG
 * per row (gray pattern, `width`×`height`), or `images` overrides by name (null = leave the file out).
 */
export async function makeDataset(rows: readonly string[], options: { width?: number; height?: number; images?: Record<string, Buffer | null>; header?: string; dir?: string } = {}): Promise<string> {
  const { width = 96, height = 64 } = options;
  const { header } = await realCsvLines();
  const root = options.dir ?? (await tempDir());
  await mkdir(join(root, 'Images'), { recursive: true });
  await writeFile(join(root, 'FETAL_PLANES_DB_data.csv'), `${[options.header ?? header, ...rows].join('\n')}\n`);
  let i = 0;
  for (const row of rows) {
    const name = row.split(';')[0]!.trim();
    const override = options.images?.[name];
    if (override === null) continue;
    await writeFile(join(root, 'Images', `${name}.png`), override ?? (await grayPng(width, height, i++)));
  }
  return root;
}

/** A copy of a PNG whose IHDR declares width×height (a decompression bomb's header; CRC left stale). */
export function withDimensions(png: Uint8Array, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  return out;
}

/** Re-encodings of a gray PNG in every PNG mode: RGB, RGBA, gray+alpha, palette, 16-bit gray, 16-bit RGB. */
export async function resaves(gray: Buffer): Promise<Record<string, Buffer>> {
  const { encode } = await import('fast-png');
  const { data, info } = await sharp(gray).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const n = width * height;
  const ga = Buffer.alloc(n * 2);
  const rgb16 = new Uint16Array(n * 3);
  const g16 = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    ga[i * 2] = data[i]!;
    ga[i * 2 + 1] = 255;
    g16[i] = data[i]! * 257;
    rgb16.fill(data[i]! * 257, i * 3, i * 3 + 3);
  }
  return {
    rgb: await sharp(data, { raw: { width, height, channels: 1 } })
      .toColourspace('srgb')
      .png()
      .toBuffer(),
    rgba: await sharp(data, { raw: { width, height, channels: 1 } })
      .toColourspace('srgb')
      .ensureAlpha()
      .png()
      .toBuffer(),
    grayAlpha: await sharp(ga, { raw: { width, height, channels: 2 } })
      .png()
      .toBuffer(),
    palette: await sharp(data, { raw: { width, height, channels: 1 } })
      .toColourspace('srgb')
      .png({ palette: true, colours: 256, dither: 0 })
      .toBuffer(),
    gray16: Buffer.from(encode({ width, height, data: g16, depth: 16, channels: 1 })),
    rgb16: Buffer.from(encode({ width, height, data: rgb16, depth: 16, channels: 3 })),
  };
}
