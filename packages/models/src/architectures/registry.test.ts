import { describe, expect, expectTypeOf, it } from 'vitest';
import { isFpdbError } from '@fpdb/schema';
import type { ArchitectureName, ModelConfig } from './config.js';
import { ARCHITECTURES, architectureOf, isArchitectureName } from './registry.js';
import { resolveConfig } from './resolve-config.js';

describe('architecture registry', () => {
  it('ARCHITECTURES is the readonly tuple of the registered names, in registry order', () => {
    expect(ARCHITECTURES).toEqual(['reference-cnn', 'resnet', 'mobilenet-v2', 'densenet']);
    expect(Object.isFrozen(ARCHITECTURES)).toBe(true);
    expectTypeOf(ARCHITECTURES).toEqualTypeOf<readonly ['reference-cnn', 'resnet', 'mobilenet-v2', 'densenet']>();
    expectTypeOf<ArchitectureName>().toEqualTypeOf<ModelConfig['architecture']>();
  });

  it('every name looks up a family that resolves configs of that name', () => {
    for (const name of ARCHITECTURES) {
      expect(architectureOf(name).name).toBe(name);
      expect(resolveConfig({ architecture: name, numClasses: 2 }).architecture).toBe(name);
    }
  });

  it('isArchitectureName accepts exactly the registered names', () => {
    expect(ARCHITECTURES.every(isArchitectureName)).toBe(true);
    for (const value of ['vgg', 'ResNet', '', undefined, null, 3, {}, 'toString']) expect(isArchitectureName(value)).toBe(false);
  });

  it('an unknown name is FPDB_CONFIG and lists the names', () => {
    for (const value of ['vgg', 'toString', undefined]) {
      try {
        architectureOf(value);
        expect.unreachable();
      } catch (e) {
        expect(isFpdbError(e) && e.code).toBe('FPDB_CONFIG');
        expect((e as Error).message).toBe(`Unknown architecture ${JSON.stringify(value)}; use one of reference-cnn, resnet, mobilenet-v2, densenet.`);
      }
    }
  });
});
