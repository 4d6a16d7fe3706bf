import { isFpdbError, RESIZE_POLICIES } from '@fpdb/schema';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseOptionValues } from './parse-option-values.js';

const table = {
  size: { type: 'integer', min: 1, max: 1024, default: 128, description: 'output side' },
  height: { type: 'integer', min: 1, description: 'output height' },
  rate: { type: 'number', min: 0, description: 'a rate' },
  policy: { type: 'enum', choices: RESIZE_POLICIES, default: 'stretch', description: 'resize policy' },
  out: { type: 'path', required: true, description: 'where to write' },
  md5: { type: 'string', pattern: /[0-9a-f]{32}/i, expected: '32 hex digits', description: 'checksum' },
  machines: { type: 'list', choices: ['Aloka', 'Voluson E6'], description: 'machines' },
  force: { type: 'boolean', description: 'overwrite' },
} as const;

function usageError(raw: Record<string, string | boolean | string[]>): { message: string; details: Record<string, unknown> } {
  try {
    parseOptionValues('cache', table, { out: 'x', ...raw });
  } catch (error) {
    if (isFpdbError(error, 'FPDB_USAGE')) return { message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected an FPDB_USAGE error');
}

describe('parseOptionValues', () => {
  it('fills defaults, converts numbers, splits lists and types the values from the table', () => {
    const values = parseOptionValues('cache', table, { out: 'dir', height: '64', rate: '2e-3', machines: ['Aloka,Voluson E6', 'Aloka'] });
    expect(values).toEqual({ size: 128, height: 64, rate: 0.002, policy: 'stretch', out: 'dir', md5: undefined, machines: ['Aloka', 'Voluson E6', 'Aloka'], force: false });
    expectTypeOf(values.size).toEqualTypeOf<number>();
    expectTypeOf(values.height).toEqualTypeOf<number | undefined>();
    expectTypeOf(values.policy).toEqualTypeOf<'stretch' | 'pad' | 'crop'>();
    expectTypeOf(values.out).toEqualTypeOf<string>();
    expectTypeOf(values.md5).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.machines).toEqualTypeOf<('Aloka' | 'Voluson E6')[]>();
    expectTypeOf(values.force).toEqualTypeOf<boolean>();
  });

  it('rejects an unknown choice, naming the flag, the value and the choices', () => {
    const e = usageError({ policy: 'zoom' });
    expect(e.message).toBe('--policy expects one of stretch, pad, crop; got "zoom". See fpdb cache --help.');
    expect(e.details).toEqual({ flag: '--policy', value: 'zoom', expected: 'one of stretch, pad, crop' });
  });

  it('rejects a non-integer, and a value below the minimum or above the maximum', () => {
    expect(usageError({ size: '1.5' }).message).toBe('--size expects an integer from 1 to 1024; got "1.5". See fpdb cache --help.');
    expect(usageError({ size: 'big' }).message).toContain('--size expects an integer from 1 to 1024; got "big".');
    expect(usageError({ size: '0' }).message).toContain('--size expects an integer from 1 to 1024; got "0".');
    expect(usageError({ size: '2048' }).details).toMatchObject({ flag: '--size', value: '2048' });
    expect(usageError({ height: '0' }).message).toContain('--height expects an integer ≥ 1; got "0".');
    expect(usageError({ rate: '-0.1' }).message).toContain('--rate expects a number ≥ 0; got "-0.1".');
    expect(usageError({ rate: 'fast' }).message).toContain('--rate expects a number ≥ 0; got "fast".');
  });

  it('rejects a missing required flag, an empty path, a pattern mismatch and an unknown list item', () => {
    expect(() => parseOptionValues('synth', table, {})).toThrow('--out expects PATH (it is required); got nothing. See fpdb synth --help.');
    expect(usageError({ out: '' }).message).toContain('--out expects a path; got "".');
    expect(usageError({ md5: 'xyz' }).message).toContain('--md5 expects 32 hex digits; got "xyz".');
    // The pattern must match the whole value.
    expect(usageError({ md5: `${'a'.repeat(32)}!` }).message).toContain('--md5 expects 32 hex digits');
    expect(usageError({ machines: ['Aloka,Siemens'] }).message).toContain('--machines expects a comma-separated list of Aloka, Voluson E6; got "Siemens".');
  });
});
