import type { ParseArgsConfig } from 'node:util';

/** The options table of a command, in `node:util` parseArgs form. `--json` and `--help` are added for every command. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What a command's `run` receives. */
export interface CommandContext {
  /** Positional arguments after the command name. */
  positionals: string[];
  /** Parsed option values (strings, booleans, or arrays for `multiple` options). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** `--json`: print exactly one JSON object on stdout and nothing else there (progress goes to stderr). */
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on Ctrl-C (SIGINT): long work should stop cleanly, keeping what it finished. */
  signal: AbortSignal;
}

/**
 * One `fpdb` subcommand. A file `src/commands/<name>.ts` that default-exports one of these is a command:
 * the registry is generated from the folder at build time.
 */
export interface CliCommand {
  /** The word after `fpdb`, e.g. `stats`. */
  name: string;
  /** One line for `fpdb --help`. */
  summary: string;
  /** Usage and option help, printed by `fpdb <name> --help`. */
  usage: string;
  options: CommandOptions;
  /** Returns the process exit code (0 on success). Throw FpdbError for bad input: the CLI prints it and exits 1. */
  run(context: CommandContext): Promise<number>;
}
