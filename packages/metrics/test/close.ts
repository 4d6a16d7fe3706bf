import { expect } from 'vitest';

/** Decodes the golden file's "NaN"/"Infinity" strings. */
export function decode(x: unknown): unknown {
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  if (Array.isArray(x)) return x.map(decode);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, decode(v)]));
  return x;
}

/** Deep comparison with absolute tolerance (default 1e-9) on numbers; NaN equals NaN. */
export function expectClose(actual: unknown, expected: unknown, where: string, tol = 1e-9): void {
  const e = decode(expected);
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (typeof b === 'number') {
      expect(typeof a, `${where}${path}: type`).toBe('number');
      const x = a as number;
      if (Number.isNaN(b)) expect(Number.isNaN(x), `${where}${path}: expected NaN, got ${x}`).toBe(true);
      else if (!Number.isFinite(b)) expect(x, `${where}${path}`).toBe(b);
      else expect(Math.abs(x - b) <= tol * Math.max(1, Math.abs(b)), `${where}${path}: ${x} vs ${b}`).toBe(true);
      return;
    }
    if (Array.isArray(b)) {
      expect(Array.isArray(a) || ArrayBuffer.isView(a), `${where}${path}: expected an array`).toBe(true);
      const arr = Array.from(a as ArrayLike<unknown>);
      expect(arr.length, `${where}${path}: length`).toBe(b.length);
      b.forEach((v, i) => walk(arr[i], v, `${path}[${i}]`));
      return;
    }
    if (b !== null && typeof b === 'object') {
      expect(a !== null && typeof a === 'object', `${where}${path}: expected an object`).toBe(true);
      const ao = a as Record<string, unknown>;
      expect(Object.keys(ao).sort(), `${where}${path}: keys`).toEqual(Object.keys(b).sort());
      for (const [k, v] of Object.entries(b)) walk(ao[k], v, `${path}.${k}`);
      return;
    }
    expect(a, `${where}${path}`).toEqual(b);
  };
  walk(actual, e, '');
}
