import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planDataset, type SynthRecord } from '../plan.js';
import { RENDERER_VERSION, renderImage } from './render-image.js';

const size = { width: 96, height: 72 };
const render = (r: SynthRecord, seed = 1): Uint8Array => renderImage({ seed, ...r });

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe('renderImage', { timeout: 180_000 }, () => {
  const records = planDataset({ images: 400, seed: 1, size }).records;

  it('is deterministic and sized as asked', () => {
    const r = records[0]!;
    const a = render(r);
    expect(a.length).toBe(size.width * size.height);
    expect(Buffer.from(a).equals(Buffer.from(render(r)))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(render(r, 2)))).toBe(false);
  });

  it('does not depend on what was rendered before (its buffers are reused), at real sizes too', () => {
    const real = planDataset({ images: 60, seed: 2 }).records;
    const [a, b] = [real[0]!, real.find((r) => r.width !== real[0]!.width && r.plane !== real[0]!.plane) ?? real[1]!];
    const first = render(a);
    render(b);
    render({ ...b, width: 40, height: 30 });
    expect(Buffer.from(render(a)).equals(Buffer.from(first))).toBe(true);
  });

  it('gives the bytes it gave when this test was written (same on every machine; update on purpose only)', () => {
    // A change here means every synthetic dataset changes: update it only with an intended renderer
    // change, and bump RENDERER_VERSION with it (cached synthetic folders are keyed by it).
    const hash = createHash('sha256');
    for (const r of records.slice(0, 8)) hash.update(render(r));
    for (const r of planDataset({ images: 12, seed: 5 }).records.slice(0, 2)) hash.update(render(r));
    expect({ renderer: RENDERER_VERSION, hash: hash.digest('hex').slice(0, 16) }).toEqual({ renderer: 2, hash: '8f2f2d1d28cdd6ca' });
  });

  it('draws a field on black with a full range of grey', () => {
    for (const r of records.slice(0, 20)) {
      const px = render(r);
      const black = px.filter((v) => v === 0).length / px.length;
      expect(black).toBeGreaterThan(0.01);
      expect(black).toBeLessThan(0.9);
      expect(Math.max(...px)).toBeGreaterThan(150);
    }
  });

  it('makes frames of one patient-plane closer to each other than to other patients', () => {
    const groups = new Map<string, SynthRecord[]>();
    for (const r of records) groups.set(`${r.patientId}/${r.planeNumber}`, [...(groups.get(`${r.patientId}/${r.planeNumber}`) ?? []), r]);
    const pairs = [...groups.values()].filter((g) => g.length >= 2).slice(0, 12);
    expect(pairs.length).toBeGreaterThan(5);
    let closer = 0;
    pairs.forEach((g, i) => {
      const other = pairs[(i + 1) % pairs.length]![0]!;
      const within = meanAbsDiff(render(g[0]!), render(g[1]!));
      const across = meanAbsDiff(render(g[0]!), render(other));
      if (within < across) closer++;
    });
    expect(closer).toBeGreaterThanOrEqual(pairs.length - 1);
  });
});
