import type { Builder } from '../model/builder.js';
import type { DenseNetConfig, ResolvedConfig } from './config.js';

/** Fills DenseNet's defaults (DenseNet-169 layout, k = 32). */
export function resolveDenseNet(c: DenseNetConfig, inputSize: [number, number]): ResolvedConfig<DenseNetConfig> {
  return {
    architecture: 'densenet',
    numClasses: c.numClasses,
    inputSize,
    growthRate: c.growthRate ?? 32,
    blocks: [...(c.blocks ?? [6, 12, 32, 32])],
    compression: c.compression ?? 0.5,
    bottleneck: c.bottleneck ?? 4,
    stem: c.stem ?? 'imagenet',
    dropout: c.dropout ?? 0,
  };
}

/** Defines a DenseNet-BC on any builder. */
export function denseNet<T>(b: Builder<T>, x: T, c: ResolvedConfig<DenseNetConfig>): T {
  const k = c.growthRate;
  let channels = 2 * k;
  let y: T;
  if (c.stem === 'imagenet') {
    y = b.conv('stem.conv', x, { filters: channels, kernel: 7, stride: 2, bias: false });
    y = b.mark('stem.relu', b.relu(b.batchNorm('stem.bn', y)));
    y = b.maxPool('stem.pool', y, 3, 2, 'same');
  } else {
    y = b.conv('stem.conv', x, { filters: channels, kernel: 3, bias: false });
  }
  c.blocks.forEach((layers, blockIndex) => {
    const block = `dense${blockIndex + 1}`;
    const features: T[] = [y];
    for (let i = 0; i < layers; i++) {
      const name = `${block}.layer${i + 1}`;
      let h = b.concat(features);
      h = b.relu(b.batchNorm(`${name}.bn1`, h));
      h = b.conv(`${name}.conv1`, h, { filters: c.bottleneck * k, kernel: 1, bias: false });
      h = b.relu(b.batchNorm(`${name}.bn2`, h));
      h = b.conv(`${name}.conv2`, h, { filters: k, kernel: 3, bias: false });
      features.push(h);
    }
    y = b.mark(`${block}.out`, b.concat(features));
    channels += layers * k;
    if (blockIndex < c.blocks.length - 1) {
      const name = `transition${blockIndex + 1}`;
      const out = Math.floor(channels * c.compression);
      let h = b.relu(b.batchNorm(`${name}.bn`, y));
      h = b.conv(`${name}.conv`, h, { filters: out, kernel: 1, bias: false });
      y = b.avgPool(`${name}.pool`, h, 2, 2);
      channels = out;
    }
  });
  y = b.mark('final.relu', b.relu(b.batchNorm('final.bn', y)));
  y = b.globalAvgPool('gap', y);
  y = b.dropout(y, c.dropout);
  return b.dense('classifier', y, c.numClasses);
}
