import { IDENTITY, isFlip, isIdentity, multiply, type Mat } from './affine.js';
import { resizeCropInPlace } from './resize-crop.js';
import { flipMaskInPlace, flipRowsInPlace, warpAffine, warpMaskAffine } from './warp.js';

/**
 * The mutable state one pipeline run works on: a float copy of the batch in [0, 1] scale, the
 * per-sample pending affine map (consecutive geometric transforms are fused into one resample),
 * the optional fan mask, which samples the current transform may touch, and the labels.
 */
export class Work {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly size: number;
  data: Float32Array;
  private scratch: Float32Array | undefined;
  /** Inverse maps still to apply, one per sample (identity when none). */
  readonly pending: Mat[];
  /** 1 where the sample has a pending non-identity map. */
  readonly hasPending: Uint8Array;
  /** 1 inside the ultrasound fan, per pixel, when a fan-aware pipeline runs. */
  mask: Uint8Array | undefined;
  private maskTmp: Uint8Array | undefined;
  /** Samples the running transform may change (1) — narrowed by oneOf, someOf and the policies. */
  active: Uint8Array;
  labels: Int32Array | undefined;
  soft: Float32Array | undefined;
  numClasses: number | undefined;

  constructor(data: Float32Array, batch: number, height: number, width: number) {
    this.data = data;
    this.batch = batch;
    this.height = height;
    this.width = width;
    this.size = height * width;
    this.pending = Array.from({ length: batch }, () => [...IDENTITY] as Mat);
    this.hasPending = new Uint8Array(batch);
    this.active = new Uint8Array(batch).fill(1);
  }

  /** One w·h float scratch image, reused by every per-sample kernel (allocated on first use). */
  get tmp(): Float32Array {
    this.scratch ??= new Float32Array(this.size);
    return this.scratch;
  }

  /** Composes the inverse map `m` (of a geometric transform applied now) onto sample `i`'s pending map. */
  pushAffine(i: number, m: Readonly<Mat>): void {
    const next = multiply(this.pending[i]!, m);
    this.pending[i] = next;
    this.hasPending[i] = isIdentity(next) ? 0 : 1;
  }

  /** Resamples sample `i` once with its accumulated map. */
  flushSample(i: number): void {
    if (this.hasPending[i] === 0) return;
    const m = this.pending[i]!;
    const { width: w, height: h, size } = this;
    const off = i * size;
    if (isFlip(m, w)) {
      flipRowsInPlace(this.data, off, w, h);
      if (this.mask) flipMaskInPlace(this.mask, off, w, h);
    } else {
      if (!resizeCropInPlace(this.data, off, w, h, m)) {
        warpAffine(this.data, off, this.tmp, 0, w, h, m);
        this.data.set(this.tmp, off);
      }
      if (this.mask) {
        this.maskTmp ??= new Uint8Array(size);
        warpMaskAffine(this.mask, off, this.maskTmp, 0, w, h, m);
        this.mask.set(this.maskTmp, off);
      }
    }
    this.pending[i] = [...IDENTITY] as Mat;
    this.hasPending[i] = 0;
  }

  /** Resamples every sample with a pending map. Non-geometric transforms call this first. */
  flush(): void {
    for (let i = 0; i < this.batch; i++) this.flushSample(i);
  }

  /** Scratch mask buffer for displacement warps of the mask. */
  maskScratch(): Uint8Array {
    this.maskTmp ??= new Uint8Array(this.size);
    return this.maskTmp;
  }

  /** Clamps every value to [0, 1]. */
  clampSample(i: number): void {
    const d = this.data;
    const end = (i + 1) * this.size;
    for (let k = i * this.size; k < end; k++) {
      const v = d[k]!;
      d[k] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}
