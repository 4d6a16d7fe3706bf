import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REAL } from '../../test/fixtures.js';
import { DEFAULT_MAX_PIXELS, PNG_HEADER_BYTES, checkPixelLimit, readPngHeader } from './png-header.js';

const where = { file: 'Images/x.png', line: 7 };

describe('readPngHeader', () => {
  it('reads the size and colour type of a real image from its first 33 bytes', async () => {
    const bytes = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    const h = readPngHeader(bytes.subarray(0, PNG_HEADER_BYTES));
    expect(h).toMatchObject({ bitDepth: 8, colourType: 0, interlaced: false });
    const meta = await sharp(bytes).metadata();
    expect([h.width, h.height]).toEqual([meta.width, meta.height]);
    const rgba = readPngHeader(await readFile(join(REAL, 'resaved/Patient00168_Plane3_1_of_3.png')));
    expect(rgba).toMatchObject({ width: 640, height: 480, colourType: 6 });
  });

  it('names a JPEG under a .png name FPDB_IMAGE_NOT_PNG with file and line', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const error = (() => {
      try {
        readPngHeader(jpeg, where);
      } catch (e) {
        return e as { code: string; message: string; details: unknown };
      }
    })();
    expect(error?.code).toBe('FPDB_IMAGE_NOT_PNG');
    expect(error?.message).toContain('Images/x.png (CSV line 7) is a JPEG');
    expect(error?.details).toMatchObject({ file: 'Images/x.png', line: 7 });
    expect(() => readPngHeader(new TextEncoder().encode('hello, not an image at all......'), where)).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_NOT_PNG' }));
    expect(() => readPngHeader(new Uint8Array(0), where)).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_NOT_PNG' }));
  });

  it('calls a file cut inside its header truncated (FPDB_IMAGE_DECODE)', async () => {
    const png = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    expect(() => readPngHeader(png.subarray(0, 20), where)).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_DECODE' }));
    expect(() => readPngHeader(png.subarray(0, 5), where)).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_DECODE' }));
  });

  it('rejects an invalid IHDR', async () => {
    const png = new Uint8Array(await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png')));
    png[24] = 3; // bit depth 3 does not exist
    expect(() => readPngHeader(png, where)).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_DECODE' }));
  });
});

describe('checkPixelLimit', () => {
  it('refuses dimensions past the limit and states it', () => {
    expect(() => checkPixelLimit({ width: 100_000, height: 100_000 }, DEFAULT_MAX_PIXELS, where)).toThrow(
      expect.objectContaining({ code: 'FPDB_IMAGE_TOO_LARGE', message: expect.stringContaining('50,000,000') }),
    );
    expect(() => checkPixelLimit({ width: 1137, height: 787 }, DEFAULT_MAX_PIXELS, where)).not.toThrow();
    expect(() => checkPixelLimit({ width: 100, height: 100 }, 9_999, where)).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_TOO_LARGE' }));
  });
});
