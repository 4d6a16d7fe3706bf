import { FpdbError } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { reviveError, serializeError } from './error-transport.js';

describe('serializeError / reviveError', () => {
  it('round-trips an FpdbError through structured clone with its code, details, stack and causes', () => {
    const original = new FpdbError('FPDB_CSV_VALUE', 'bad plane', { details: { file: 'a.csv', line: 3, column: 'Plane' }, cause: new RangeError('out of range') });
    const revived = reviveError(structuredClone(serializeError(original)));
    expect(revived).toBeInstanceOf(FpdbError);
    expect(revived).toMatchObject({ code: 'FPDB_CSV_VALUE', message: 'bad plane', details: { file: 'a.csv', line: 3, column: 'Plane' } });
    expect(revived.stack).toBe(original.stack);
    expect(revived.cause).toBeInstanceOf(Error);
    expect(revived.cause).toMatchObject({ name: 'RangeError', message: 'out of range' });
  });

  it('carries thrown non-errors as their text and cuts cyclic cause chains', () => {
    expect(reviveError(serializeError('just a string'))).toMatchObject({ name: 'Error', message: 'just a string' });
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    let depth = 0;
    for (let e: unknown = reviveError(structuredClone(serializeError(a))); e instanceof Error; e = e.cause) depth++;
    expect(depth).toBe(9);
  });
});
