import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL, grayPng, resaves, withDimensions } from '../../test/fixtures.js';
import { decodeImage } from './decode-image.js';
import { decodePng } from './decode-png.js';

const meanDiff = (a: Uint8Array, b: Uint8Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe('decodePng (browser path, fast-png)', () => {
  it('gives the same bytes as the Node default (kernel linear) and stays within a few gray levels of sharp lanczos3', async () => {
    const files = [...(await readdir(join(REAL, 'Images'))).slice(0, 6).map((f) => join(REAL, 'Images', f)), ...(await readdir(join(REAL, 'resaved'))).map((f) => join(REAL, 'resaved', f))];
    for (const file of files) {
      for (const policy of ['stretch', 'pad', 'crop'] as const) {
        const bytes = await readFile(file);
        const js = decodePng(bytes, { height: 64, width: 64, policy }, { file });
        expect(await decodeImage(bytes, { height: 64, width: 64, policy }, { file }), `${file} ${policy}`).toEqual(js);
        const lanczos = await decodeImage(bytes, { height: 64, width: 64, policy, kernel: 'lanczos3' }, { file });
        expect(meanDiff(js, lanczos), `${file} ${policy}`).toBeLessThan(4);
      }
    }
  });

  it('decodes every PNG mode of a gray image to the same pixels', async () => {
    const original = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    const expected = decodePng(original, { height: 48, width: 48, policy: 'pad' });
    for (const [mode, bytes] of Object.entries(await resaves(original))) {
      const px = decodePng(bytes, { height: 48, width: 48, policy: 'pad' }, { file: mode });
      expect(
        px.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0),
        mode,
      ).toBeLessThanOrEqual(1);
    }
  });

  it('refuses bombs, truncated files and non-PNGs with the same codes as the sharp path', async () => {
    const png = await grayPng(40, 30);
    expect(() => decodePng(withDimensions(png, 50_000, 50_000), { height: 8, width: 8 })).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_TOO_LARGE' }));
    expect(() => decodePng(png.subarray(0, png.length - 30), { height: 8, width: 8 }, { file: 'x.png', line: 2 })).toThrow(
      expect.objectContaining({ code: 'FPDB_IMAGE_DECODE', details: expect.objectContaining({ line: 2 }) }),
    );
    expect(() => decodePng(new TextEncoder().encode('GIF89a………………………………………………………………'), { height: 8, width: 8 })).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_NOT_PNG' }));
  });
});
