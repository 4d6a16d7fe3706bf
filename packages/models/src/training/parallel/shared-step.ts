// The workers' side of a step over shared memory: barriers, the reduce-scatter of the gradients and
// the sharded optimizer. Plain float32 arithmetic, one rounding per operation, in the order tfjs' ops
// run it on the main thread (optimizer.ts), so that a run over workers matches a run on one thread.
import { FpdbError } from '@fpdb/schema';
import type { ResolvedOptimizerConfig } from '../optimizer.js';
import { CONTROL_ABORT, CONTROL_APPLYING, CONTROL_ARRIVED, PEER_FAILED } from './protocol.js';

const f = Math.fround;

/** One parameter in the flat layout. */
export interface LayoutEntry {
  name: string;
  offset: number;
  size: number;
  trainable: boolean;
  /** Weight decay applies (kernels). */
  decay: boolean;
}

/** Offsets of `specs` laid end to end, in order. */
export function flatLayout(specs: readonly { name: string; shape: readonly number[]; trainable: boolean; decay?: boolean }[]): { entries: LayoutEntry[]; total: number } {
  let offset = 0;
  const entries = specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const entry = { name: s.name, offset, size, trainable: s.trainable, decay: s.decay === true };
    offset += size;
    return entry;
  });
  return { entries, total: offset };
}

/** The floats [lo, hi) that `rank` of `shards` reduces and updates: contiguous, as equal as can be. */
export function sliceOf(rank: number, shards: number, total: number): [number, number] {
  return [Math.round((rank * total) / shards), Math.round(((rank + 1) * total) / shards)];
}

/** The part of `entry` inside [lo, hi), or null. */
function overlap(entry: LayoutEntry, lo: number, hi: number): [number, number] | null {
  const a = Math.max(lo, entry.offset);
  const b = Math.min(hi, entry.offset + entry.size);
  return a < b ? [a, b] : null;
}

/**
 * Waits until `target` arrivals were counted at control[ARRIVED] (this worker's included), or leaves
 * with a peer-failed FPDB_WORKER once control[ABORT] is set. Blocks the thread: the wait is in slices of
 * `sliceMs`, so that an abort set without a notify is still seen.
 */
export function barrier(control: Int32Array, target: number, sliceMs = 50): void {
  if (Atomics.add(control, CONTROL_ARRIVED, 1) + 1 >= target) Atomics.notify(control, CONTROL_ARRIVED);
  for (;;) {
    if (Atomics.load(control, CONTROL_ABORT) !== 0) throw peerFailed();
    const arrived = Atomics.load(control, CONTROL_ARRIVED);
    if (arrived >= target) return;
    Atomics.wait(control, CONTROL_ARRIVED, arrived, sliceMs);
  }
}

/** Tells every worker waiting at a barrier to leave the step (from a worker or the main thread). */
export function abortStep(control: Int32Array): void {
  Atomics.store(control, CONTROL_ABORT, 1);
  Atomics.notify(control, CONTROL_ARRIVED);
}

function peerFailed(): FpdbError {
  return new FpdbError('FPDB_WORKER', 'A training worker left the step because another worker failed.', { details: { value: PEER_FAILED } });
}

/** Whether `error` is a worker leaving because another failed (not the failure itself). */
export function isPeerFailure(error: unknown): boolean {
  return error instanceof Error && (error as { details?: { value?: unknown } }).details?.value === PEER_FAILED;
}

/**
 * Sums [lo, hi) of every rank's gradients into grads[0], rank by rank (the order the main thread used),
 * adds weight decay (g + θ·λ) to the kernels, and returns the slice's sum of squares (float64).
 */
export function reduceSlice(options: {
  grads: Float32Array[];
  shards: number;
  weights: Float32Array;
  layout: readonly LayoutEntry[];
  trained: ReadonlySet<string>;
  lo: number;
  hi: number;
  weightDecay: number;
}): number {
  const { grads, shards, weights, layout, trained, lo, hi, weightDecay } = options;
  const sum = grads[0]!;
  const decay = f(weightDecay);
  let squares = 0;
  for (const entry of layout) {
    if (!entry.trainable || !trained.has(entry.name)) continue;
    const range = overlap(entry, lo, hi);
    if (!range) continue;
    const [a, b] = range;
    for (let r = 1; r < shards; r++) addInto(sum, grads[r]!, a, b);
    squares += weightDecay > 0 && entry.decay ? decayAndSquares(sum, weights, decay, a, b) : squares32(sum, a, b);
  }
  return squares;
}

// Small monomorphic loops: V8 optimizes each once, whatever the layout around them.
function addInto(sum: Float32Array, g: Float32Array, a: number, b: number): void {
  for (let i = a; i < b; i++) sum[i] = sum[i]! + g[i]!;
}

function squares32(g: Float32Array, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += g[i]! * g[i]!;
  return s;
}

/** g += θ·λ (float32), and Σ g² of the result. */
function decayAndSquares(g: Float32Array, w: Float32Array, decay: number, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) {
    const gi = f(g[i]! + f(w[i]! * decay));
    g[i] = gi;
    s += gi * gi;
  }
  return s;
}

function adamRange(g: Float32Array, w: Float32Array, m: Float32Array, v: Float32Array, a: number, b: number, b1: number, c1: number, b2: number, c2: number, eps: number, alpha: number): void {
  for (let i = a; i < b; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * b1) + f(gi * c1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i]! - f(f(mi / f(f(Math.sqrt(vi)) + eps)) * alpha);
  }
}

function momentumRange(g: Float32Array, w: Float32Array, buf: Float32Array, a: number, b: number, mu: number, rate: number, nesterov: boolean): void {
  for (let i = a; i < b; i++) {
    const gi = g[i]!;
    const bi = f(f(buf[i]! * mu) + gi);
    buf[i] = bi;
    w[i] = w[i]! - f((nesterov ? f(gi + f(bi * mu)) : bi) * rate);
  }
}

/**
 * The optimizer update of [lo, hi): the summed gradient in grads[0] (scaled by `clip` when given), Adam or
 * SGD exactly as optimizer.ts does it with tfjs ops, rounding to float32 after each operation. Then the
 * batch-norm statistics of the slice: the share-weighted mean over the ranks, in rank order.
 */
export function updateSlice(options: {
  grads: Float32Array[];
  shards: number;
  shares: readonly number[];
  weights: Float32Array;
  slots: Float32Array[];
  touched: Int32Array;
  layout: readonly LayoutEntry[];
  trained: ReadonlySet<string>;
  /** State parameters whose statistics this step updated (not those of a frozen batch norm). */
  updatedState: ReadonlySet<string>;
  rates: Float64Array;
  clip: number | null;
  step: number;
  optimizer: ResolvedOptimizerConfig;
  lo: number;
  hi: number;
}): void {
  const { grads, shards, shares, weights, slots, touched, layout, trained, updatedState, rates, clip, step, optimizer, lo, hi } = options;
  const g = grads[0]!;
  const scale = clip === null ? 1 : f(clip);
  layout.forEach((entry, j) => {
    const range = overlap(entry, lo, hi);
    if (!range) return;
    const [a, b] = range;
    if (!entry.trainable) {
      if (!updatedState.has(entry.name)) return;
      for (let i = a; i < b; i++) {
        let mean = 0;
        for (let r = 0; r < shards; r++) mean = f(mean + shares[r]! * grads[r]![i]!);
        weights[i] = mean;
      }
      return;
    }
    if (!trained.has(entry.name)) return;
    const lr = rates[j]!;
    if (clip !== null) for (let i = a; i < b; i++) g[i] = g[i]! * scale;
    if (optimizer.type === 'adam') {
      const [m, v] = [slots[0]!, slots[1]!];
      const b1 = f(optimizer.beta1);
      const c1 = f(1 - optimizer.beta1);
      const b2 = f(optimizer.beta2);
      const c2 = f(1 - optimizer.beta2);
      const eps = f(optimizer.epsilon);
      const alpha = f((lr * Math.sqrt(1 - optimizer.beta2 ** step)) / (1 - optimizer.beta1 ** step));
      adamRange(g, weights, m, v, a, b, b1, c1, b2, c2, eps, alpha);
      touched[j] = 1;
      return;
    }
    const rate = f(lr);
    if (optimizer.momentum === 0) {
      for (let i = a; i < b; i++) weights[i] = weights[i]! - f(g[i]! * rate);
      return;
    }
    momentumRange(g, weights, slots[0]!, a, b, f(optimizer.momentum), rate, optimizer.nesterov);
    touched[j] = 1;
  });
}

/** Marks the step as writing the shared weights (a failure from here on leaves them half-updated). */
export function markApplying(control: Int32Array): void {
  Atomics.store(control, CONTROL_APPLYING, 1);
}
