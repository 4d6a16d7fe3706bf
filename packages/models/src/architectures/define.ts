import type { Builder } from '../model/builder.js';
import type { ResolvedConfig } from './config.js';
import { denseNet } from './densenet.js';
import { mobileNetV2 } from './mobilenet-v2.js';
import { referenceCnn } from './reference-cnn.js';
import { resnet } from './resnet.js';

/** Runs the definition of a resolved config on a builder; returns the logits value. */
export function defineNetwork<T>(b: Builder<T>, x: T, c: ResolvedConfig): T {
  switch (c.architecture) {
    case 'reference-cnn':
      return referenceCnn(b, x, c);
    case 'resnet':
      return resnet(b, x, c);
    case 'mobilenet-v2':
      return mobileNetV2(b, x, c);
    case 'densenet':
      return denseNet(b, x, c);
  }
}
