import { describe, expect, it } from 'vitest';
import { parseNumber } from './parse-number.js';

describe('parseNumber', () => {
  it('reads integers, signs included', () => {
    expect(parseNumber('32', 'integer')).toBe(32);
    expect(parseNumber('-7', 'integer')).toBe(-7);
    expect(parseNumber('+3', 'integer')).toBe(3);
  });

  it('refuses what Number() lets through for an integer flag', () => {
    for (const text of ['1.5', '1e3', '0x10', '', ' 4', 'Infinity', 'many', '9007199254740993']) expect(parseNumber(text, 'integer'), text).toBeUndefined();
  });

  it('reads decimals and exponents as numbers, and refuses the rest', () => {
    expect(parseNumber('2e-3', 'number')).toBe(0.002);
    expect(parseNumber('.5', 'number')).toBe(0.5);
    expect(parseNumber('-1.25', 'number')).toBe(-1.25);
    for (const text of ['', '.', '1e', 'NaN', 'Infinity', '0x1', '1,5', '1e999']) expect(parseNumber(text, 'number'), text).toBeUndefined();
  });
});
