// Guards the tensor entry `@fpdb/metrics/tfjs` as users import it: tensors are read into the typed arrays the core metrics take, so a model's output feeds evaluationReport directly.
import { describe, expectTypeOf, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import { evaluationReport, type LabelInput, type ProbabilityInput } from '@fpdb/metrics';
import { readPredictions, readPredictionsSync, tensorToLabels, type TensorPredictions } from '@fpdb/metrics/tfjs';

declare const predictions: TensorPredictions;

describe('@fpdb/metrics/tfjs', () => {
  it('reads labels and probabilities out of tensors', () => {
    expectTypeOf(readPredictions).parameters.toEqualTypeOf<[tf.Tensor, tf.Tensor]>();
    expectTypeOf(readPredictions).returns.resolves.toEqualTypeOf<TensorPredictions>();
    expectTypeOf(readPredictionsSync).returns.toEqualTypeOf<TensorPredictions>();
    expectTypeOf(tensorToLabels).returns.toEqualTypeOf<Int32Array>();
  });

  it('the result fits the core metrics’ inputs', () => {
    expectTypeOf(predictions.yTrue).toExtend<LabelInput>();
    expectTypeOf(predictions.yProb).toExtend<ProbabilityInput>();
    expectTypeOf(evaluationReport).toBeCallableWith({ ...predictions });
  });
});
