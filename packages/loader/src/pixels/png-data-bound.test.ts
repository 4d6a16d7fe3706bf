import { describe, expect, it } from 'vitest';
import { ihdr, pngChunk, pngWithData, zeros } from '../../test/hostile.js';
import { decodeImage } from './decode-image.js';
import { decodePng } from './decode-png.js';
import { inflatedSize } from './png-data-bound.js';
import { readPngHeader } from './png-header.js';

/** Data inflating to 16 MB: 800× and more what the headers below allow. */
const BOMB = 16 << 20;
const MODES = [
  { mode: '16-bit gray', header: ihdr(100, 100, 16, 0) },
  { mode: '8-bit gray (wasm path)', header: ihdr(100, 100, 8, 0) },
  { mode: '8-bit RGBA', header: ihdr(100, 100, 8, 6) },
  { mode: '16-bit RGB', header: ihdr(100, 100, 16, 2) },
  { mode: 'palette 4-bit', header: ihdr(100, 100, 4, 3) },
  { mode: '1-bit gray', header: ihdr(100, 100, 1, 0) },
  { mode: 'interlaced 8-bit gray', header: ihdr(100, 100, 8, 0, true) },
  { mode: 'interlaced 16-bit gray+alpha', header: ihdr(100, 100, 16, 4, true) },
];

describe('decompression bombs: image data bounded by the header, every PNG mode', () => {
  for (const { mode, header } of MODES) {
    it(`${mode}: the exact declared size decodes, one byte more or a bomb is refused naming the sizes`, async () => {
      const size = inflatedSize(readPngHeader(pngWithData(header, 1)));
      const ok = pngWithData(header, size);
      expect(decodePng(ok, { height: 10, width: 10 })).toHaveLength(100);
      expect(await decodeImage(ok, { height: 10, width: 10 })).toHaveLength(100);
      expect(await decodeImage(ok, { height: 10, width: 10, kernel: 'lanczos3' })).toHaveLength(100);
      for (const inflated of [size + 1, BOMB]) {
        const bad = pngWithData(header, inflated);
        const refused = expect.objectContaining({ code: 'FPDB_IMAGE_DECODE', message: expect.stringMatching(/inflates to (more than the )?\d+ bytes/) });
        expect(() => decodePng(bad, { height: 10, width: 10 }, { file: 'bomb.png' })).toThrow(refused);
        await expect(decodeImage(bad, { height: 10, width: 10 }, { file: 'bomb.png', line: 3 })).rejects.toThrow(refused);
        await expect(decodeImage(bad, { height: 10, width: 10, kernel: 'lanczos3' }, { file: 'bomb.png' })).rejects.toThrow(refused);
      }
    });
  }

  it('refuses image data that inflates to less than declared', async () => {
    const header = ihdr(100, 100, 16, 0);
    const short = pngWithData(header, inflatedSize(readPngHeader(pngWithData(header, 1))) - 1);
    expect(() => decodePng(short, { height: 10, width: 10 })).toThrow(expect.objectContaining({ code: 'FPDB_IMAGE_DECODE' }));
  });

  it('never inflates a compressed ancillary chunk (iCCP bomb): the image decodes, the chunk is dropped', () => {
    const header = ihdr(20, 20, 16, 0);
    const iccp = pngChunk('iCCP', Buffer.concat([Buffer.from('evil\0\0', 'latin1'), zeros(BOMB)]));
    const png = pngWithData(header, inflatedSize(readPngHeader(pngWithData(header, 1))), [iccp]);
    expect(decodePng(png, { height: 4, width: 4 })).toHaveLength(16);
  });

  it('inflatedSize follows the PNG row layout (filter byte per row, Adam7 passes)', () => {
    expect(inflatedSize({ width: 100, height: 100, bitDepth: 16, colourType: 0, interlaced: false })).toBe(20_100);
    expect(inflatedSize({ width: 3, height: 1, bitDepth: 1, colourType: 0, interlaced: false })).toBe(2);
    // 8×8 interlaced 8-bit gray: passes of 1×1, 1×1, 2×1, 2×2, 4×2, 4×4, 8×4 → 64 samples + 15 filter bytes.
    expect(inflatedSize({ width: 8, height: 8, bitDepth: 8, colourType: 0, interlaced: true })).toBe(79);
  });
});
