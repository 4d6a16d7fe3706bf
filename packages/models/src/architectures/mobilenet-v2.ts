import { FpdbError } from '@fpdb/schema';
import type { Builder } from '../model/builder.js';
import type { Architecture, CommonConfig, Resolved } from './architecture.js';
import { intList } from './validate.js';

/** One MobileNetV2 stage: expansion t, output channels c (before the multiplier), repeats n, first stride s. */
export type MobileNetV2Stage = readonly [t: number, c: number, n: number, s: number];

/** MobileNetV2 (inverted residuals, linear bottlenecks, ReLU6) with a width multiplier. */
export interface MobileNetV2Config extends CommonConfig {
  architecture: 'mobilenet-v2';
  /** Width multiplier α (default 1). Channels are rounded to multiples of 8 as in the paper. */
  alpha?: number;
  /** Stages (default: the paper's 7 stages from 16 to 320 channels). */
  stages?: readonly MobileNetV2Stage[];
  /** Channels of the last 1×1 conv (default 1280, scaled by α when α > 1). */
  lastChannels?: number;
}

/** The paper's stages (Sandler et al. 2018, table 2). */
export const MOBILENET_V2_STAGES: readonly MobileNetV2Stage[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Rounds channels to a multiple of 8, never below 90% of the request (the reference implementation's rule). */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

function resolve(c: MobileNetV2Config, inputSize: [number, number]): Resolved<MobileNetV2Config> {
  if (c.alpha !== undefined && !(c.alpha > 0)) {
    throw new FpdbError('FPDB_CONFIG', `alpha must be > 0 but is ${c.alpha}.`, { details: { value: c.alpha } });
  }
  c.stages?.forEach((s, i) => intList(s, `stages[${i}]`));
  const alpha = c.alpha ?? 1;
  return {
    architecture: 'mobilenet-v2',
    numClasses: c.numClasses,
    inputSize,
    alpha,
    stages: (c.stages ?? MOBILENET_V2_STAGES).map((s) => [...s] as MobileNetV2Stage),
    lastChannels: c.lastChannels ?? (alpha > 1 ? makeDivisible(1280 * alpha) : 1280),
    dropout: c.dropout ?? 0.2,
  };
}

function define<T>(b: Builder<T>, x: T, c: Resolved<MobileNetV2Config>): T {
  let channels = makeDivisible(32 * c.alpha);
  // torchvision's paddings (every 3×3 conv pads 1), so its weights give its logits.
  let y = b.conv('stem.conv', x, { filters: channels, kernel: 3, stride: 2, padding: 1, bias: false });
  y = b.mark('stem.relu', b.relu6(b.batchNorm('stem.bn', y)));
  let index = 0;
  for (const [t, cOut, n, s] of c.stages) {
    const out = makeDivisible(cOut * c.alpha);
    for (let i = 0; i < n; i++) {
      const name = `block${++index}`;
      const stride = i === 0 ? s : 1;
      const hidden = channels * t;
      let h = y;
      if (t !== 1) {
        h = b.conv(`${name}.expand.conv`, h, { filters: hidden, kernel: 1, padding: 0, bias: false });
        h = b.relu6(b.batchNorm(`${name}.expand.bn`, h));
      }
      h = b.depthwiseConv(`${name}.dw.conv`, h, { kernel: 3, stride, padding: 1, bias: false });
      h = b.relu6(b.batchNorm(`${name}.dw.bn`, h));
      h = b.conv(`${name}.project.conv`, h, { filters: out, kernel: 1, padding: 0, bias: false });
      h = b.batchNorm(`${name}.project.bn`, h);
      y = b.mark(`${name}.out`, stride === 1 && channels === out ? b.add(y, h) : h);
      channels = out;
    }
  }
  y = b.conv('head.conv', y, { filters: c.lastChannels, kernel: 1, padding: 0, bias: false });
  y = b.mark('head.relu', b.relu6(b.batchNorm('head.bn', y)));
  y = b.globalAvgPool('gap', y);
  y = b.dropout(y, c.dropout);
  return b.dense('classifier', y, c.numClasses);
}

/**
 * The MobileNetV2 family; defaults give the paper's α = 1 layout with dropout 0.2.
 * @throws FpdbError FPDB_CONFIG (from `resolve`) when `alpha` ≤ 0 or a stage holds a non-positive integer.
 * @example mobileNetV2.resolve({ architecture: 'mobilenet-v2', numClasses: 6, alpha: 1.4 }, [224, 224]).lastChannels // 1792
 */
export const mobileNetV2: Architecture<MobileNetV2Config> = { name: 'mobilenet-v2', resolve, define };
