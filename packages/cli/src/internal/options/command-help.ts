import type { CliCommand } from '../../command.js';
import type { OptionSpec, OptionTable } from '../../option-table.js';
import { constraintOf, placeholderOf } from './describe-option.js';

/** Help lines are wrapped to this many columns. */
const WIDTH = 110;
/** A flag column wider than this puts its description on the next line. */
const MAX_FLAG_COLUMN = 32;

/** Wraps words (a word may hold spaces, e.g. `[default: the last one]`, and is never split) to `width`. */
function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    // A word longer than a line stays where it is rather than leaving a short line behind.
    if (line !== '' && line.length + 1 + word.length > width && word.length <= width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

function describe(spec: OptionSpec): string[] {
  const constraint = constraintOf(spec);
  const words = spec.description.split(' ');
  if (constraint !== '') words.push(`(${constraint})`);
  if (spec.type !== 'boolean' && spec.type !== 'list' && spec.required) words.push('[required]');
  const shown = spec.type === 'boolean' ? undefined : (spec.defaultText ?? ('default' in spec && spec.default !== undefined ? String(spec.default) : undefined));
  if (shown !== undefined) words.push(`[default: ${shown}]`);
  return words;
}

/**
 * The "Options:" lines of `--help` from a table, in declaration order, then `--json` and `--help`:
 * flag and placeholder in one aligned column, the description (with its range or choices, default and
 * whether required) in the next, wrapped.
 * @example optionHelp({ size: { type: 'integer', min: 1, default: 128, description: 'output side' } })
 * // ['  --size N     output side (≥ 1) [default: 128]', '  --json       print one JSON object on stdout', …]
 */
export function optionHelp(table: OptionTable, json = 'print one JSON object on stdout'): string[] {
  const rows: [string, string[]][] = Object.entries(table).map(([name, spec]) => {
    const placeholder = placeholderOf(spec);
    const flag = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${placeholder === '' ? '' : ` ${placeholder}`}`;
    return [flag, describe(spec)];
  });
  rows.push(['--json', json.split(' ')], ['-q, --quiet', 'print no progress, only results and errors'.split(' ')], ['-h, --help', ['print', 'this', 'help']]);
  const column = Math.min(MAX_FLAG_COLUMN, Math.max(...rows.map(([flag]) => flag.length)));
  const indent = ' '.repeat(2 + column + 2);
  return rows.flatMap(([flag, words]) => {
    const body = wrap(words, WIDTH - indent.length);
    if (flag.length > column) return [`  ${flag}`, ...body.map((l) => `${indent}${l}`)];
    return [`  ${flag.padEnd(column)}  ${body[0]}`, ...body.slice(1).map((l) => `${indent}${l}`)];
  });
}

/**
 * The whole `fpdb <name> --help` text of a command: synopsis, description, options, examples.
 * @example commandHelp(stats) // 'Usage: fpdb stats <dir|csv> [--lenient] [--json]\n\nReads …'
 */
export function commandHelp(command: CliCommand): string {
  const sections = [`Usage: ${command.usage}`];
  if (command.description && command.description.length > 0) sections.push(command.description.join('\n'));
  sections.push(['Options:', ...optionHelp(command.options, command.json)].join('\n'));
  const examples = command.examples ?? [];
  if (examples.length > 0) sections.push(examples.length === 1 ? `Example: ${examples[0]}` : ['Examples:', ...examples.map((e) => `  ${e}`)].join('\n'));
  return `${sections.join('\n\n')}\n`;
}
