import { FpdbError } from '@fpdb/schema';
import type { EvaluationReport, ReportInterval } from './evaluation-report.js';
import { mdCell } from './internal/format.js';
import { summaryRows } from './summary-rows.js';

/** Options of {@link reportToMarkdown}. */
export interface ReportMarkdownOptions {
  /** Decimals of scores (default 3). */
  digits?: number;
  /** Top heading (default `Evaluation report`, or `meta.title`). */
  title?: string;
}

function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const a = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r'));
  const sep = a.map((x) => (x === 'r' ? '---:' : '---'));
  return `${[header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`;
}

/**
 * Renders an {@link EvaluationReport} as Markdown: summary with confidence intervals, per-class table,
 * confusion matrix, calibration bins, per-group breakdowns and warnings. Stable layout for `fpdb eval`.
 * @throws FpdbError FPDB_INVALID_ARGUMENT when given something that is not an evaluation report
 * @example writeFileSync('report.md', reportToMarkdown(evaluationReport({ yTrue, yProb, classes })))
 */
export function reportToMarkdown(report: EvaluationReport, options?: ReportMarkdownOptions): string {
  if (report === null || typeof report !== 'object' || report.schema !== 'fpdb.evaluation-report') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `reportToMarkdown needs the object returned by evaluationReport().`, { details: { argument: 'report' } });
  }
  const digits = options?.digits ?? 3;
  const f = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
  const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
  const names = report.classes.map(mdCell);
  const title = options?.title ?? (typeof report.meta.title === 'string' ? report.meta.title : 'Evaluation report');
  const out: string[] = [`# ${mdCell(title)}`, ''];

  const context = Object.entries(report.meta).filter(([k]) => k !== 'title');
  const facts = [`${report.n} images`, `${report.numClasses} classes`];
  if (report.patients !== null) facts.push(`${report.patients} patients`);
  out.push(facts.join(' · ') + (context.length ? ` · ${context.map(([k, v]) => `${mdCell(k)}: ${mdCell(String(v))}`).join(' · ')}` : ''), '');

  const b = report.bootstrap;
  const ci = (i: ReportInterval | null | undefined): string => (i ? `${f(i.low)} – ${f(i.high)}` : '');
  out.push('## Summary', '');
  const ciHead = b ? `${Math.round(b.confidence * 100)} % CI (${b.resamples} ${b.unit} resamples)` : 'CI';
  out.push(
    table(
      ['metric', 'value', ciHead],
      summaryRows(report).map((r) => [r.label, f(r.value), ci(r.interval)]),
      ['l', 'r', 'r'],
    ),
  );

  out.push('## Per class', '');
  out.push(
    table(
      ['class', 'precision', 'recall', 'F1', 'support', 'predicted', 'ROC-AUC', 'AP'],
      report.perClass.map((c) => [names[c.index]!, f(c.precision), f(c.recall), f(c.f1), String(c.support), String(c.predicted), f(c.rocAuc), f(c.averagePrecision)]),
    ),
  );

  out.push('## Confusion matrix', '', 'Rows are the true class, columns the prediction; each cell shows the count and the share of its row.', '');
  out.push(
    table(
      ['true \\ predicted', ...names],
      report.confusionMatrix.counts.map((row, i) => [`**${names[i]}**`, ...row.map((v, j) => `${v} (${pct(report.confusionMatrix.normalizedByTrue[i]![j]!)})`)]),
    ),
  );

  const cal = report.calibration;
  out.push('## Calibration', '', `ECE ${f(cal.ece)} · MCE ${f(cal.mce)} (top-label confidence, ${cal.numBins} equal-width bins; gap < 0 means over-confident).`, '');
  out.push(
    table(
      ['confidence bin', 'count', 'mean confidence', 'accuracy', 'gap'],
      cal.bins.filter((x) => x.count > 0).map((x) => [`${x.lower.toFixed(2)}–${x.upper.toFixed(2)}`, String(x.count), f(x.confidence), f(x.accuracy), f(x.gap)]),
    ),
  );

  for (const [key, groups] of Object.entries(report.by)) {
    out.push(`## By ${mdCell(key)}`, '');
    out.push(
      table(
        [key, 'n', 'accuracy', 'balanced acc.', 'macro F1', 'ROC-AUC', ...names.map((n) => `recall ${n}`)],
        groups.map((g) => [mdCell(g.group), String(g.count), f(g.accuracy), f(g.balancedAccuracy), f(g.macroF1), f(g.rocAucMacro), ...g.recall.map((r) => f(r))]),
      ),
    );
  }

  if (report.warnings.length > 0) {
    out.push('## Warnings', '', ...report.warnings.map((w) => `- ${mdCell(w)}`), '');
  }
  out.push(
    '---',
    '',
    'Metrics follow scikit-learn semantics (@fpdb/metrics). Data: FETAL_PLANES_DB, Burgos-Artizzu et al., Sci Rep 10:10200 (2020), doi 10.1038/s41598-020-67076-5 (CC BY 4.0). Research use only, not a medical device.',
    '',
  );
  return out.join('\n');
}
