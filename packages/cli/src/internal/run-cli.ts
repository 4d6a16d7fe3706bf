import { parseArgs } from 'node:util';
import { isFpdbError } from '@fpdb/schema';
import type { CliCommand, CommandContext } from '../command.js';
import { commandHelp } from './options/command-help.js';
import { parseArgsConfig } from './options/parse-args-config.js';
import { parseOptionValues, type RawOptionValues } from './options/parse-option-values.js';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
}

function rootHelp(commands: readonly CliCommand[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    `fpdb ${version} — the FETAL_PLANES_DB toolkit (research use only, not a medical device)`,
    '',
    'Usage: fpdb <command> [options]   (every command takes --json and --help)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

/**
 * Runs one `fpdb` invocation: finds the command, parses its options from its table (`--json`, `--help`
 * for all), validates them, runs it, and turns errors into a message and an exit code (1 for bad input,
 * 2 for bad usage: an unknown flag, a bad flag value, FPDB_USAGE).
 */
export async function runCli(argv: readonly string[], commands: readonly CliCommand[], io: CliIo, version: string): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(rootHelp(commands, version));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`fpdb: unknown command ${JSON.stringify(name)}.\n\n${rootHelp(commands, version)}`);
    return 2;
  }
  const options = parseArgsConfig(command.options);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest as string[],
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`fpdb ${name}: ${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const json = Boolean(parsed.values.json);
  try {
    const context: CommandContext = {
      positionals: parsed.positionals,
      values: parseOptionValues(name, command.options, parsed.values as RawOptionValues),
      json,
      stdout: io.stdout,
      stderr: io.stderr,
      signal: io.signal ?? new AbortController().signal,
    };
    return await command.run(context);
  } catch (error) {
    if (isFpdbError(error)) {
      if (json) io.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } })}\n`);
      io.stderr.write(`fpdb ${name}: ${error.message}\n[${error.code}]\n`);
      return error.code === 'FPDB_USAGE' ? 2 : 1;
    }
    io.stderr.write(`fpdb ${name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
