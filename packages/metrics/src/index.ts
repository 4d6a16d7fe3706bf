export type { Average, ClassOptions, LabelInput, ProbabilityInput, WeightInput, ZeroDivision } from './types.js';
export { accuracy, balancedAccuracy, type AccuracyOptions, type BalancedAccuracyOptions } from './accuracy.js';
export { topKAccuracy, type TopKAccuracyOptions } from './top-k-accuracy.js';
export { confusionMatrix, type ConfusionMatrixOptions } from './confusion-matrix.js';
export {
  f1,
  fbeta,
  precision,
  precisionRecallFscoreSupport,
  recall,
  type PrfAverage,
  type PrfOptions,
  type PrfPerClass,
} from './precision-recall-fscore.js';
export {
  classificationReport,
  type ClassificationReportJson,
  type ClassificationReportOptions,
  type ReportRow,
} from './classification-report.js';
export { cohenKappa, type CohenKappaOptions } from './cohen-kappa.js';
export { matthewsCorrcoef, type MatthewsOptions } from './matthews-corrcoef.js';
export { auc, perClassRocCurves, rocAuc, rocCurve, type ClassRocCurve, type RocAucOptions, type RocCurve, type RocCurveOptions } from './roc.js';
export {
  averagePrecision,
  perClassPrCurves,
  precisionRecallCurve,
  type AveragePrecisionOptions,
  type ClassPrCurve,
  type PrecisionRecallCurve,
  type PrecisionRecallCurveOptions,
} from './average-precision.js';
export { logLoss, type LogLossOptions } from './log-loss.js';
export { brierScore, type BrierScoreOptions } from './brier-score.js';
export { expectedCalibrationError, reliabilityBins, type Calibration, type CalibrationOptions, type ReliabilityBin } from './calibration.js';
export type { MetricSample, PredictionData } from './internal/dataset.js';
export {
  BOOTSTRAP_METRICS,
  bootstrap,
  bootstrapMany,
  type BootstrapInterval,
  type BootstrapMetric,
  type BootstrapMetricName,
  type BootstrapOptions,
} from './bootstrap.js';
export { pairedBootstrap, type PairedBootstrapInterval } from './paired-bootstrap.js';
export { groupBy, type GroupByOptions, type GroupResult } from './group-by.js';
export {
  evaluationReport,
  type EvaluationReport,
  type EvaluationReportInput,
  type ReportClass,
  type ReportCurve,
  type ReportGroup,
  type ReportInterval,
} from './evaluation-report.js';
export { reportToMarkdown, type ReportMarkdownOptions } from './report-markdown.js';
export { confusionMatrixSvg, type ConfusionMatrixSvgInput } from './plots/confusion-matrix-svg.js';
export type { PlotCurve } from './plots/curve-plot.js';
export { rocCurvesSvg, type RocCurvesSvgOptions } from './plots/roc-curves-svg.js';
export { prCurvesSvg, type PrCurvesSvgOptions } from './plots/pr-curves-svg.js';
export { reliabilityDiagramSvg, type ReliabilityDiagramSvgOptions } from './plots/reliability-diagram-svg.js';
export { trainingCurvesSvg, type EpochRecord, type TrainingCurvesSvgInput } from './plots/training-curves-svg.js';
export { reportSvgs, type ReportSvgs } from './plots/report-svgs.js';
export { escapeXml } from './escape-xml.js';
export { summaryRows, type SummaryRow } from './summary-rows.js';
export { CLINICAL_RATES, clinicalMetrics, type ClinicalClass, type ClinicalMetricsInput, type ClinicalRate, type ClinicalValue } from './clinical-metrics.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
