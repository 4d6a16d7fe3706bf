const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * The CLI's one number parser: a flag's text to a number, or `undefined` when the text is not a plain
 * decimal (`integer`: digits only; `number`: also a fraction and an exponent). Hex, `Infinity`, blanks
 * and unsafe integers are refused, unlike `Number()`.
 * @example parseNumber('32', 'integer') // 32
 * @example parseNumber('2e-3', 'number') // 0.002
 * @example parseNumber('1.5', 'integer') // undefined
 */
export function parseNumber(text: string, kind: 'integer' | 'number'): number | undefined {
  if (!(kind === 'integer' ? INTEGER : DECIMAL).test(text)) return undefined;
  const value = Number(text);
  if (kind === 'integer' ? !Number.isSafeInteger(value) : !Number.isFinite(value)) return undefined;
  return value;
}
