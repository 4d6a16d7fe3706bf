import type { OptionTable, OptionValues } from './option-table.js';

/** Where a command writes text: `process.stdout`/`process.stderr`, or anything with `write` (tests). */
export interface TextOutput {
  write(text: string): unknown;
  /** A terminal (progress bars are redrawn in place). */
  isTTY?: boolean;
  columns?: number;
}

/** What a command's `run` receives. */
export interface CommandContext<T extends OptionTable = OptionTable> {
  /** Positional arguments after the command name. */
  positionals: string[];
  /** The option values, parsed and validated from the command's table (defaults filled in). */
  values: OptionValues<T>;
  /** `--json`: print exactly one JSON object on stdout and nothing else there (progress goes to stderr). */
  json: boolean;
  /** `--quiet`: progress and notes are dropped (`stderr` is a sink); errors still reach the terminal. */
  quiet: boolean;
  stdout: TextOutput;
  stderr: TextOutput;
  /** Aborted on Ctrl-C (SIGINT): long work should stop cleanly, keeping what it finished. */
  signal: AbortSignal;
}

/**
 * One `fpdb` subcommand. A file `src/commands/<name>.ts` that default-exports one of these is a command:
 * the registry is generated from the folder at build time. `fpdb <name> --help` is built from `usage`,
 * `description`, the option table and `examples`.
 */
export interface CliCommand<T extends OptionTable = OptionTable> {
  /** The word after `fpdb`, e.g. `stats`. */
  name: string;
  /** One line for `fpdb --help`. */
  summary: string;
  /** The synopsis printed after `Usage: `, e.g. `fpdb stats <dir|csv> [--lenient] [--json]`. */
  usage: string;
  /** What the command does, printed between the synopsis and the options (lines joined with newlines). */
  description?: readonly string[];
  /** The option table: flags, types, defaults, constraints and help lines. */
  options: T;
  /** The `--help` line of `--json`: what the one JSON object holds. */
  json?: string;
  /** Full command lines shown under `Example:`. */
  examples?: readonly string[];
  /** Returns the process exit code (0 on success). Throw FpdbError for bad input: the CLI prints it and exits 1 (2 for FPDB_USAGE). */
  run(context: CommandContext<T>): Promise<number>;
}

/**
 * Declares a command, inferring the types of `run`'s `values` from its option table.
 * @example
 * export default defineCommand({
 *   name: 'hello', summary: 'Greets.', usage: 'fpdb hello [--times N]',
 *   options: { times: { type: 'integer', min: 1, default: 1, description: 'how many greetings' } },
 *   async run({ values, stdout }) { stdout.write('hi\n'.repeat(values.times)); return 0; },
 * });
 */
export function defineCommand<const T extends OptionTable>(command: CliCommand<T>): CliCommand<T> {
  return command;
}

/**
 * A command the registry loads only when it runs: `fpdb --help` and the other commands then never load
 * its dependencies (tfjs, sharp, wasm). `summary` is read from the file at build time; when absent, the
 * root help loads the command to show it.
 */
export interface LazyCommand {
  name: string;
  summary?: string;
  load(): Promise<CliCommand>;
}

/** What {@link runCli} takes: commands defined in place, or registered lazily. */
export type CommandSource = CliCommand | LazyCommand;
