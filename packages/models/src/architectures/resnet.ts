import { FpdbError } from '@fpdb/schema';
import type { Builder } from '../model/builder.js';
import type { Architecture, CommonConfig, Resolved } from './architecture.js';
import { intList, positiveInt } from './validate.js';

/** ResNet (He et al. 2016) with batch norm in torchvision's layout; the default is ResNet-18. */
export interface ResNetConfig extends CommonConfig {
  architecture: 'resnet';
  /** Channels of the first stage; stages double it (default 64 → 64, 128, 256, 512). */
  width?: number;
  /** Blocks per stage (default [2, 2, 2, 2] = ResNet-18; [3, 4, 6, 3] = ResNet-34, or ResNet-50 with bottlenecks). */
  blocks?: readonly number[];
  /**
   * 'basic': two 3×3 convs (default; ResNet-18/34). 'bottleneck': 1×1 → 3×3 (the stride, as in
   * torchvision's v1.5) → 1×1 with 4× expansion, so stages output 4 × width × 2^stage channels (ResNet-50).
   */
  block?: 'basic' | 'bottleneck';
  /** 'imagenet': 7×7/2 conv + 3×3/2 max-pool (default); 'compact': one 3×3/1 conv, for small inputs. */
  stem?: 'imagenet' | 'compact';
}

function resolve(c: ResNetConfig, inputSize: [number, number]): Resolved<ResNetConfig> {
  if (c.width !== undefined) positiveInt(c.width, 'width');
  intList(c.blocks, 'blocks');
  if (c.block !== undefined && c.block !== 'basic' && c.block !== 'bottleneck') {
    throw new FpdbError('FPDB_CONFIG', `block must be 'basic' or 'bottleneck' but is ${JSON.stringify(c.block)}.`, { details: { value: c.block } });
  }
  return {
    architecture: 'resnet',
    numClasses: c.numClasses,
    inputSize,
    width: c.width ?? 64,
    blocks: [...(c.blocks ?? [2, 2, 2, 2])],
    block: c.block ?? 'basic',
    stem: c.stem ?? 'imagenet',
    dropout: c.dropout ?? 0,
  };
}

// Paddings are PyTorch's (explicit, symmetric) so that torchvision/timm weights give their logits.
function shortcut<T>(b: Builder<T>, name: string, x: T, inChannels: number, outChannels: number, stride: number): T {
  if (stride === 1 && inChannels === outChannels) return x;
  const y = b.conv(`${name}.down.conv`, x, { filters: outChannels, kernel: 1, stride, padding: 0, bias: false });
  return b.batchNorm(`${name}.down.bn`, y);
}

function basicBlock<T>(b: Builder<T>, name: string, x: T, inChannels: number, filters: number, stride: number): T {
  let y = b.conv(`${name}.conv1`, x, { filters, kernel: 3, stride, padding: 1, bias: false });
  y = b.relu(b.batchNorm(`${name}.bn1`, y));
  y = b.conv(`${name}.conv2`, y, { filters, kernel: 3, padding: 1, bias: false });
  y = b.batchNorm(`${name}.bn2`, y);
  return b.mark(`${name}.out`, b.relu(b.add(y, shortcut(b, name, x, inChannels, filters, stride))));
}

/** Bottleneck output channels per `filters` (torchvision's `Bottleneck.expansion`). */
const EXPANSION = 4;

function bottleneckBlock<T>(b: Builder<T>, name: string, x: T, inChannels: number, filters: number, stride: number): T {
  let y = b.conv(`${name}.conv1`, x, { filters, kernel: 1, padding: 0, bias: false });
  y = b.relu(b.batchNorm(`${name}.bn1`, y));
  y = b.conv(`${name}.conv2`, y, { filters, kernel: 3, stride, padding: 1, bias: false });
  y = b.relu(b.batchNorm(`${name}.bn2`, y));
  y = b.conv(`${name}.conv3`, y, { filters: filters * EXPANSION, kernel: 1, padding: 0, bias: false });
  y = b.batchNorm(`${name}.bn3`, y);
  return b.mark(`${name}.out`, b.relu(b.add(y, shortcut(b, name, x, inChannels, filters * EXPANSION, stride))));
}

function define<T>(b: Builder<T>, x: T, c: Resolved<ResNetConfig>): T {
  let y: T;
  if (c.stem === 'imagenet') {
    y = b.conv('stem.conv', x, { filters: c.width, kernel: 7, stride: 2, padding: 3, bias: false });
    y = b.mark('stem.relu', b.relu(b.batchNorm('stem.bn', y)));
    y = b.maxPool('stem.pool', y, 3, 2, 1);
  } else {
    y = b.conv('stem.conv', x, { filters: c.width, kernel: 3, padding: 1, bias: false });
    y = b.mark('stem.relu', b.relu(b.batchNorm('stem.bn', y)));
  }
  const block = c.block === 'bottleneck' ? bottleneckBlock : basicBlock;
  const expansion = c.block === 'bottleneck' ? EXPANSION : 1;
  let channels = c.width;
  c.blocks.forEach((count, stage) => {
    const filters = c.width * 2 ** stage;
    for (let i = 0; i < count; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      y = block(b, `layer${stage + 1}.${i}`, y, channels, filters, stride);
      channels = filters * expansion;
    }
  });
  y = b.globalAvgPool('gap', y);
  y = b.dropout(y, c.dropout);
  return b.dense('classifier', y, c.numClasses);
}

/**
 * The ResNet family (basic or bottleneck blocks, batch norm); defaults give ResNet-18 with an ImageNet stem.
 * @throws FpdbError FPDB_CONFIG (from `resolve`) when `width` or `blocks` is not made of positive integers, or `block` is neither 'basic' nor 'bottleneck'.
 * @example resnet.resolve({ architecture: 'resnet', numClasses: 6 }, [224, 224]).blocks // [2, 2, 2, 2]
 */
export const resnet: Architecture<ResNetConfig> = { name: 'resnet', resolve, define };
