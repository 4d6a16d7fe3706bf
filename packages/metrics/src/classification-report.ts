import { FpdbError } from '@fpdb/schema';
import { mdCell, padLeft, pyFixed, pyNumber } from './internal/format.js';
import { classCounts, confusionCounts, preparePair } from './internal/pair.js';
import { prfAveraged, prfPerLabel, zeroDivisionValue } from './internal/prf.js';
import type { ClassOptions, LabelInput, ZeroDivision } from './types.js';

/** Scores of one row of a classification report (scikit-learn `output_dict` keys). */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/**
 * scikit-learn's `classification_report(..., output_dict=True)`: one row per class name, then
 * `accuracy` (a number) or `micro avg` (a row), `macro avg` and `weighted avg`.
 */
export type ClassificationReportJson = Record<string, ReportRow | number>;

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions extends ClassOptions {
  /** `'text'` (scikit-learn's exact layout, default), `'markdown'` or `'json'`. */
  format?: 'text' | 'markdown' | 'json';
  /** Decimals in text and Markdown (default 2). */
  digits?: number;
  /** Value of a score whose denominator is 0 (default `'warn'`, which gives 0). */
  zeroDivision?: ZeroDivision;
}

interface Rows {
  names: string[];
  /** scikit-learn's supports turn float (printed "2.0") when no prediction at all is correct. */
  integralSupport: boolean;
  per: ReportRow[];
  averages: { heading: string; row: ReportRow }[];
}

function rows(yTrue: LabelInput, yPred: LabelInput, options: ClassificationReportOptions | undefined): Rows {
  const zd = zeroDivisionValue(options?.zeroDivision);
  const pair = preparePair(yTrue, yPred, options);
  const k = pair.set.k;
  const counts = classCounts(confusionCounts(pair.yTrue, pair.yPred, k, null), k);
  const all = Array.from({ length: k }, (_, i) => i);
  const v = prfPerLabel(counts, all, 1, zd);
  const per: ReportRow[] = all.map((i) => ({ precision: v.precision[i]!, recall: v.recall[i]!, 'f1-score': v.fscore[i]!, support: v.support[i]! }));
  const total = pair.yTrue.length;
  // scikit-learn calls the micro row "accuracy" unless given labels differ from those present.
  let microIsAccuracy = true;
  if (pair.set.given) {
    const present = new Set<number>([...pair.rawTrue, ...pair.rawPred]);
    microIsAccuracy = present.size === k;
  }
  const averages: Rows['averages'] = [];
  for (const avg of ['micro', 'macro', 'weighted'] as const) {
    const a = prfAveraged(counts, all, avg, 1, zd);
    averages.push({
      heading: avg === 'micro' && microIsAccuracy ? 'accuracy' : `${avg} avg`,
      row: { precision: a.precision, recall: a.recall, 'f1-score': a.fscore, support: total },
    });
  }
  let correct = 0;
  for (let i = 0; i < k; i++) correct += counts.tp[i]!;
  return { names: pair.set.names, integralSupport: correct > 0, per, averages };
}

function toText(r: Rows, digits: number): string {
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  const width = Math.max(...r.names.map((n) => n.length), 'weighted avg'.length, digits);
  const f = (x: number): string => ` ${padLeft(pyFixed(x, digits), 9)}`;
  const sup = (x: number): string => ` ${padLeft(pyNumber(x, r.integralSupport), 9)}`;
  const line = (name: string, row: ReportRow): string => `${padLeft(name, width)} ${f(row.precision)}${f(row.recall)}${f(row['f1-score'])}${sup(row.support)}\n`;
  let out = `${padLeft('', width)} ${headers.map((h) => ` ${padLeft(h, 9)}`).join('')}\n\n`;
  r.names.forEach((n, i) => (out += line(n, r.per[i]!)));
  out += '\n';
  for (const { heading, row } of r.averages) {
    if (heading === 'accuracy') {
      out += `${padLeft(heading, width)}  ${padLeft('', 9)} ${padLeft('', 9)}${f(row['f1-score'])}${sup(row.support)}\n`;
    } else out += line(heading, row);
  }
  return out;
}

function toMarkdown(r: Rows, digits: number): string {
  const f = (x: number): string => pyFixed(x, digits);
  const lines = ['| class | precision | recall | f1-score | support |', '|---|---:|---:|---:|---:|'];
  r.names.forEach((n, i) => {
    const row = r.per[i]!;
    lines.push(`| ${mdCell(n)} | ${f(row.precision)} | ${f(row.recall)} | ${f(row['f1-score'])} | ${row.support} |`);
  });
  for (const { heading, row } of r.averages) {
    if (heading === 'accuracy') lines.push(`| **accuracy** | | | ${f(row['f1-score'])} | ${row.support} |`);
    else lines.push(`| **${heading}** | ${f(row.precision)} | ${f(row.recall)} | ${f(row['f1-score'])} | ${row.support} |`);
  }
  return `${lines.join('\n')}\n`;
}

function toJson(r: Rows): ClassificationReportJson {
  const out: ClassificationReportJson = {};
  r.names.forEach((n, i) => (out[n] = r.per[i]!));
  for (const { heading, row } of r.averages) out[heading] = heading === 'accuracy' ? row.precision : row;
  return out;
}

/**
 * Per-class precision, recall, F1 and support with micro/macro/weighted averages, like scikit-learn
 * `classification_report`: `'text'` reproduces its layout character for character, `'json'` its
 * `output_dict`, `'markdown'` a table for reports.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT (format, digits)
 * @example console.log(classificationReport(yTrue, yPred, { classes: labelSpace('planes').classes }))
 */
export function classificationReport(yTrue: LabelInput, yPred: LabelInput, options: ClassificationReportOptions & { format: 'json' }): ClassificationReportJson;
export function classificationReport(yTrue: LabelInput, yPred: LabelInput, options?: ClassificationReportOptions): string;
export function classificationReport(yTrue: LabelInput, yPred: LabelInput, options?: ClassificationReportOptions): string | ClassificationReportJson {
  const format = options?.format ?? 'text';
  const digits = options?.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `digits must be an integer 0–20; got ${String(digits)}.`, { details: { argument: 'digits', value: digits } });
  }
  if (format !== 'text' && format !== 'markdown' && format !== 'json') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `format must be 'text', 'markdown' or 'json'; got ${JSON.stringify(format)}.`, {
      details: { argument: 'format', value: format },
    });
  }
  const r = rows(yTrue, yPred, options);
  if (format === 'json') return toJson(r);
  return format === 'markdown' ? toMarkdown(r, digits) : toText(r, digits);
}
