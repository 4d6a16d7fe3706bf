import { readFileSync } from 'node:fs';
import { realFixture } from '@fpdb/internal/testing';
import { decodeModelInput, isFpdbError } from '@fpdb/loader';
import { describe, expect, it } from 'vitest';
import { decodeImage, sniffImage } from './decode-image.js';

const preprocess = { height: 64, width: 64, policy: 'pad', normalization: 'unit' } as const;

describe('decodeImage', () => {
  it("reads a PNG as fpdb predict does: the loader's decodeModelInput", async () => {
    const bytes = new Uint8Array(readFileSync(realFixture('Images', 'Patient00881_Plane3_1_of_2.png')));
    expect(sniffImage(bytes)).toBe('png');
    expect(await decodeImage(bytes, 'a.png', preprocess)).toEqual(decodeModelInput(bytes, preprocess));
  });

  it('tells a file that is not an image, and a truncated PNG, with their codes', async () => {
    const text = new TextEncoder().encode('hello');
    await expect(decodeImage(text, 'notes.txt', preprocess)).rejects.toSatisfy((e) => isFpdbError(e, 'FPDB_IMAGE_NOT_PNG') && /notes\.txt is not an image/.test((e as Error).message));
    const png = new Uint8Array(readFileSync(realFixture('Images', 'Patient00881_Plane3_1_of_2.png')));
    await expect(decodeImage(png.subarray(0, 2000), 'cut.png', preprocess)).rejects.toSatisfy((e) => isFpdbError(e, 'FPDB_IMAGE_DECODE'));
    await expect(decodeImage(png.subarray(0, 4), 'tiny.png', preprocess)).rejects.toSatisfy((e) => isFpdbError(e));
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
  });
});
