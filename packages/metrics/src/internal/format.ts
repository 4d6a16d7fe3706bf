/**
 * Formats like Python's `format(x, '.{d}f')`: the exact binary value rounded to d decimals, exact
 * ties to even (JavaScript's toFixed breaks ties upward).
 */
export function pyFixed(x: number, d: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(d);
  // A true tie has at most d + 1 decimals; the long expansion shows whether x is exactly one.
  const long = Math.abs(x).toFixed(Math.min(100, d + 60));
  const dot = long.indexOf('.');
  const tail = long.slice(dot + 1 + d);
  if (tail[0] === '5' && /^50*$/.test(tail)) {
    const down = (Math.sign(x) * (Math.floor(Math.abs(x) * 10 ** d) / 10 ** d)).toFixed(d);
    const lastDigit = Number(down[down.length - 1]);
    if (lastDigit % 2 === 0) return down;
  }
  return s;
}

/** Right-aligns text to a width, as Python's `{:>w}`. */
export function padLeft(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** Python `str()` of a number: integers without a decimal point for ints, repr for floats. */
export function pyNumber(x: number, integral: boolean): string {
  if (integral && Number.isInteger(x)) return String(x);
  if (Number.isInteger(x)) return `${x}.0`;
  return String(x);
}

/** Escapes a cell for a Markdown table. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Finite numbers pass; NaN and ±Infinity become null (JSON has no NaN). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
