import { createRng } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import {
  affine,
  asLoaderHook,
  brightness,
  compose,
  contrast,
  cutMix,
  cutout,
  elastic,
  gamma,
  gaussianBlur,
  gaussianNoise,
  horizontalFlip,
  mixUp,
  oneOf,
  pipelineFromJSON,
  randAugment,
  randomErasing,
  randomResizedCrop,
  rotate,
  sharpen,
  someOf,
  speckleNoise,
  trivialAugment,
  ultrasoundDefaults,
  type Transform,
} from './index.js';
import { fanBatch, makeBatch, noiseBatch, px } from '../test/testing.js';

const EVERY: Record<string, Transform> = {
  horizontalFlip: horizontalFlip(),
  rotate: rotate({ degrees: [-12, 12], p: 0.7 }),
  affine: affine({ degrees: 5, translate: [0.1, 0.05], scale: [0.8, 1.2], shear: 4, shearY: [-2, 3] }),
  randomResizedCrop: randomResizedCrop({ scale: [0.3, 0.9] }),
  brightness: brightness(),
  contrast: contrast({ factor: [0.5, 1.5] }),
  gamma: gamma({ gain: [0.9, 1.1] }),
  gaussianNoise: gaussianNoise({ mean: 0.01, std: 0.02, clip: false }),
  speckleNoise: speckleNoise(),
  gaussianBlur: gaussianBlur({ kernelSize: 5 }),
  sharpen: sharpen({ factor: [0.5, 2] }),
  randomErasing: randomErasing({ value: 'noise', p: 1 }),
  cutout: cutout(),
  elastic: elastic({ alpha: [10, 40], sigma: [4, 6] }),
  mixUp: mixUp({ numClasses: 3 }),
  cutMix: cutMix({ numClasses: 3, alpha: 0.5 }),
  randAugment: randAugment(2, 12),
  trivialAugment: trivialAugment({ ops: ['rotate', 'gamma', 'speckleNoise'] }),
  oneOf: oneOf([brightness(), gaussianBlur()], { weights: [1, 3], p: 0.8 }),
  someOf: someOf(2, [brightness(), contrast(), gamma()], { p: 0.9 }),
  defaults: ultrasoundDefaults({ mixUp: { numClasses: 3 } }),
};

const batch = () => ({ ...noiseBatch(6, 24, 20), labels: Int32Array.from([0, 1, 2, 0, 1, 2]) });

describe.each(Object.entries(EVERY))('%s', (_name, t) => {
  it('is deterministic by seed and does not change its input', () => {
    const b = batch();
    const before = b.data.slice();
    const a1 = t.apply(b, 123);
    const a2 = t.apply(b, 123);
    expect(b.data).toEqual(before);
    expect(Buffer.from(a1.data.buffer)).toEqual(Buffer.from(a2.data.buffer));
    expect(a1.soft).toEqual(a2.soft);
    const a3 = t.apply(b, 124);
    expect(a3.data).not.toEqual(a1.data);
  });
  it('round-trips through JSON to the same bytes', () => {
    const json = JSON.stringify(t.toJSON());
    const back = pipelineFromJSON(json);
    expect(JSON.stringify(back.toJSON())).toBe(json);
    expect(back.apply(batch(), 9).data).toEqual(t.apply(batch(), 9).data);
  });
  it('on uint8 input equals the float path rounded', () => {
    const b = batch();
    const u8 = Uint8Array.from(b.data, (v) => Math.round(v * 255));
    const f = t.apply({ ...b, data: Float32Array.from(u8, (v) => v / 255) }, 5);
    const u = t.apply({ ...b, data: u8 }, 5);
    expect(u.data).toBeInstanceOf(Uint8Array);
    expect(u.data).toEqual(Uint8Array.from(f.data, (v) => Math.min(255, Math.max(0, Math.round(v * 255)))));
  });
});

describe('composition', () => {
  it('oneOf applies exactly one of its transforms to each image', () => {
    const b = makeBatch(40, 2, 2, () => 0.5);
    const out = oneOf([brightness({ factor: [2, 2] }), brightness({ factor: [0.5, 0.5] })]).apply(b, 1);
    const values = new Set<number>();
    for (let i = 0; i < 40; i++) values.add(+px(out, i, 0, 0).toFixed(4));
    expect([...values].sort()).toEqual([0.25, 1]);
  });
  it('someOf(2) applies exactly two of three per image', () => {
    const b = makeBatch(30, 1, 1, () => 0.1);
    const out = someOf(2, [brightness({ factor: [2, 2] }), brightness({ factor: [3, 3] }), brightness({ factor: [5, 5] })]).apply(b, 2);
    for (let i = 0; i < 30; i++) expect([0.6, 1, 1.5].map((v) => Math.min(1, v))).toContain(+px(out, i, 0, 0).toFixed(4));
  });
  it('randAugment at magnitude 0 changes nothing', () => {
    const b = noiseBatch(8, 16, 16);
    expect(randAugment(3, 0).apply(b, 4).data).toEqual(b.data);
  });
  it('fan-aware pipelines keep the background black and the fan bright', () => {
    const b = fanBatch(4, 64);
    const p = compose([affine({ degrees: 10 }), brightness({ factor: [1.3, 1.3] }), gaussianNoise({ mean: 0.05, std: 0.05 }), gaussianBlur({ sigma: 1 })], { fanAware: true });
    const out = p.apply(b, 3);
    const { fanAware: _f, ...plainJson } = p.toJSON();
    const plain = pipelineFromJSON(plainJson as never).apply(b, 3);
    for (let i = 0; i < 4; i++) {
      expect(px(out, i, 0, 63)).toBe(0);
      expect(px(out, i, 63, 0)).toBe(0);
      expect(px(out, i, 31, 52)).toBeGreaterThan(0.2);
      expect(px(out, i, 31, 35)).toBeGreaterThan(0); // the dark hole inside the fan gets noise, not a mask
    }
    expect(px(plain, 0, 0, 63)).toBeGreaterThan(0); // without fanAware the noise lands on the background
  });
  it('rejects unknown types and options with FPDB_PIPELINE and a path', () => {
    expect(() => pipelineFromJSON({ type: 'compose', transforms: [{ type: 'rotatee' }] })).toThrow(
      expect.objectContaining({ code: 'FPDB_PIPELINE', details: expect.objectContaining({ path: '$.transforms[0]' }) }),
    );
    expect(() => pipelineFromJSON({ type: 'rotate', degree: 3 })).toThrow(/unknown option "degree"/);
    expect(() => pipelineFromJSON({ type: 'rotate', p: 2 })).toThrow(expect.objectContaining({ code: 'FPDB_PIPELINE' }));
    expect(() => pipelineFromJSON('{nope')).toThrow(expect.objectContaining({ code: 'FPDB_PIPELINE' }));
  });
  it('checks shapes and options', () => {
    expect(() => rotate().apply({ data: new Float32Array(5), batch: 1, height: 2, width: 2 }, 1)).toThrow(expect.objectContaining({ code: 'FPDB_SHAPE' }));
    expect(() => rotate({ p: -1 })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    expect(() => brightness({ factor: [2, 1] })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
  });
});

describe('asLoaderHook', () => {
  const batchOf = () => ({ images: noiseBatch(4, 8, 8).data, batchSize: 4, height: 8, width: 8, labels: Int32Array.from([0, 1, 2, 1]), ids: ['a', 'b', 'c', 'd'] });
  const pipeline = compose([horizontalFlip({ p: 1 }), mixUp()]);
  it('augments the images in place with mixed soft labels, deterministic in the rng', () => {
    const hook = asLoaderHook(pipeline, { numClasses: 3 });
    const [b1, b2] = [batchOf(), batchOf()];
    const before = b1.images.slice();
    const o1 = hook(b1, createRng(5));
    const o2 = hook(b2, createRng(5));
    expect(o1.images).toBe(b1.images);
    expect(o1.images).not.toEqual(before);
    expect(o1.images).toEqual(o2.images);
    expect(o1.soft).toHaveLength(12);
    expect(o1.ids).toBe(b1.ids);
    expect(o1.labels).toBe(b1.labels);
  });
  it('leaves the input alone with inPlace: false, with the same result', () => {
    const b = batchOf();
    const before = b.images.slice();
    const copied = asLoaderHook(pipeline, { numClasses: 3, inPlace: false })(b, createRng(5));
    expect(copied.images).not.toBe(b.images);
    expect(b.images).toEqual(before);
    expect(copied.images).toEqual(asLoaderHook(pipeline, { numClasses: 3 })(batchOf(), createRng(5)).images);
  });
});

describe('applyInPlace', () => {
  it('writes the same bytes as apply into the batch itself, for every transform of the defaults', () => {
    const src = noiseBatch(6, 16, 16);
    const copy = ultrasoundDefaults().apply(src, 11);
    const own = { ...src, data: src.data.slice() };
    const out = ultrasoundDefaults().applyInPlace(own, 11);
    expect(out.data).toBe(own.data);
    expect(Buffer.from(out.data.buffer)).toEqual(Buffer.from(copy.data.buffer));
  });
  it('refuses a uint8 batch', () => {
    const bytes = { data: new Uint8Array(4), batch: 1, height: 2, width: 2 };
    expect(() => rotate().applyInPlace(bytes as never, 1)).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
  });
});
