import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REAL, grayPng, resaves, tempDir, withDimensions } from '../../test/fixtures.js';
import { decodeImage, readImage } from './decode-image.js';
import { readPngHeader } from './png-header.js';

const maxDiff = (a: Uint8Array, b: Uint8Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

async function catchCode(p: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('decodeImage (sharp)', () => {
  it('decodes all 65 real images (60 gray originals, 5 RGB/RGBA re-saves) to one channel of H×W', async () => {
    const files = [...(await readdir(join(REAL, 'Images'))).map((f) => join(REAL, 'Images', f)), ...(await readdir(join(REAL, 'resaved'))).map((f) => join(REAL, 'resaved', f))];
    expect(files).toHaveLength(65);
    const modes = new Set<number>();
    for (const file of files) {
      const bytes = await readFile(file);
      modes.add(readPngHeader(bytes).colourType);
      const px = await decodeImage(bytes, { height: 64, width: 80, policy: 'pad' }, { file });
      expect(px).toHaveLength(64 * 80);
      expect(px.some((v) => v > 30)).toBe(true);
    }
    expect([...modes].sort()).toEqual([0, 2, 6]);
  });

  it('decodes a gray original and its re-saves in every PNG mode to (nearly) the same pixels', async () => {
    const original = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    const expected = await decodeImage(original, { height: 96, width: 96, policy: 'crop' });
    const copies = await resaves(original);
    for (const [mode, bytes] of Object.entries(copies)) {
      const px = await decodeImage(bytes, { height: 96, width: 96, policy: 'crop' }, { file: mode });
      // 16-bit sources are resized at 16 bits and cast at the end (high byte), so they may differ by 2.
      expect(maxDiff(px, expected), mode).toBeLessThanOrEqual(mode.endsWith('16') ? 2 : 1);
    }
    expect(readPngHeader(copies.palette!).colourType).toBe(3);
    expect(readPngHeader(copies.gray16!).bitDepth).toBe(16);
  });

  it('letterboxes in black for pad, fills the frame for crop, ignores aspect for stretch', async () => {
    const bright = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const pad = await decodeImage(bright, { height: 100, width: 100, policy: 'pad' });
    expect(pad[0]).toBe(0); // top band
    expect(pad[50 * 100 + 50]).toBe(255);
    expect(pad[99 * 100 + 50]).toBe(0);
    const crop = await decodeImage(bright, { height: 100, width: 100, policy: 'crop' });
    expect(Math.min(...crop)).toBe(255);
    const stretch = await decodeImage(bright, { height: 100, width: 100, policy: 'stretch' });
    expect(Math.min(...stretch)).toBe(255);
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = withDimensions(await grayPng(16, 16), 60_000, 60_000);
    const e = await catchCode(decodeImage(bomb, { height: 8, width: 8 }, { file: 'Images/bomb.png', line: 3 }));
    expect(e.code).toBe('FPDB_IMAGE_TOO_LARGE');
    expect(e.message).toContain('Images/bomb.png (CSV line 3)');
    const lowered = await catchCode(decodeImage(await grayPng(100, 100), { height: 8, width: 8, maxPixels: 5000 }));
    expect(lowered.code).toBe('FPDB_IMAGE_TOO_LARGE');
  });

  it('calls truncated and corrupt PNGs FPDB_IMAGE_DECODE naming the file, and a non-PNG FPDB_IMAGE_NOT_PNG', async () => {
    const png = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    const truncated = await catchCode(decodeImage(png.subarray(0, png.length >> 1), { height: 8, width: 8 }, { file: 'Images/t.png', line: 9 }));
    expect(truncated.code).toBe('FPDB_IMAGE_DECODE');
    expect(truncated.details).toMatchObject({ file: 'Images/t.png', line: 9 });
    const corrupt = Buffer.from(png);
    for (let i = 200; i < 2000; i++) corrupt[i] = (corrupt[i]! * 31 + 7) & 255;
    expect((await catchCode(decodeImage(corrupt, { height: 8, width: 8 }, { file: 'c.png' }))).code).toBe('FPDB_IMAGE_DECODE');
    const jpeg = await sharp(png).jpeg().toBuffer();
    expect((await catchCode(decodeImage(jpeg, { height: 8, width: 8 }, { file: 'j.png' }))).code).toBe('FPDB_IMAGE_NOT_PNG');
  });

  it('readImage names a missing file FPDB_IMAGE_MISSING', async () => {
    const dir = await tempDir();
    const e = await catchCode(readImage(join(dir, 'nope.png'), { height: 8, width: 8 }, { file: 'Images/nope.png', line: 4 }));
    expect(e.code).toBe('FPDB_IMAGE_MISSING');
    expect(e.message).toContain('CSV line 4');
  });
});
