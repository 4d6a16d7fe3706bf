import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeInto } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { REAL, grayPng } from '../../test/fixtures.js';
import { readImage, readImageBytes } from './decode-image.js';
import { decodeModelInput } from './model-input.js';

describe('decodeModelInput (PNG bytes + preprocessing → what a model sees)', () => {
  it('equals the Node decode (kernel linear) then normalizeInto, for every policy and normalisation', async () => {
    const files = (await readdir(join(REAL, 'Images'))).slice(0, 3).map((f) => join(REAL, 'Images', f));
    for (const file of files) {
      const bytes = await readFile(file);
      for (const [policy, normalization] of [
        ['stretch', 'unit'],
        ['pad', 'symmetric'],
        ['crop', { mean: 0.449, std: 0.226 }],
      ] as const) {
        const { pixels, input } = decodeModelInput(bytes, { height: 40, width: 56, policy, normalization }, { file });
        const node = await readImage(file, { height: 40, width: 56, policy });
        expect(pixels, `${file} ${policy}`).toEqual(node);
        const want = new Float32Array(40 * 56);
        normalizeInto(node, want, 0, normalization);
        expect(input).toEqual(want);
      }
    }
  });

  it('names the image in its errors, and refuses a bad preprocessing before decoding', async () => {
    const png = await grayPng(20, 10);
    expect(() => decodeModelInput(png.subarray(0, png.length - 20), { height: 8, width: 8, policy: 'pad', normalization: 'unit' }, { file: 'scan.png' })).toThrow(
      expect.objectContaining({ code: 'FPDB_IMAGE_DECODE', details: expect.objectContaining({ file: 'scan.png' }) }),
    );
    expect(() => decodeModelInput(new TextEncoder().encode('not a png'), { height: 8, width: 8, policy: 'pad', normalization: 'unit' })).toThrow(
      expect.objectContaining({ code: 'FPDB_IMAGE_NOT_PNG' }),
    );
    expect(() => decodeModelInput(png, { height: 8, width: 8, policy: 'zoom' as 'pad', normalization: 'unit' })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    await expect(readImageBytes(join(REAL, 'nothing.png'))).rejects.toMatchObject({ code: 'FPDB_IMAGE_MISSING' });
  });
});
