import type { ImageFailure, ImageResult } from './engine.js';

function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The summary as CSV (RFC 4180, header row): file, predicted class and probability, one column per class
 * of the main model, the brain sub-plane and its probability when predicted, and the error of a file
 * that could not be read.
 */
export function resultsCsv(classes: readonly string[], results: readonly ImageResult[], failures: readonly ImageFailure[]): string {
  const header = ['file', 'class', 'probability', ...classes.map((c) => `p(${c})`), 'brain_plane', 'brain_probability', 'error_code', 'error'];
  const rows = [
    ...results.map((r) => [r.file, r.class, r.probability, ...classes.map((c) => r.probabilities[c]), r.brain?.class, r.brain?.probability, undefined, undefined]),
    ...failures.map((f) => [f.file, undefined, undefined, ...classes.map(() => undefined), undefined, undefined, f.code, f.message]),
  ];
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
