// Guards the published types of @fpdb/schema (imported by package name, so the built .d.ts is what is checked): the label tuples, the preprocessing contract, the error codes and the parse/split signatures every other package builds on.
import { describe, expectTypeOf, it } from 'vitest';
import {
  DEFAULT_PREPROCESS,
  FpdbError,
  PLANES,
  RESIZE_POLICIES,
  SPLITS,
  TASKS,
  createRng,
  holdOutBy,
  isFpdbError,
  isResizePolicy,
  labelSpace,
  normalizeInto,
  parsePreprocess,
  safeParseRecord,
  validationSplit,
  type BrainPlane,
  type FpdbErrorCode,
  type FpdbRecord,
  type LabelSpace,
  type Normalization,
  type Operator,
  type Plane,
  type Preprocess,
  type RawRecord,
  type ResizePolicy,
  type SafeParseResult,
  type Split,
  type Task,
  type TrainValidationSplit,
  type UsMachine,
  type ValidationIssue,
} from '@fpdb/schema';

describe('label spaces are literal tuples', () => {
  it('PLANES keeps the release spellings in index order', () => {
    expectTypeOf(PLANES).toEqualTypeOf<readonly ['Fetal abdomen', 'Fetal brain', 'Fetal femur', 'Fetal thorax', 'Maternal cervix', 'Other']>();
  });

  it('TASKS and SPLITS are closed unions', () => {
    expectTypeOf(TASKS).toEqualTypeOf<readonly ['planes', 'brain', 'fine']>();
    expectTypeOf(SPLITS).toEqualTypeOf<readonly ['train', 'test']>();
  });

  it('a record carries the vocabulary types, not plain strings', () => {
    expectTypeOf<Pick<FpdbRecord, 'plane' | 'brainPlane' | 'usMachine' | 'operator' | 'split'>>().toEqualTypeOf<{
      plane: Plane;
      brainPlane: BrainPlane;
      usMachine: UsMachine;
      operator: Operator;
      split: Split;
    }>();
  });

  it('a label space names its task', () => {
    expectTypeOf(labelSpace).returns.toEqualTypeOf<LabelSpace>();
    expectTypeOf<LabelSpace['task']>().toEqualTypeOf<Task>();
  });
});

describe('the preprocessing contract', () => {
  it('RESIZE_POLICIES is the one list of policies', () => {
    expectTypeOf(RESIZE_POLICIES).toEqualTypeOf<readonly ['stretch', 'pad', 'crop']>();
    expectTypeOf(isResizePolicy).guards.toEqualTypeOf<ResizePolicy>();
  });

  it('a normalisation is a name or mean/std statistics', () => {
    expectTypeOf<Normalization>().toEqualTypeOf<'unit' | 'symmetric' | { mean: number; std: number }>();
  });

  it('a parsed Preprocess has every field required', () => {
    expectTypeOf<Preprocess>().toEqualTypeOf<{ height: number; width: number; policy: ResizePolicy; normalization: Normalization }>();
    expectTypeOf(DEFAULT_PREPROCESS).toEqualTypeOf<Pick<Preprocess, 'policy' | 'normalization'>>();
  });

  it('parsePreprocess needs only the size and fills the rest', () => {
    expectTypeOf(parsePreprocess).returns.toEqualTypeOf<Preprocess>();
    expectTypeOf(parsePreprocess).toBeCallableWith({ height: 224, width: 224, policy: 'pad', normalization: { mean: 0.5, std: 0.25 } });
    // @ts-expect-error width is required
    expectTypeOf(parsePreprocess).toBeCallableWith({ height: 224 });
    // @ts-expect-error 'fill' is not a resize policy
    expectTypeOf(parsePreprocess).toBeCallableWith({ height: 224, width: 224, policy: 'fill' });
  });

  it('normalizeInto reads uint8 pixels into a float32 buffer', () => {
    expectTypeOf(normalizeInto).parameters.toEqualTypeOf<[Uint8Array, Float32Array, number, Normalization?]>();
    // @ts-expect-error pixels are uint8, not already-normalised floats
    expectTypeOf(normalizeInto).toBeCallableWith(new Float32Array(4), new Float32Array(4), 0);
  });
});

describe('errors and validation results', () => {
  it('error codes are a closed union', () => {
    expectTypeOf<FpdbError['code']>().toEqualTypeOf<FpdbErrorCode>();
    expectTypeOf<ValidationIssue['code']>().toEqualTypeOf<FpdbErrorCode>();
    // @ts-expect-error an unknown code is refused at compile time
    new FpdbError('FPDB_NOT_A_CODE', 'message');
  });

  it('isFpdbError narrows and takes an optional code', () => {
    expectTypeOf(isFpdbError).guards.toEqualTypeOf<FpdbError>();
    expectTypeOf(isFpdbError).parameter(1).toEqualTypeOf<FpdbErrorCode | undefined>();
  });

  it('safeParseRecord returns a result discriminated by ok', () => {
    expectTypeOf(safeParseRecord).parameter(0).toEqualTypeOf<RawRecord>();
    expectTypeOf(safeParseRecord).returns.toEqualTypeOf<SafeParseResult<FpdbRecord>>();
    const result = safeParseRecord({});
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<FpdbRecord>();
    else expectTypeOf(result.issues).toEqualTypeOf<ValidationIssue[]>();
  });
});

describe('seeded splits', () => {
  it('createRng takes a number or string seed', () => {
    expectTypeOf(createRng).parameter(0).toEqualTypeOf<number | string>();
  });

  it('validationSplit options are optional and return train/validation', () => {
    expectTypeOf(validationSplit).toBeCallableWith([] as FpdbRecord[]);
    expectTypeOf(validationSplit).returns.toEqualTypeOf<TrainValidationSplit>();
  });

  it('holdOutBy pairs each key with its own vocabulary', () => {
    expectTypeOf(holdOutBy).toBeCallableWith([], { key: 'usMachine', values: ['Voluson S10', 'Other'] });
    expectTypeOf(holdOutBy).toBeCallableWith([], { key: 'operator', values: ['Op. 3'] });
    // @ts-expect-error 'Aloka' is a US machine, not an operator
    expectTypeOf(holdOutBy).toBeCallableWith([], { key: 'operator', values: ['Aloka'] });
  });
});
