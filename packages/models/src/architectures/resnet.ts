import type { Builder } from '../model/builder.js';
import type { Architecture, CommonConfig, Resolved } from './architecture.js';
import { intList, positiveInt } from './validate.js';

/** ResNet with basic blocks and batch norm; the default layout is ResNet-18. */
export interface ResNetConfig extends CommonConfig {
  architecture: 'resnet';
  /** Channels of the first stage; stages double it (default 64 → 64, 128, 256, 512). */
  width?: number;
  /** Basic blocks per stage (default [2, 2, 2, 2] = ResNet-18). */
  blocks?: readonly number[];
  /** 'imagenet': 7×7/2 conv + 3×3/2 max-pool (default); 'compact': one 3×3/1 conv, for small inputs. */
  stem?: 'imagenet' | 'compact';
}

function resolve(c: ResNetConfig, inputSize: [number, number]): Resolved<ResNetConfig> {
  if (c.width !== undefined) positiveInt(c.width, 'width');
  intList(c.blocks, 'blocks');
  return {
    architecture: 'resnet',
    numClasses: c.numClasses,
    inputSize,
    width: c.width ?? 64,
    blocks: [...(c.blocks ?? [2, 2, 2, 2])],
    stem: c.stem ?? 'imagenet',
    dropout: c.dropout ?? 0,
  };
}

function basicBlock<T>(b: Builder<T>, name: string, x: T, inChannels: number, filters: number, stride: number): T {
  let y = b.conv(`${name}.conv1`, x, { filters, kernel: 3, stride, bias: false });
  y = b.relu(b.batchNorm(`${name}.bn1`, y));
  y = b.conv(`${name}.conv2`, y, { filters, kernel: 3, bias: false });
  y = b.batchNorm(`${name}.bn2`, y);
  let shortcut = x;
  if (stride !== 1 || inChannels !== filters) {
    shortcut = b.conv(`${name}.down.conv`, x, { filters, kernel: 1, stride, bias: false });
    shortcut = b.batchNorm(`${name}.down.bn`, shortcut);
  }
  return b.mark(`${name}.out`, b.relu(b.add(y, shortcut)));
}

function define<T>(b: Builder<T>, x: T, c: Resolved<ResNetConfig>): T {
  let y: T;
  if (c.stem === 'imagenet') {
    y = b.conv('stem.conv', x, { filters: c.width, kernel: 7, stride: 2, bias: false });
    y = b.mark('stem.relu', b.relu(b.batchNorm('stem.bn', y)));
    y = b.maxPool('stem.pool', y, 3, 2, 'same');
  } else {
    y = b.conv('stem.conv', x, { filters: c.width, kernel: 3, bias: false });
    y = b.mark('stem.relu', b.relu(b.batchNorm('stem.bn', y)));
  }
  let channels = c.width;
  c.blocks.forEach((count, stage) => {
    const filters = c.width * 2 ** stage;
    for (let i = 0; i < count; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      y = basicBlock(b, `layer${stage + 1}.${i}`, y, channels, filters, stride);
      channels = filters;
    }
  });
  y = b.globalAvgPool('gap', y);
  y = b.dropout(y, c.dropout);
  return b.dense('classifier', y, c.numClasses);
}

/**
 * The ResNet family (basic blocks, batch norm); defaults give ResNet-18 with an ImageNet stem.
 * @throws FpdbError FPDB_CONFIG (from `resolve`) when `width` or `blocks` is not made of positive integers.
 * @example resnet.resolve({ architecture: 'resnet', numClasses: 6 }, [224, 224]).blocks // [2, 2, 2, 2]
 */
export const resnet: Architecture<ResNetConfig> = { name: 'resnet', resolve, define };
