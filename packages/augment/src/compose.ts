import { FpdbError, type Rng } from '@fpdb/schema';
import { estimateFanMask } from './internal/fan-mask.js';
import { checkInteger, checkNumber, checkProbability } from './internal/validate.js';
import type { Work } from './internal/work.js';
import { Transform, type TransformJSON } from './transform.js';

/** Options of {@link compose}. */
export interface ComposeOptions {
  /**
   * Keep the black outside the ultrasound sector black: estimate each image's fan (non-black region)
   * before the first transform, move it with the geometric transforms, and zero everything outside it at
   * the end. `true` uses threshold 0.04 (≈ 10/255); pass `{ threshold }` to change it. Default false.
   */
  fanAware?: boolean | { threshold?: number };
}

function checkChildren(where: string, transforms: readonly Transform[], allowBatchLevel: boolean): Transform[] {
  if (!Array.isArray(transforms)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `${where} takes an array of transforms, got ${typeof transforms}.`);
  }
  transforms.forEach((t, i) => {
    if (!(t instanceof Transform)) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `${where}: item ${i} is not a transform. Build items with the factories (rotate(), brightness() …).`, { details: { index: i } });
    }
    if (!allowBatchLevel && t.batchLevel) {
      throw new FpdbError('FPDB_PIPELINE', `${where}: ${t.type} mixes the whole batch and cannot be chosen per image. Put it in compose() instead.`, { details: { index: i, value: t.type } });
    }
  });
  return [...transforms];
}

class Compose extends Transform {
  readonly type = 'compose';
  override readonly batchLevel: boolean;
  constructor(
    readonly transforms: readonly Transform[],
    readonly fanThreshold: number | undefined,
  ) {
    super();
    this.batchLevel = transforms.some((t) => t.batchLevel);
  }
  toJSON(): TransformJSON {
    return {
      type: this.type,
      transforms: this.transforms.map((t) => t.toJSON()),
      ...(this.fanThreshold === undefined ? {} : { fanAware: { threshold: this.fanThreshold } }),
    };
  }
  run(work: Work, rng: Rng): void {
    let ownsMask = false;
    if (this.fanThreshold !== undefined && !work.mask) {
      work.flush();
      const mask = new Uint8Array(work.batch * work.size);
      for (let i = 0; i < work.batch; i++) estimateFanMask(work.data, i * work.size, work.width, work.height, this.fanThreshold, mask);
      work.mask = mask;
      ownsMask = true;
    }
    for (const t of this.transforms) t.run(work, rng);
    if (ownsMask && work.mask) {
      work.flush();
      const { data, mask, size } = work;
      for (let i = 0; i < work.batch; i++) {
        if (work.active[i] === 0) continue;
        for (let k = i * size; k < (i + 1) * size; k++) if (mask[k] === 0) data[k] = 0;
      }
      work.mask = undefined;
    }
  }
}

/**
 * Runs transforms in order — a pipeline. Consecutive geometric transforms (flip, rotate, affine,
 * random resized crop) are fused into a single bilinear resample per image.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` when an item is not a transform or the threshold is bad.
 * @example compose([horizontalFlip(), rotate({ degrees: 10 }), brightness()], { fanAware: true }).apply(batch, 42)
 */
export function compose(transforms: readonly Transform[], options: ComposeOptions = {}): Transform {
  const fa = options.fanAware ?? false;
  const threshold = fa === false ? undefined : fa === true ? 0.04 : checkNumber('compose', 'fanAware.threshold', fa.threshold ?? 0.04, 0, 1);
  return new Compose(checkChildren('compose', transforms, true), threshold);
}

/** Options of {@link oneOf}. */
export interface OneOfOptions {
  /** Relative weights of the transforms (default equal). */
  weights?: readonly number[];
  /** Probability per image that any transform is applied. Default 1. */
  p?: number;
}

class OneOf extends Transform {
  readonly type = 'oneOf';
  private readonly cumulative: number[];
  constructor(
    readonly transforms: readonly Transform[],
    readonly weights: readonly number[],
    readonly p: number,
  ) {
    super();
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.cumulative = weights.map((w) => (acc += w / total));
  }
  toJSON(): TransformJSON {
    return { type: this.type, transforms: this.transforms.map((t) => t.toJSON()), weights: [...this.weights], p: this.p };
  }
  run(work: Work, rng: Rng): void {
    const saved = work.active;
    const choice = new Int32Array(work.batch).fill(-1);
    for (let i = 0; i < work.batch; i++) {
      if (saved[i] === 0) continue;
      if (this.p < 1 && !(rng.next() < this.p)) continue;
      const u = rng.next();
      let c = this.cumulative.findIndex((x) => u < x);
      if (c < 0) c = this.cumulative.length - 1;
      choice[i] = c;
    }
    runPerChoice(work, rng, this.transforms, (i, c) => choice[i] === c, saved);
  }
}

function runPerChoice(work: Work, rng: Rng, transforms: readonly Transform[], chosen: (i: number, c: number) => boolean, saved: Uint8Array): void {
  transforms.forEach((t, c) => {
    const active = new Uint8Array(work.batch);
    let any = false;
    for (let i = 0; i < work.batch; i++) {
      if (chosen(i, c)) {
        active[i] = 1;
        any = true;
      }
    }
    if (!any) return;
    work.active = active;
    t.run(work, rng);
  });
  work.active = saved;
}

/**
 * Applies exactly one of `transforms` to each image, chosen per image (by `weights`).
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for an empty list, bad weights or p; `FPDB_PIPELINE` for MixUp/CutMix inside.
 * @example oneOf([gaussianNoise(), speckleNoise(), gaussianBlur()], { p: 0.5 })
 */
export function oneOf(transforms: readonly Transform[], options: OneOfOptions = {}): Transform {
  const list = checkChildren('oneOf', transforms, false);
  if (list.length === 0) throw new FpdbError('FPDB_INVALID_ARGUMENT', 'oneOf needs at least one transform.');
  const weights = options.weights ?? list.map(() => 1);
  if (weights.length !== list.length || weights.some((w) => !(w >= 0) || !Number.isFinite(w)) || !weights.some((w) => w > 0)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `oneOf: weights must be ${list.length} non-negative finite numbers, not all 0; got ${JSON.stringify(weights)}.`, { details: { value: weights } });
  }
  return new OneOf(list, [...weights], checkProbability('oneOf', options.p, 1));
}

/** Options of {@link someOf}. */
export interface SomeOfOptions {
  /** Probability per image that any transform is applied. Default 1. */
  p?: number;
}

class SomeOf extends Transform {
  readonly type = 'someOf';
  constructor(
    readonly transforms: readonly Transform[],
    readonly k: number,
    readonly p: number,
  ) {
    super();
  }
  toJSON(): TransformJSON {
    return { type: this.type, k: this.k, transforms: this.transforms.map((t) => t.toJSON()), p: this.p };
  }
  run(work: Work, rng: Rng): void {
    const saved = work.active;
    const m = this.transforms.length;
    const chosen = new Uint8Array(work.batch * m);
    const idx = new Int32Array(m);
    for (let i = 0; i < work.batch; i++) {
      if (saved[i] === 0) continue;
      if (this.p < 1 && !(rng.next() < this.p)) continue;
      for (let c = 0; c < m; c++) idx[c] = c;
      // Partial Fisher–Yates: the first k of idx are a uniform k-subset.
      for (let s = 0; s < this.k; s++) {
        const j = s + rng.int(m - s);
        const t = idx[s]!;
        idx[s] = idx[j]!;
        idx[j] = t;
        chosen[i * m + idx[s]!] = 1;
      }
    }
    runPerChoice(work, rng, this.transforms, (i, c) => chosen[i * m + c] === 1, saved);
  }
}

/**
 * Applies `k` distinct transforms out of `transforms` to each image, chosen per image, in list order.
 * @throws FpdbError `FPDB_INVALID_ARGUMENT` for k outside [0, transforms.length] or a bad p; `FPDB_PIPELINE` for MixUp/CutMix inside.
 * @example someOf(2, [brightness(), contrast(), gamma()])
 */
export function someOf(k: number, transforms: readonly Transform[], options: SomeOfOptions = {}): Transform {
  const list = checkChildren('someOf', transforms, false);
  return new SomeOf(list, checkInteger('someOf', 'k', k, 0, list.length), checkProbability('someOf', options.p, 1));
}
