// Test helper: conv shapes/strides/paddings for the kernel comparisons.
import { backend_util } from '@tensorflow/tfjs-core';

export type Pad = 'same' | 'valid' | number | backend_util.ExplicitPadding;

export interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dilations?: [number, number];
}

/** Regular conv cases: filter [kh, kw, inC, outC]. */
export const CONV_CASES: ConvCase[] = [
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: 'valid' },
  { x: [1, 9, 7, 1], filter: [3, 3, 1, 16], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 7, 3], filter: [3, 3, 3, 5], strides: [2, 2], pad: 'same' },
  { x: [2, 10, 10, 5], filter: [3, 3, 5, 9], strides: [2, 2], pad: 'valid' },
  { x: [1, 6, 11, 8], filter: [5, 5, 8, 12], strides: [1, 1], pad: 'same' },
  { x: [1, 6, 6, 6], filter: [1, 1, 6, 4], strides: [1, 1], pad: 'valid' },
  { x: [1, 8, 8, 7], filter: [2, 2, 7, 3], strides: [1, 1], pad: 'same' },
  { x: [1, 8, 9, 4], filter: [4, 2, 4, 8], strides: [2, 1], pad: 'same' },
  { x: [2, 7, 7, 16], filter: [3, 3, 16, 32], strides: [1, 1], pad: 'same' },
  {
    x: [1, 7, 8, 4],
    filter: [3, 3, 4, 4],
    strides: [1, 1],
    pad: [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ],
  },
  { x: [1, 7, 8, 4], filter: [3, 3, 4, 6], strides: [1, 1], pad: 1 },
  {
    x: [1, 7, 8, 2],
    filter: [3, 3, 2, 3],
    strides: [1, 1],
    pad: [
      [0, 0],
      [3, 1],
      [0, 0],
      [0, 0],
    ],
  },
  { x: [3, 12, 12, 8], filter: [3, 3, 8, 24], strides: [3, 3], pad: 'same' },
  {
    x: [1, 9, 8, 8],
    filter: [3, 3, 8, 8],
    strides: [2, 2],
    pad: [
      [0, 0],
      [1, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { x: [2, 8, 8, 8], filter: [1, 1, 8, 16], strides: [2, 2], pad: 'valid' },
  { x: [1, 10, 10, 19], filter: [3, 3, 19, 7], strides: [2, 2], pad: 'same' },
  // A filter past 512 KB: the forward runs in output-channel chunks of 48 (48, 48, 34: SIMD and scalar tails).
  { x: [2, 5, 6, 128], filter: [3, 3, 128, 130], strides: [1, 1], pad: 'same' },
  // Batches of 4 and more: border pixels go 4 images at a time (5 = one group of 4 + one image alone).
  { x: [5, 7, 7, 8], filter: [3, 3, 8, 20], strides: [1, 1], pad: 'same' },
  { x: [4, 9, 9, 3], filter: [3, 3, 3, 8], strides: [2, 2], pad: 'same' },
  // Strided input gradients run as one stride-1 conv per output phase (sub-pixel split): ResNet's 3x3 s2
  // on even and odd sizes (interior 4-pixel tiles, batch tiles), a 7x7 s2 stem, a 1x1 s2 (phases
  // without taps are zero), uneven strides, and pads past the kernel (stride 1 goes the same way).
  { x: [5, 14, 14, 16], filter: [3, 3, 16, 24], strides: [2, 2], pad: 'same' },
  { x: [2, 15, 13, 12], filter: [3, 3, 12, 20], strides: [2, 2], pad: 'same' },
  { x: [1, 15, 13, 2], filter: [7, 7, 2, 8], strides: [2, 2], pad: 'same' },
  { x: [5, 11, 11, 8], filter: [1, 1, 8, 16], strides: [2, 2], pad: 'valid' },
  { x: [2, 10, 11, 6], filter: [3, 2, 6, 10], strides: [1, 2], pad: 'same' },
  { x: [1, 13, 12, 5], filter: [3, 4, 5, 7], strides: [2, 3], pad: 'valid' },
  { x: [1, 9, 9, 4], filter: [3, 3, 4, 8], strides: [2, 2], pad: 3 },
  { x: [1, 6, 6, 4], filter: [3, 3, 4, 4], strides: [1, 1], pad: 3 },
];

/** Depthwise cases: filter [kh, kw, C, multiplier]. */
export const DEPTHWISE_CASES: ConvCase[] = [
  { x: [2, 8, 8, 8], filter: [3, 3, 8, 1], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 7, 5], filter: [3, 3, 5, 1], strides: [2, 2], pad: 'same' },
  { x: [1, 9, 9, 4], filter: [3, 3, 4, 2], strides: [1, 1], pad: 'valid' },
  { x: [2, 10, 10, 3], filter: [5, 5, 3, 3], strides: [2, 2], pad: 'valid' },
  { x: [1, 9, 9, 6], filter: [3, 3, 6, 1], strides: [1, 1], pad: 'same', dilations: [2, 2] },
  { x: [1, 8, 8, 16], filter: [3, 3, 16, 1], strides: [2, 2], pad: 'same' },
  { x: [1, 6, 7, 4], filter: [2, 3, 4, 1], strides: [1, 2], pad: 'same' },
  // MobileNetV2's 3x3 at stride 1 and 2 (16-channel blocks, a 4-channel and a scalar tail), odd sizes.
  { x: [2, 14, 14, 24], filter: [3, 3, 24, 1], strides: [2, 2], pad: 'same' },
  { x: [2, 13, 15, 20], filter: [3, 3, 20, 1], strides: [1, 1], pad: 'same' },
  { x: [1, 11, 11, 19], filter: [3, 3, 19, 1], strides: [2, 2], pad: 'valid' },
  { x: [1, 9, 8, 33], filter: [3, 3, 33, 1], strides: [2, 2], pad: 'same' },
];

/** The conv's output shape [B, outH, outW, outC]. */
export function convOutShape(c: ConvCase, depthwise: boolean): number[] {
  return backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations ?? 1, c.pad, undefined, depthwise).outShape;
}

export function describeCase(c: ConvCase): string {
  const pad = typeof c.pad === 'string' || typeof c.pad === 'number' ? String(c.pad) : JSON.stringify(c.pad);
  return `x ${c.x.join('×')} filter ${c.filter.join('×')} stride ${c.strides.join(',')} pad ${pad}${c.dilations ? ` dilation ${c.dilations.join(',')}` : ''}`;
}
