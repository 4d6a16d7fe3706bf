import { FpdbError, isFpdbError } from '@fpdb/schema';
import { affine } from './affine.js';
import { brightness } from './brightness.js';
import { compose, oneOf, someOf } from './compose.js';
import { contrast } from './contrast.js';
import { cutMix } from './cut-mix.js';
import { elastic } from './elastic.js';
import { gamma } from './gamma.js';
import { gaussianBlur } from './gaussian-blur.js';
import { gaussianNoise } from './gaussian-noise.js';
import { horizontalFlip } from './horizontal-flip.js';
import { mixUp } from './mix-up.js';
import { randAugment, trivialAugment } from './policies.js';
import { randomErasing } from './random-erasing.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { rotate } from './rotate.js';
import { sharpen } from './sharpen.js';
import { speckleNoise } from './speckle-noise.js';
import type { Transform, TransformJSON } from './transform.js';

type Options = Record<string, unknown>;
type Build = (o: Options, path: string) => Transform;

// Factories validate their own options; `as never` hands them the untyped JSON to do so.
const LEAVES: Record<string, (o: never) => Transform> = {
  horizontalFlip,
  rotate,
  affine,
  randomResizedCrop,
  brightness,
  contrast,
  gamma,
  gaussianNoise,
  speckleNoise,
  gaussianBlur,
  sharpen,
  randomErasing,
  elastic,
  mixUp,
  cutMix,
  trivialAugment,
};

function children(o: Options, path: string, build: Build): Transform[] {
  if (!Array.isArray(o.transforms)) {
    throw new FpdbError('FPDB_PIPELINE', `${path}.transforms must be an array of transforms.`, { details: { path } });
  }
  return o.transforms.map((c: unknown, i) => build(c as Options, `${path}.transforms[${i}]`));
}

const NESTED: Record<string, (o: Options, path: string, build: Build) => Transform> = {
  compose: (o, p, b) => compose(children(o, p, b), { fanAware: o.fanAware as never }),
  oneOf: (o, p, b) => oneOf(children(o, p, b), { weights: o.weights as never, p: o.p as never }),
  someOf: (o, p, b) => someOf(o.k as never, children(o, p, b), { p: o.p as never }),
  randAugment: (o) => randAugment(o.n as never, o.m as never, o as never),
};

function build(json: Options, path: string): Transform {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof json.type !== 'string') {
    throw new FpdbError('FPDB_PIPELINE', `${path} must be an object with a string "type", got ${JSON.stringify(json)}.`, { details: { path } });
  }
  const { type, ...options } = json;
  const nested = NESTED[type];
  const leaf = LEAVES[type];
  if (!nested && !leaf) {
    throw new FpdbError('FPDB_PIPELINE', `${path}: unknown transform type "${type}". Known: ${[...Object.keys(LEAVES), ...Object.keys(NESTED)].sort().join(', ')}.`, {
      details: { path, value: type },
    });
  }
  let t: Transform;
  try {
    t = nested ? nested(json, path, build) : leaf!(options as never);
  } catch (e) {
    if (isFpdbError(e, 'FPDB_INVALID_ARGUMENT')) throw new FpdbError('FPDB_PIPELINE', `${path} (${type}): ${e.message}`, { cause: e, details: { path } });
    throw e;
  }
  // Unknown keys are typos: a silently ignored option would make a checkpoint lie about its augmentation.
  const known = new Set(Object.keys(t.toJSON()));
  for (const key of Object.keys(json)) {
    if (!known.has(key) && !(type === 'compose' && key === 'fanAware')) {
      throw new FpdbError('FPDB_PIPELINE', `${path} (${type}): unknown option "${key}". Known: ${[...known].join(', ')}.`, { details: { path, value: key } });
    }
  }
  return t;
}

/**
 * Rebuilds a pipeline from `pipeline.toJSON()` output (an object or its JSON text) — for checkpoint
 * metadata, so a run's augmentation can be reproduced exactly.
 * @throws FpdbError `FPDB_PIPELINE` for invalid JSON, an unknown type or option, or a bad option value
 *   (`details.path` says where, e.g. `$.transforms[2]`).
 * @example const same = pipelineFromJSON(JSON.stringify(ultrasoundDefaults().toJSON()));
 */
export function pipelineFromJSON(json: string | TransformJSON): Transform {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new FpdbError('FPDB_PIPELINE', `The pipeline is not valid JSON: ${(e as Error).message}.`, { cause: e });
    }
  }
  return build(value as Options, '$');
}
