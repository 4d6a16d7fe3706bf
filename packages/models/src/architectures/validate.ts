import { FpdbError } from '@fpdb/schema';

/**
 * Checks that a config field is a positive integer.
 * @throws FpdbError FPDB_CONFIG naming the field and its value.
 */
export function positiveInt(value: unknown, what: string): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new FpdbError('FPDB_CONFIG', `${what} must be a positive integer but is ${JSON.stringify(value)}.`, { details: { value } });
  }
}

/**
 * Checks that an optional config field is a non-empty array of positive integers.
 * @throws FpdbError FPDB_CONFIG naming the field (or the bad element) and its value.
 */
export function intList(value: unknown, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) {
    throw new FpdbError('FPDB_CONFIG', `${what} must be a non-empty array of positive integers but is ${JSON.stringify(value)}.`, { details: { value } });
  }
  value.forEach((v, i) => positiveInt(v, `${what}[${i}]`));
}
