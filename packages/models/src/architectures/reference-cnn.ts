import type { Builder } from '../model/builder.js';
import type { ReferenceCnnConfig, ResolvedConfig } from './config.js';

/** Fills the reference CNN's defaults. */
export function resolveReferenceCnn(c: ReferenceCnnConfig, inputSize: [number, number]): ResolvedConfig<ReferenceCnnConfig> {
  return {
    architecture: 'reference-cnn',
    numClasses: c.numClasses,
    inputSize,
    widths: [...(c.widths ?? [16, 32, 64, 64])],
    batchNorm: c.batchNorm ?? false,
    dropout: c.dropout ?? 0,
  };
}

/** Defines the reference CNN on any builder. */
export function referenceCnn<T>(b: Builder<T>, x: T, c: ResolvedConfig<ReferenceCnnConfig>): T {
  let y = x;
  c.widths.forEach((filters, i) => {
    const block = `block${i + 1}`;
    if (c.batchNorm) {
      y = b.conv(`${block}.conv`, y, { filters, kernel: 3, bias: false });
      y = b.mark(`${block}.relu`, b.relu(b.batchNorm(`${block}.bn`, y)));
    } else {
      y = b.conv(`${block}.conv`, y, { filters, kernel: 3, activation: 'relu' });
    }
    y = b.maxPool(`${block}.pool`, y, 2, 2);
  });
  y = b.globalAvgPool('gap', y);
  y = b.dropout(y, c.dropout);
  return b.dense('classifier', y, c.numClasses);
}
