import type { Builder } from '../model/builder.js';

/** Fields every architecture config shares. */
export interface CommonConfig {
  /** Number of output classes (e.g. `labelSpace('planes').classes.length` = 6). */
  numClasses: number;
  /** Input height and width in pixels; a number means square. Input has 1 channel. Default 128. */
  inputSize?: number | [number, number];
  /** Dropout rate before the classifier (default 0 for the reference CNN and ResNet, 0.2 for MobileNetV2). */
  dropout?: number;
}

/** A config with every default filled in. Family files use this form: it needs no registry. */
export type Resolved<C extends CommonConfig> = Required<C> & { inputSize: [number, number] };

/**
 * One architecture family: its name, how to validate and complete its config, and how to build it.
 * A family lives in one file (`resnet.ts`) and is listed once in `registry.ts`.
 */
export interface Architecture<C extends CommonConfig & { architecture: string }> {
  /** The `architecture` field of its configs. */
  readonly name: C['architecture'];
  /**
   * Validates the family's own fields and fills their defaults. The shared fields (numClasses,
   * inputSize, dropout) are already checked; `inputSize` arrives as [height, width].
   * @throws FpdbError FPDB_CONFIG for an invalid field.
   */
  resolve(config: C, inputSize: [number, number]): Resolved<C>;
  /** Runs the definition on any builder (shape tracer or tensor executor); returns the logits value. */
  define<T>(b: Builder<T>, x: T, config: Resolved<C>): T;
}
