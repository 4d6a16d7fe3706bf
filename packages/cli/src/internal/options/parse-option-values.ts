import { FpdbError } from '@fpdb/schema';
import type { OptionSpec, OptionTable, OptionValues } from '../../option-table.js';
import { expectedOf, placeholderOf } from './describe-option.js';
import { parseNumber } from './parse-number.js';

/** The raw values `node:util` parseArgs returns for a table built by `parseArgsConfig`. */
export type RawOptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * The one FPDB_USAGE message of the CLI for a bad flag value: names the flag, the value and what is
 * expected, e.g. `--size expects an integer ≥ 1; got "0". See fpdb cache --help.`
 */
export function optionError(command: string, flag: string, value: unknown, expected: string): FpdbError {
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  return new FpdbError('FPDB_USAGE', `--${flag} expects ${expected}; got ${got}. See fpdb ${command} --help.`, { details: { flag: `--${flag}`, value, expected } });
}

function parseOne(command: string, flag: string, spec: OptionSpec, raw: string): unknown {
  const bad = (): never => {
    throw optionError(command, flag, raw, expectedOf(spec));
  };
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n = parseNumber(raw, spec.type) ?? bad();
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) bad();
      return n;
    }
    case 'enum':
      return (spec.choices as readonly string[]).includes(raw) ? raw : bad();
    case 'path':
      return raw === '' ? bad() : raw;
    case 'string':
      return spec.pattern && !new RegExp(`^(?:${spec.pattern.source})$`, spec.pattern.flags).test(raw) ? bad() : raw;
    default:
      return raw;
  }
}

function parseList(command: string, flag: string, spec: OptionSpec & { type: 'list' }, raw: readonly string[]): string[] {
  const items = raw
    .flatMap((r) => r.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const choices: readonly string[] | undefined = spec.choices;
  const unknown = choices === undefined ? undefined : items.find((i) => !choices.includes(i));
  if (unknown !== undefined) throw optionError(command, flag, unknown, expectedOf(spec));
  return items;
}

/**
 * Validates parseArgs' raw text values against a command's table and converts them: numbers parsed and
 * range-checked, choices checked, lists split on commas, defaults filled in.
 * @throws FpdbError FPDB_USAGE naming the flag, the value and what is expected (the CLI exits 2).
 * @example parseOptionValues('cache', { size: { type: 'integer', min: 1, default: 128, description: '' } }, { size: '64' }) // { size: 64 }
 */
export function parseOptionValues<T extends OptionTable>(command: string, table: T, raw: RawOptionValues): OptionValues<T> {
  const values: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(table)) {
    const value = raw[flag];
    if (spec.type === 'boolean') values[flag] = value === true;
    else if (spec.type === 'list') values[flag] = parseList(command, flag, spec, (value ?? []) as string[]);
    else if (typeof value === 'string') values[flag] = parseOne(command, flag, spec, value);
    else if (spec.default !== undefined) values[flag] = spec.default;
    else if (spec.required) throw optionError(command, flag, undefined, `${placeholderOf(spec)} (it is required)`);
    else values[flag] = undefined;
  }
  return values as OptionValues<T>;
}
