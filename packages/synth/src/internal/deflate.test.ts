import { inflateRawSync, inflateSync } from 'node:zlib';
import { createRng } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { codeLengths, deflateRaw, zlibCompress } from './deflate.js';

describe('deflateRaw', () => {
  const rng = createRng(1);
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['one byte', new Uint8Array([7])],
    ['zeros across blocks', new Uint8Array(200_000)],
    ['every byte value', Uint8Array.from({ length: 4096 }, (_, i) => i % 256)],
    ['noise', Uint8Array.from({ length: 100_000 }, () => rng.int(256))],
    ['runs of every length', Uint8Array.from({ length: 50_000 }, (_, i) => Math.floor(Math.sqrt(i)) % 3)],
  ];
  for (const [name, data] of cases) {
    it(`round-trips through zlib's inflater: ${name}`, () => {
      expect(Buffer.from(inflateRawSync(deflateRaw(data))).equals(Buffer.from(data))).toBe(true);
      expect(Buffer.from(inflateSync(zlibCompress(data))).equals(Buffer.from(data))).toBe(true);
    });
  }

  it('compresses long runs', () => {
    expect(deflateRaw(new Uint8Array(100_000)).length).toBeLessThan(1000);
  });

  it('limits code lengths for skewed frequencies', () => {
    const freq = Array.from({ length: 40 }, (_, i) => 2 ** Math.min(i, 30));
    const lengths = codeLengths(freq, 15);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(15);
    // Kraft equality: a complete prefix code.
    expect(Array.from(lengths).reduce((s, l) => s + (l ? 2 ** -l : 0), 0)).toBeCloseTo(1, 10);
  });
});
