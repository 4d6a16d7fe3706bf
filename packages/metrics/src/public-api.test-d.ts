// Guards the published types of @fpdb/metrics as users import them: scikit-learn-style inputs, return types that follow the `average` and `format` options, the bootstrap metric names, and the evaluation report's shape.
import { describe, expectTypeOf, it } from 'vitest';
import type * as schema from '@fpdb/schema';
import {
  type BOOTSTRAP_METRICS,
  accuracy,
  bootstrap,
  bootstrapMany,
  classificationReport,
  confusionMatrix,
  evaluationReport,
  f1,
  groupBy,
  precisionRecallFscoreSupport,
  rocAuc,
  type Average,
  type BootstrapInterval,
  type BootstrapMetricName,
  type Calibration,
  type ClassOptions,
  type ClassificationReportJson,
  type ConfusionMatrixOptions,
  type EvaluationReport,
  type GroupResult,
  type LabelInput,
  type MetricSample,
  type PrfAverage,
  type PrfPerClass,
  type ProbabilityInput,
} from '@fpdb/metrics';

declare const yTrue: Int32Array;
declare const yPred: Int32Array;
declare const yProb: Float32Array;

describe('inputs', () => {
  it('labels and probabilities are array-likes: typed arrays, plain arrays or rows', () => {
    expectTypeOf<LabelInput>().toEqualTypeOf<ArrayLike<number>>();
    expectTypeOf<ProbabilityInput>().toEqualTypeOf<ArrayLike<ArrayLike<number>> | ArrayLike<number>>();
    expectTypeOf(accuracy).toBeCallableWith([0, 1, 2], yPred);
    // @ts-expect-error class names are not labels: map them to indices first
    expectTypeOf(accuracy).toBeCallableWith(['Fetal brain'], yPred);
  });

  it('a schema label space’s classes fit the class-name option', () => {
    expectTypeOf<schema.LabelSpace['classes']>().toExtend<NonNullable<ClassOptions['classes']>>();
  });
});

describe('return types follow the options', () => {
  it('f1 is one number unless average is null', () => {
    expectTypeOf(f1(yTrue, yPred)).toEqualTypeOf<number>();
    expectTypeOf(f1(yTrue, yPred, { average: null })).toEqualTypeOf<number[]>();
    expectTypeOf<Average>().toEqualTypeOf<'binary' | 'micro' | 'macro' | 'weighted' | null>();
  });

  it('precisionRecallFscoreSupport averages only when asked', () => {
    expectTypeOf(precisionRecallFscoreSupport(yTrue, yPred, { average: 'weighted' })).toEqualTypeOf<PrfAverage>();
    expectTypeOf(precisionRecallFscoreSupport(yTrue, yPred)).toEqualTypeOf<PrfPerClass>();
  });

  it('rocAuc gives per-class scores for average null', () => {
    expectTypeOf(rocAuc(yTrue, yProb)).toEqualTypeOf<number>();
    expectTypeOf(rocAuc(yTrue, yProb, { average: null })).toEqualTypeOf<number[]>();
  });

  it('classificationReport is text unless format is json', () => {
    expectTypeOf(classificationReport(yTrue, yPred)).toEqualTypeOf<string>();
    expectTypeOf(classificationReport(yTrue, yPred, { format: 'json' })).toEqualTypeOf<ClassificationReportJson>();
  });

  it('confusionMatrix normalises by a closed set of axes', () => {
    expectTypeOf<ConfusionMatrixOptions['normalize']>().toEqualTypeOf<'true' | 'pred' | 'all' | null | undefined>();
    // @ts-expect-error normalise rows with 'true' (sklearn's spelling), not 'rows'
    confusionMatrix(yTrue, yPred, { normalize: 'rows' });
  });
});

describe('bootstrap and groups', () => {
  it('metrics are named from BOOTSTRAP_METRICS or given as functions', () => {
    expectTypeOf<BootstrapMetricName>().toEqualTypeOf<(typeof BOOTSTRAP_METRICS)[number]>();
    expectTypeOf(bootstrap).toBeCallableWith('macroF1', { yTrue, yPred });
    expectTypeOf(bootstrap).toBeCallableWith((s: MetricSample) => s.yTrue.length, { yTrue, yPred });
    // @ts-expect-error 'f2' is not a bootstrap metric name
    expectTypeOf(bootstrap).toBeCallableWith('f2', { yTrue, yPred });
  });

  it('bootstrapMany keeps the caller’s metric keys', () => {
    const many = bootstrapMany({ acc: 'accuracy', f1: 'macroF1' }, { yTrue, yPred });
    expectTypeOf(many).toEqualTypeOf<Record<'acc' | 'f1', BootstrapInterval>>();
  });

  it('groupBy keeps the metric’s value type', () => {
    expectTypeOf(groupBy(['a'], { yTrue, yPred }, () => [1, 2])).toEqualTypeOf<GroupResult<number[]>[]>();
  });
});

describe('evaluation report', () => {
  it('needs labels and probabilities', () => {
    expectTypeOf(evaluationReport).returns.toEqualTypeOf<EvaluationReport>();
    expectTypeOf(evaluationReport).toBeCallableWith({ yTrue, yProb, classes: ['a', 'b'], groups: [1, 1] });
    // @ts-expect-error yProb is required: the report has ROC, PR and calibration
    expectTypeOf(evaluationReport).toBeCallableWith({ yTrue, yPred });
  });

  it('is versioned JSON whose calibration block is a Calibration', () => {
    expectTypeOf<EvaluationReport['schema']>().toEqualTypeOf<'fpdb.evaluation-report'>();
    expectTypeOf<EvaluationReport['version']>().toEqualTypeOf<1>();
    expectTypeOf<EvaluationReport['calibration']>().toEqualTypeOf<Calibration>();
  });
});
