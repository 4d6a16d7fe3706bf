import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { isFpdbError } from '@fpdb/schema';
import type { CliCommand, CommandContext, CommandSource } from '../command.js';
import { commandHelp } from './options/command-help.js';
import { didYouMean } from './options/did-you-mean.js';
import { parseArgsConfig } from './options/parse-args-config.js';
import { parseOptionValues, type RawOptionValues } from './options/parse-option-values.js';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/** Words the runner answers itself; `help <command>` prints that command's help. */
const BUILT_INS = ['help'];

async function loadCommand(source: CommandSource): Promise<CliCommand> {
  if ('run' in source) return source;
  const command = await source.load();
  if (command.name !== source.name) throw new Error(`The command file ${source.name}.ts defines "${command.name}"; name the file after the command.`);
  return command;
}

async function rootHelp(commands: readonly CommandSource[], version: string): Promise<string> {
  const rows = await Promise.all(commands.map(async (c) => [c.name, c.summary ?? (await loadCommand(c)).summary] as const));
  rows.push(['help', 'Print the help of a command: fpdb help <command>.']);
  const width = Math.max(...rows.map(([name]) => name.length), 4);
  return [
    `fpdb ${version} — the FETAL_PLANES_DB toolkit (research use only, not a medical device)`,
    '',
    'Usage: fpdb <command> [options]   (every command takes --json, --quiet and --help)',
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Run fpdb help <command> for its options; fpdb completion bash|zsh|fish prints a completion script.',
    '',
  ].join('\n');
}

/** The two lines under a one-line error: the command's synopsis and where its full help is. */
function shortUsage(command: CliCommand): string {
  return `Usage: ${command.usage}\nRun fpdb help ${command.name} for every option.\n`;
}

function unknownCommand(name: string, commands: readonly CommandSource[]): string {
  const guess = didYouMean(name, [...commands.map((c) => c.name), ...BUILT_INS]);
  return `fpdb: unknown command ${JSON.stringify(name)}.${guess ? ` Did you mean ${JSON.stringify(guess)}?` : ''}\nUsage: fpdb <command> [options]\nRun fpdb --help for the list of commands.\n`;
}

/** parseArgs' error as one line for the command line, with a did-you-mean for an unknown flag. */
function parseErrorLine(error: Error & { code?: string }, command: CliCommand): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) {
    const typed = unknown[1]!;
    const flags = [...Object.keys(command.options), 'json', 'quiet', 'help'];
    const guess = typed.startsWith('--') ? didYouMean(typed.slice(2), flags) : undefined;
    return `unknown option ${typed}.${guess ? ` Did you mean --${guess}?` : ''}`;
  }
  const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(error.message);
  if (missing) return `${missing[1]} needs a value.`;
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(error.message);
  if (ambiguous) return `${ambiguous[1]} takes no value.`;
  return error.message.split('\n')[0]!.replace(/\.?$/, '.');
}

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * A library message as the command line says it: `pass { overwrite: true }` becomes `add --overwrite`
 * when the command has that flag, and a message that already starts with `fpdb <command>` is not
 * prefixed again.
 */
export function cliMessage(command: Pick<CliCommand, 'name' | 'options'>, message: string): string {
  const text = message.replace(/\bpass \{ ?(\w+): ([^{}]+?) ?\}/g, (whole, key: string, value: string) => {
    const flag = kebab(key);
    if (!(flag in command.options)) return whole;
    if (value === 'true') return `add --${flag}`;
    return `add --${flag} ${value.replace(/^'(.*)'$/, '$1')}`;
  });
  return text.startsWith(`fpdb ${command.name} `) || text.startsWith(`fpdb ${command.name}:`) ? text : `fpdb ${command.name}: ${text}`;
}

/** A stream that drops what is written: stderr under --quiet. */
function sink(): NodeJS.WritableStream {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

/**
 * Runs one `fpdb` invocation: finds the command (loading only that one), parses its options from its
 * table (`--json`, `--quiet`, `--help` for all), validates them, runs it, and turns errors into a message
 * and an exit code (1 for bad input, 2 for bad usage: an unknown command or flag, a bad flag value,
 * FPDB_USAGE). A usage error is one line, a did-you-mean where one fits, and the command's synopsis.
 */
export async function runCli(argv: readonly string[], commands: readonly CommandSource[], io: CliIo, version: string): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(await rootHelp(commands, version));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  if (name === 'help') {
    const source = commands.find((c) => c.name === rest[0]);
    if (!source) {
      io.stderr.write(unknownCommand(rest[0]!, commands));
      return 2;
    }
    io.stdout.write(commandHelp(await loadCommand(source)));
    return 0;
  }
  const source = commands.find((c) => c.name === name);
  if (!source) {
    io.stderr.write(unknownCommand(name, commands));
    return 2;
  }
  const command = await loadCommand(source);
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
    io.stderr.write(`fpdb ${name}: ${parseErrorLine(error as Error, command)}\n${shortUsage(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const json = Boolean(parsed.values.json);
  const quiet = Boolean(parsed.values.quiet);
  try {
    const context: CommandContext = {
      positionals: parsed.positionals,
      values: parseOptionValues(name, command.options, parsed.values as RawOptionValues),
      json,
      quiet,
      stdout: io.stdout,
      stderr: quiet ? sink() : io.stderr,
      signal: io.signal ?? new AbortController().signal,
    };
    return await command.run(context);
  } catch (error) {
    if (isFpdbError(error)) {
      const message = cliMessage(command, error.message);
      if (json) io.stdout.write(`${JSON.stringify({ error: { code: error.code, message, details: error.details } })}\n`);
      io.stderr.write(`${message}\n[${error.code}]\n`);
      return error.code === 'FPDB_USAGE' ? 2 : 1;
    }
    io.stderr.write(`fpdb ${name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
