import type { TensorRole } from './state-dict-layouts.js';

/** The shape PyTorch stores a parameter of fpdb shape `shape` in (conv OIHW, depthwise [C, 1, kh, kw], linear [out, in]). */
export function pytorchShape(role: TensorRole, shape: readonly number[]): number[] {
  switch (role) {
    case 'conv':
    case 'depthwise': {
      const [kh, kw, i, o] = shape as [number, number, number, number];
      return role === 'conv' ? [o, i, kh, kw] : [i, o, kh, kw];
    }
    case 'dense':
      return [shape[1]!, shape[0]!];
    case 'vector':
      return shape.slice();
  }
}

/** The result of {@link toFpdbLayout}: fpdb's values, or what is wrong with the tensor's shape. */
export type Converted = { values: Float32Array; folded: boolean } | { expected: number[] };

/**
 * Reorders a PyTorch tensor into fpdb's layout: conv OIHW → HWIO, depthwise [C, 1, kh, kw] → [kh, kw, C, 1],
 * linear [out, in] → [in, out]. A conv that takes fpdb's 1-channel input but holds k input channels in
 * the file (the RGB stem) is folded by summing its kernel over those channels: a gray image then gives
 * exactly the logits the RGB network gives for that image repeated on k channels.
 */
export function toFpdbLayout(role: TensorRole, fpdbShape: readonly number[], tensor: { shape: readonly number[]; data: Float32Array }): Converted {
  const expected = pytorchShape(role, fpdbShape);
  const shape = tensor.shape;
  const folds = role === 'conv' && fpdbShape[2] === 1 && shape.length === 4 && shape[1]! > 1;
  const same = shape.length === expected.length && shape.every((d, i) => d === expected[i] || (folds && i === 1));
  if (!same) return { expected };
  const src = tensor.data;
  switch (role) {
    case 'vector':
      return { values: src.slice(), folded: false };
    case 'dense': {
      const [out, inp] = expected as [number, number];
      const dst = new Float32Array(out * inp);
      for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) dst[i * out + o] = src[o * inp + i]!;
      return { values: dst, folded: false };
    }
    case 'conv':
    case 'depthwise': {
      // Both are [a, b, kh, kw] in the file and [kh, kw, b, a] (conv: b = in, a = out) or [kh, kw, a, b]
      // (depthwise: a = channels, b = 1) in fpdb; `fileIn` is the file's count before folding.
      const [a, b, kh, kw] = expected as [number, number, number, number];
      const fileIn = shape[1]!;
      const dst = new Float32Array(a * b * kh * kw);
      for (let p = 0; p < a; p++) {
        for (let q = 0; q < fileIn; q++) {
          const qq = folds ? 0 : q;
          for (let y = 0; y < kh; y++) {
            for (let x = 0; x < kw; x++) {
              const v = src[((p * fileIn + q) * kh + y) * kw + x]!;
              const at = role === 'conv' ? ((y * kw + x) * b + qq) * a + p : ((y * kw + x) * a + p) * b + qq;
              dst[at] = dst[at]! + v;
            }
          }
        }
      }
      return { values: dst, folded: folds };
    }
  }
}
