import type { Builder } from '../model/builder.js';
import type { ResolvedConfig } from './config.js';
import { architectureOf } from './registry.js';

/**
 * Runs the definition of a resolved config on a builder; returns the logits value.
 * @throws FpdbError FPDB_CONFIG when the config names no registered architecture.
 */
export function defineNetwork<T>(b: Builder<T>, x: T, c: ResolvedConfig): T {
  return architectureOf(c.architecture).define(b, x, c);
}
