import { FpdbError } from '@fpdb/schema';
import type { Builder } from '../model/builder.js';
import type { Architecture, CommonConfig, Resolved } from './architecture.js';
import { intList, positiveInt } from './validate.js';

/** DenseNet-BC (bottleneck + compression); the default layout is DenseNet-169. */
export interface DenseNetConfig extends CommonConfig {
  architecture: 'densenet';
  /** Growth rate k (default 32). */
  growthRate?: number;
  /** Layers per dense block (default [6, 12, 32, 32] = DenseNet-169). */
  blocks?: readonly number[];
  /** Transition compression θ (default 0.5). */
  compression?: number;
  /** Bottleneck width as a multiple of k (default 4). */
  bottleneck?: number;
  /** 'imagenet': 7×7/2 conv + 3×3/2 max-pool (default); 'compact': one 3×3/1 conv, for small inputs. */
  stem?: 'imagenet' | 'compact';
}

function resolve(c: DenseNetConfig, inputSize: [number, number]): Resolved<DenseNetConfig> {
  if (c.growthRate !== undefined) positiveInt(c.growthRate, 'growthRate');
  intList(c.blocks, 'blocks');
  if (c.compression !== undefined && !(c.compression > 0 && c.compression <= 1)) {
    throw new FpdbError('FPDB_CONFIG', `compression must be in (0, 1] but is ${c.compression}.`, { details: { value: c.compression } });
  }
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

function define<T>(b: Builder<T>, x: T, c: Resolved<DenseNetConfig>): T {
  const k = c.growthRate;
  let channels = 2 * k;
  let y: T;
  if (c.stem === 'imagenet') {
    // torchvision's paddings (conv0 3, pool0 1), so its weights give its logits.
    y = b.conv('stem.conv', x, { filters: channels, kernel: 7, stride: 2, padding: 3, bias: false });
    y = b.mark('stem.relu', b.relu(b.batchNorm('stem.bn', y)));
    y = b.maxPool('stem.pool', y, 3, 2, 1);
  } else {
    y = b.conv('stem.conv', x, { filters: channels, kernel: 3, padding: 1, bias: false });
  }
  c.blocks.forEach((layers, blockIndex) => {
    const block = `dense${blockIndex + 1}`;
    const features: T[] = [y];
    for (let i = 0; i < layers; i++) {
      const name = `${block}.layer${i + 1}`;
      let h = b.concat(features);
      h = b.relu(b.batchNorm(`${name}.bn1`, h));
      h = b.conv(`${name}.conv1`, h, { filters: c.bottleneck * k, kernel: 1, padding: 0, bias: false });
      h = b.relu(b.batchNorm(`${name}.bn2`, h));
      h = b.conv(`${name}.conv2`, h, { filters: k, kernel: 3, padding: 1, bias: false });
      features.push(h);
    }
    y = b.mark(`${block}.out`, b.concat(features));
    channels += layers * k;
    if (blockIndex < c.blocks.length - 1) {
      const name = `transition${blockIndex + 1}`;
      const out = Math.floor(channels * c.compression);
      let h = b.relu(b.batchNorm(`${name}.bn`, y));
      h = b.conv(`${name}.conv`, h, { filters: out, kernel: 1, padding: 0, bias: false });
      y = b.avgPool(`${name}.pool`, h, 2, 2);
      channels = out;
    }
  });
  y = b.mark('final.relu', b.relu(b.batchNorm('final.bn', y)));
  y = b.globalAvgPool('gap', y);
  y = b.dropout(y, c.dropout);
  return b.dense('classifier', y, c.numClasses);
}

/**
 * The DenseNet-BC family; defaults give DenseNet-169 (k = 32, θ = 0.5) with an ImageNet stem.
 * @throws FpdbError FPDB_CONFIG (from `resolve`) for a non-positive `growthRate` or `blocks` entry, or `compression` outside (0, 1].
 * @example denseNet.resolve({ architecture: 'densenet', numClasses: 6 }, [224, 224]).blocks // [6, 12, 32, 32]
 */
export const denseNet: Architecture<DenseNetConfig> = { name: 'densenet', resolve, define };
