// Guards the published types of @fpdb/synth as users import them: synthetic records are schema records, generation (@fpdb/synth/node) needs an output folder, and the renderer (browser-safe root) speaks schema's vocabulary.
import { describe, expectTypeOf, it } from 'vitest';
import type * as schema from '@fpdb/schema';
import {
  type CSV_FILE,
  encodeGrayPng,
  formatCsv,
  planDataset,
  renderImage,
  type PlanOptions,
  type RenderRequest,
  type SizeEntry,
  type SynthMarker,
  type SynthPlan,
  type SynthRecord,
} from '@fpdb/synth';
import { generateDataset, type GenerateResult } from '@fpdb/synth/node';

declare const plan: SynthPlan;

describe('records', () => {
  it('a synthetic record is a schema record plus its image size', () => {
    expectTypeOf<SynthRecord>().toExtend<schema.FpdbRecord>();
    expectTypeOf<Omit<SynthRecord, keyof schema.FpdbRecord>>().toEqualTypeOf<{ width: number; height: number }>();
    expectTypeOf(formatCsv).toBeCallableWith(plan.records);
  });

  it('writes the release layout’s CSV name', () => {
    expectTypeOf<typeof CSV_FILE>().toEqualTypeOf<typeof schema.CSV_FILE>();
  });
});

describe('planning and generation', () => {
  it('planDataset returns records with sizes', () => {
    expectTypeOf(planDataset).parameters.toEqualTypeOf<[PlanOptions]>();
    expectTypeOf(planDataset).returns.toEqualTypeOf<SynthPlan>();
    expectTypeOf<SynthPlan['records']>().toEqualTypeOf<SynthRecord[]>();
  });

  it('generateDataset needs an output folder', () => {
    expectTypeOf(generateDataset).returns.resolves.toEqualTypeOf<GenerateResult>();
    expectTypeOf(generateDataset).toBeCallableWith({ outDir: '/tmp/synth', images: 60, seed: 1, size: { width: 256, height: 192 } });
    // @ts-expect-error outDir is required
    expectTypeOf(generateDataset).toBeCallableWith({ images: 60, seed: 1 });
    // @ts-expect-error size is { width, height }, not a number
    expectTypeOf(generateDataset).toBeCallableWith({ outDir: '/tmp/synth', size: 256 });
  });

  it('the folder marker names its generator', () => {
    expectTypeOf<SynthMarker['generator']>().toEqualTypeOf<'@fpdb/synth'>();
    expectTypeOf<SizeEntry>().toEqualTypeOf<readonly [width: number, height: number, weight: number]>();
  });
});

describe('rendering', () => {
  it('a render request uses schema’s label types', () => {
    expectTypeOf<Pick<RenderRequest, 'plane' | 'brainPlane' | 'usMachine' | 'operator'>>().toEqualTypeOf<Pick<schema.FpdbRecord, 'plane' | 'brainPlane' | 'usMachine' | 'operator'>>();
  });

  it('renders and encodes 8-bit gray pixels', () => {
    expectTypeOf(renderImage).returns.toEqualTypeOf<Uint8Array>();
    expectTypeOf(encodeGrayPng).parameters.toEqualTypeOf<[Uint8Array, number, number]>();
  });
});
