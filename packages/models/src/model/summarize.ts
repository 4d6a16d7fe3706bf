import type { ModelConfig } from '../architectures/config.js';
import { resolveConfig } from '../architectures/resolve-config.js';
import type { ParamCount } from './create-model.js';
import { traceConfig } from './create-model.js';
import type { SummaryRow } from './types.js';

/** A model's layers and parameter counts, computed from its config alone. */
export interface ModelSummary {
  rows: SummaryRow[];
  paramCount: ParamCount;
}

/**
 * Summarises a config without allocating any tensor (shape tracing only).
 * @throws FpdbError FPDB_CONFIG for an invalid config; FPDB_SHAPE when the input size is too small.
 * @example summarize({ architecture: 'resnet', numClasses: 6 }).paramCount.trainable
 */
export function summarize(config: ModelConfig): ModelSummary {
  const { specs, rows } = traceConfig(resolveConfig(config));
  const count = (trainable: boolean): number => specs.filter((s) => s.trainable === trainable).reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  const trainable = count(true);
  const nonTrainable = count(false);
  return { rows, paramCount: { trainable, nonTrainable, total: trainable + nonTrainable } };
}

/**
 * Formats summary rows as a fixed-width text table (name, output shape, params) with totals.
 * @example console.log(formatSummary(summarize({ architecture: 'reference-cnn', numClasses: 6 })))
 */
export function formatSummary(summary: ModelSummary): string {
  const shape = (s: (number | null)[]): string => `[${s.map((d) => (d === null ? 'B' : d)).join(', ')}]`;
  const nameWidth = Math.max(5, ...summary.rows.map((r) => r.name.length));
  const shapeWidth = Math.max(12, ...summary.rows.map((r) => shape(r.outputShape).length));
  const lines = [`${'layer'.padEnd(nameWidth)}  ${'output shape'.padEnd(shapeWidth)}  params`];
  for (const r of summary.rows) lines.push(`${r.name.padEnd(nameWidth)}  ${shape(r.outputShape).padEnd(shapeWidth)}  ${r.params.toLocaleString('en-US')}`);
  const p = summary.paramCount;
  lines.push(`trainable ${p.trainable.toLocaleString('en-US')} · non-trainable ${p.nonTrainable.toLocaleString('en-US')} · total ${p.total.toLocaleString('en-US')}`);
  return lines.join('\n');
}
