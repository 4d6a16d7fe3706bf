import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compose, gaussianNoise, rotate, speckleNoise, ultrasoundDefaults } from './index.js';
import { findRealFixtures } from '@fpdb/internal/testing';

const dir = findRealFixtures();

async function load(file: string, size: number): Promise<Float32Array> {
  const { data } = await sharp(file).greyscale().resize(size, size, { fit: 'contain', background: '#000' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 255);
}

describe.skipIf(!dir)('on real FETAL_PLANES_DB images', () => {
  it('fan-aware noise leaves the black outside the sector black and reaches inside it', async () => {
    const files = readdirSync(join(dir!, 'Images'))
      .filter((f) => f.endsWith('.png'))
      .sort()
      .slice(0, 6);
    const size = 128;
    const data = new Float32Array(files.length * size * size);
    for (const [i, f] of files.entries()) data.set(await load(join(dir!, 'Images', f), size), i * size * size);
    const batch = { data, batch: files.length, height: size, width: size };
    const noisy = compose([rotate({ degrees: 10 }), gaussianNoise({ mean: 0.05, std: [0.05, 0.05] }), speckleNoise()], { fanAware: true }).apply(batch, 1);
    const rotated = rotate({ degrees: 10 }).apply(batch, 1);
    let outside = 0;
    let blackStayedBlack = 0;
    let inside = 0;
    let changedInside = 0;
    for (let k = 0; k < data.length; k++) {
      // Pixels black in the plain rotation far from anything bright are background.
      if (rotated.data[k] === 0 && k % size > 2 && k % size < size - 3) {
        outside++;
        if (noisy.data[k] === 0) blackStayedBlack++;
      } else if (rotated.data[k]! > 0.2) {
        inside++;
        if (noisy.data[k] !== rotated.data[k]) changedInside++;
      }
    }
    expect(outside).toBeGreaterThan(1000);
    expect(blackStayedBlack / outside).toBeGreaterThan(0.9);
    expect(changedInside / inside).toBeGreaterThan(0.99);
  });
  it('the default pipeline keeps images in [0, 1] and roughly keeps their brightness', async () => {
    const file = join(dir!, 'Images', readdirSync(join(dir!, 'Images')).sort()[0]!);
    const img = await load(file, 96);
    const data = new Float32Array(8 * img.length);
    for (let i = 0; i < 8; i++) data.set(img, i * img.length);
    const out = ultrasoundDefaults().apply({ data, batch: 8, height: 96, width: 96 }, 2);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out.data)).toBeLessThanOrEqual(1);
    expect(Math.abs(mean(out.data) - mean(data))).toBeLessThan(0.1 * mean(data) + 0.02);
  });
});
