import { FpdbError } from '@fpdb/schema';
import type { Architecture } from './architecture.js';
import type { ModelConfig } from './config.js';
import { denseNet } from './densenet.js';
import { mobileNetV2 } from './mobilenet-v2.js';
import { referenceCnn } from './reference-cnn.js';
import { resnet } from './resnet.js';

// The one list of families. A new architecture is one file (config type, resolve, define) and one
// entry here; ModelConfig, ARCHITECTURES, resolveConfig and createModel follow from this tuple.
const REGISTRY = [referenceCnn, resnet, mobileNetV2, denseNet] as const;

/** The config type a family accepts, e.g. `ConfigOf<typeof resnet>` = ResNetConfig. */
export type ConfigOf<A> = A extends Architecture<infer C> ? C : never;

/** The configs of every registered family (a union discriminated by `architecture`). */
export type RegisteredConfig = ConfigOf<(typeof REGISTRY)[number]>;

type NamesOf<R extends readonly { readonly name: string }[]> = { readonly [K in keyof R]: R[K]['name'] };

/**
 * The names of the architectures, in registry order: the one list to validate or offer names from.
 * @example ARCHITECTURES.join(' | ') // 'reference-cnn | resnet | mobilenet-v2 | densenet'
 */
export const ARCHITECTURES = Object.freeze(REGISTRY.map((a) => a.name)) as unknown as NamesOf<typeof REGISTRY>;

/** The name of an architecture: one of {@link ARCHITECTURES}. */
export type ArchitectureName = (typeof ARCHITECTURES)[number];

/**
 * Whether a value names a registered architecture.
 * @example isArchitectureName('resnet') // true; isArchitectureName('vgg') // false
 */
export function isArchitectureName(value: unknown): value is ArchitectureName {
  return ARCHITECTURES.includes(value as never);
}

const BY_NAME: ReadonlyMap<string, Architecture<ModelConfig>> = new Map(REGISTRY.map((a) => [a.name, a]));

/**
 * The family registered under a name (a config's `architecture` field).
 * @throws FpdbError FPDB_CONFIG for a name that is not in {@link ARCHITECTURES}.
 * @example architectureOf('resnet').resolve({ architecture: 'resnet', numClasses: 6 }, [128, 128])
 */
export function architectureOf(name: unknown): Architecture<ModelConfig> {
  const architecture = typeof name === 'string' ? BY_NAME.get(name) : undefined;
  if (!architecture) {
    throw new FpdbError('FPDB_CONFIG', `Unknown architecture ${JSON.stringify(name)}; use one of ${ARCHITECTURES.join(', ')}.`, { details: { value: name } });
  }
  return architecture;
}
