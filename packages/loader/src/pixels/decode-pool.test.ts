import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL, tempDir } from '../../test/fixtures.js';
import { readImage } from './decode-image.js';
import { decodeWorkerCount, readImageInPool, setDecodeWorkerUrl } from './decode-pool.js';

// The worker script only exists built (turbo builds before testing); the pool is pointed at it.
const BUILT = new URL('../../dist/decode-worker.js', import.meta.url);

describe.runIf(existsSync(fileURLToPath(BUILT)))('readImageInPool (worker threads)', () => {
  beforeAll(() => setDecodeWorkerUrl(BUILT));
  afterAll(() => setDecodeWorkerUrl(new URL('./no-worker.js', import.meta.url)));

  it('decodes all 65 real images on the workers to the same bytes as the main thread, many in flight', async () => {
    expect(decodeWorkerCount()).toBeGreaterThan(0);
    const files = [...(await readdir(join(REAL, 'Images'))).map((f) => join(REAL, 'Images', f)), ...(await readdir(join(REAL, 'resaved'))).map((f) => join(REAL, 'resaved', f))];
    const options = { height: 96, width: 80, policy: 'pad' as const };
    const pooled = await Promise.all(files.map((file) => readImageInPool(file, options, { file })));
    for (const [i, file] of files.entries()) expect(Buffer.compare(pooled[i]!, await readImage(file, options, { file })), file).toBe(0);
  });

  it('brings back FpdbErrors with their code, message and details', async () => {
    const dir = await tempDir();
    const notPng = join(dir, 'x.png');
    await writeFile(notPng, 'GIF89a, not a PNG at all, padded to be long enough');
    await expect(readImageInPool(notPng, { height: 8, width: 8 }, { file: 'Images/x.png', line: 12 })).rejects.toMatchObject({
      name: 'FpdbError',
      code: 'FPDB_IMAGE_NOT_PNG',
      details: expect.objectContaining({ file: 'Images/x.png', line: 12 }),
    });
    await expect(readImageInPool(join(dir, 'gone.png'), { height: 8, width: 8 }, { file: 'Images/gone.png' })).rejects.toMatchObject({ code: 'FPDB_IMAGE_MISSING' });
  });

  it('fails loudly when a worker cannot start (FPDB_WORKER, saying what to do), and starts afresh on the next call', async () => {
    const broken = join(await tempDir(), 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('cannot load');\n");
    await setDecodeWorkerUrl(pathToFileURL(broken));
    const file = join(REAL, 'Images', (await readdir(join(REAL, 'Images')))[0]!);
    const error = await readImageInPool(file, { height: 8, width: 8 }, { file }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'FpdbError', code: 'FPDB_WORKER', message: expect.stringContaining('could not start (cannot load)') });
    expect((error as Error).message).toContain('pass { workers: false } to decode on the main thread');
    await setDecodeWorkerUrl(BUILT);
    expect(Buffer.compare(await readImageInPool(file, { height: 8, width: 8 }, { file }), await readImage(file, { height: 8, width: 8 }, { file }))).toBe(0);
  });
});

describe('readImageInPool without the built worker', () => {
  it('decodes on the calling thread', async () => {
    const file = join(REAL, 'Images', (await readdir(join(REAL, 'Images')))[0]!);
    const options = { height: 32, width: 32 };
    expect(Buffer.compare(await readImageInPool(file, options, { file }), await readImage(file, options, { file }))).toBe(0);
  });
});
