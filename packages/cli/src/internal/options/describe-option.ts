import type { OptionSpec } from '../../option-table.js';

const PLACEHOLDERS = { string: 'VALUE', path: 'PATH', integer: 'N', number: 'X', list: 'A,B' } as const;
/** Choice lists up to this long are spelled out as the placeholder (`stretch|pad|crop`). */
const INLINE_CHOICES = 24;

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

/**
 * What a flag's value looks like in `--help` and in messages: the declared placeholder, else the
 * choices when short (`stretch|pad|crop`), else one from the type (`N`, `X`, `PATH`…); `''` for booleans.
 * @example placeholderOf({ type: 'enum', choices: ['adam', 'sgd'], description: '' }) // 'adam|sgd'
 */
export function placeholderOf(spec: OptionSpec): string {
  if (spec.type === 'boolean') return '';
  if (spec.placeholder !== undefined) return spec.placeholder;
  if (spec.type === 'enum') {
    const inline = spec.choices.join('|');
    return inline.length <= INLINE_CHOICES ? inline : 'NAME';
  }
  return PLACEHOLDERS[spec.type];
}

/**
 * What a valid value is, in words, for FPDB_USAGE messages.
 * @example expectedOf({ type: 'integer', min: 1, max: 256, description: '' }) // 'an integer from 1 to 256'
 */
export function expectedOf(spec: OptionSpec): string {
  switch (spec.type) {
    case 'boolean':
      return 'no value';
    case 'integer':
      return `an integer${range(spec.min, spec.max)}`;
    case 'number':
      return `a number${range(spec.min, spec.max)}`;
    case 'enum':
      return `one of ${spec.choices.join(', ')}`;
    case 'list':
      return spec.choices ? `a comma-separated list of ${spec.choices.join(', ')}` : 'a comma-separated list';
    case 'path':
      return 'a path';
    case 'string':
      return spec.expected ?? (spec.pattern ? `text matching ${spec.pattern}` : 'a value');
  }
}

/**
 * The constraint `--help` adds after the description, or `''` when the placeholder already says it:
 * ranges (`1–256`, `≥ 0`), long choice lists, list choices and pattern meanings.
 * @example constraintOf({ type: 'integer', min: 0, description: '' }) // '≥ 0'
 */
export function constraintOf(spec: OptionSpec): string {
  switch (spec.type) {
    case 'integer':
    case 'number':
      if (spec.min !== undefined && spec.max !== undefined) return `${spec.min}–${spec.max}`;
      return range(spec.min, spec.max).trim();
    case 'enum':
      return placeholderOf(spec) === spec.choices.join('|') ? '' : `one of ${spec.choices.join(', ')}`;
    case 'list':
      return spec.choices ? `any of: ${spec.choices.join(', ')}` : '';
    case 'string':
      return spec.expected ?? '';
    default:
      return '';
  }
}
