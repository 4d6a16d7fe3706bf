import type { Builder } from '../model/builder.js';
import type { MobileNetV2Config, MobileNetV2Stage, ResolvedConfig } from './config.js';

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

/** Fills MobileNetV2's defaults. */
export function resolveMobileNetV2(c: MobileNetV2Config, inputSize: [number, number]): ResolvedConfig<MobileNetV2Config> {
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

/** Defines MobileNetV2 on any builder. */
export function mobileNetV2<T>(b: Builder<T>, x: T, c: ResolvedConfig<MobileNetV2Config>): T {
  let channels = makeDivisible(32 * c.alpha);
  let y = b.conv('stem.conv', x, { filters: channels, kernel: 3, stride: 2, bias: false });
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
        h = b.conv(`${name}.expand.conv`, h, { filters: hidden, kernel: 1, bias: false });
        h = b.relu6(b.batchNorm(`${name}.expand.bn`, h));
      }
      h = b.depthwiseConv(`${name}.dw.conv`, h, { kernel: 3, stride, bias: false });
      h = b.relu6(b.batchNorm(`${name}.dw.bn`, h));
      h = b.conv(`${name}.project.conv`, h, { filters: out, kernel: 1, bias: false });
      h = b.batchNorm(`${name}.project.bn`, h);
      y = b.mark(`${name}.out`, stride === 1 && channels === out ? b.add(y, h) : h);
      channels = out;
    }
  }
  y = b.conv('head.conv', y, { filters: c.lastChannels, kernel: 1, bias: false });
  y = b.mark('head.relu', b.relu6(b.batchNorm('head.bn', y)));
  y = b.globalAvgPool('gap', y);
  y = b.dropout(y, c.dropout);
  return b.dense('classifier', y, c.numClasses);
}
