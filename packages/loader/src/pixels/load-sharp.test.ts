import { isFpdbError } from '@fpdb/schema';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('sharp');
  vi.resetModules();
});

describe('sharp is optional', () => {
  it('a sharp kernel without sharp installed throws FPDB_DEPENDENCY_MISSING naming what to install; linear still decodes', async () => {
    vi.resetModules();
    vi.doMock('sharp', () => {
      throw Object.assign(new Error("Cannot find package 'sharp'"), { code: 'ERR_MODULE_NOT_FOUND' });
    });
    const { decodeImage } = await import('./decode-image.js');
    const { encodeGrayPng } = await import('@fpdb/synth');
    const png = encodeGrayPng(
      Uint8Array.from({ length: 16 * 8 }, (_, i) => i),
      16,
      8,
    );
    const error = await decodeImage(png, { height: 4, width: 4, kernel: 'lanczos3' }).catch((e: unknown) => e);
    expect(isFpdbError(error, 'FPDB_DEPENDENCY_MISSING')).toBe(true);
    expect((error as Error).message).toMatch(/npm install sharp/);
    expect((error as Error).message).toMatch(/'lanczos3'/);
    expect(await decodeImage(png, { height: 4, width: 4 })).toHaveLength(16);
  });

  it('loads sharp only when a sharp kernel is asked for', async () => {
    vi.resetModules();
    const factory = vi.fn(async () => vi.importActual<typeof import('sharp')>('sharp'));
    vi.doMock('sharp', factory);
    const { decodeImage } = await import('./decode-image.js');
    const { encodeGrayPng } = await import('@fpdb/synth');
    const png = encodeGrayPng(new Uint8Array(16 * 8).fill(90), 16, 8);
    await decodeImage(png, { height: 4, width: 4 });
    expect(factory).not.toHaveBeenCalled();
    expect(await decodeImage(png, { height: 4, width: 4, kernel: 'cubic' })).toEqual(new Uint8Array(16).fill(90));
    expect(factory).toHaveBeenCalledTimes(1);
  });
});
