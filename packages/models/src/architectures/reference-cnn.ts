import type { Builder } from '../model/builder.js';
import type { Architecture, CommonConfig, Resolved } from './architecture.js';
import { intList } from './validate.js';

/** The reference CNN of every benchmark: 4 × (conv 3×3 + bias + ReLU + max-pool 2×2), global average pool, dense. */
export interface ReferenceCnnConfig extends CommonConfig {
  architecture: 'reference-cnn';
  /** Filters per block (default [16, 32, 64, 64]). */
  widths?: readonly number[];
  /** Batch norm after each conv (default false: conv + bias + ReLU as the benchmark defines it). */
  batchNorm?: boolean;
}

function resolve(c: ReferenceCnnConfig, inputSize: [number, number]): Resolved<ReferenceCnnConfig> {
  intList(c.widths, 'widths');
  return {
    architecture: 'reference-cnn',
    numClasses: c.numClasses,
    inputSize,
    widths: [...(c.widths ?? [16, 32, 64, 64])],
    batchNorm: c.batchNorm ?? false,
    dropout: c.dropout ?? 0,
  };
}

function define<T>(b: Builder<T>, x: T, c: Resolved<ReferenceCnnConfig>): T {
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

/**
 * The reference CNN family: widths default to [16, 32, 64, 64] (60,614 parameters for 6 classes).
 * @throws FpdbError FPDB_CONFIG (from `resolve`) when `widths` is not a non-empty list of positive integers.
 * @example referenceCnn.resolve({ architecture: 'reference-cnn', numClasses: 6 }, [128, 128]).widths // [16, 32, 64, 64]
 */
export const referenceCnn: Architecture<ReferenceCnnConfig> = { name: 'reference-cnn', resolve, define };
