import type { ParseArgsConfig } from 'node:util';
import type { OptionTable } from '../../option-table.js';

/** The options every command takes, added by the runner. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/**
 * A command's option table as `node:util` parseArgs options: every value is read as text (validated
 * afterwards), booleans default to false, lists repeat. `--json` and `--help` are added.
 * @throws Error when the table declares `json` or `help` (a programming error, caught by the tests).
 */
export function parseArgsConfig(table: OptionTable): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(table)) {
    if (name in COMMON_OPTIONS) throw new Error(`--${name} is added to every command; do not declare it.`);
    const short = spec.short === undefined ? {} : { short: spec.short };
    if (spec.type === 'boolean') options[name] = { type: 'boolean', default: false, ...short };
    else options[name] = { type: 'string', ...(spec.type === 'list' ? { multiple: true } : {}), ...short };
  }
  return { ...options, ...COMMON_OPTIONS };
}
