import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { FpdbError, isFpdbError } from '@fpdb/schema';
import type { CliCommand, CommandContext, CommandSource, TextOutput } from '../command.js';
import { commandHelp } from './options/command-help.js';
import { didYouMean } from './options/did-you-mean.js';
import { parseArgsConfig } from './options/parse-args-config.js';
import { parseOptionValues, type RawOptionValues } from './options/parse-option-values.js';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: TextOutput;
  stderr: TextOutput;
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
  // `--out --images 3`: the next word is a flag, so parseArgs will not take it as the value.
  const flagAsValue = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(error.message);
  if (flagAsValue) return `${flagAsValue[1]} needs a value (the next word is a flag; write ${flagAsValue[1]}=VALUE for a value starting with -).`;
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(error.message);
  if (ambiguous) return `${ambiguous[1]} takes no value.`;
  return error.message.split('\n')[0]!.replace(/\.?$/, '.');
}

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Library options the command line spells otherwise: `{ overwrite: true }` is `--force`. */
const FLAG_ALIASES: Readonly<Record<string, string>> = { overwrite: 'force', cacheDir: 'cache-dir', keepZip: 'keep-zip' };

/** `{ key: value }` of a library message as a flag of the command, or undefined when it has none. */
function asFlag(command: Pick<CliCommand, 'options'>, key: string, value: string | undefined): string | undefined {
  const unquoted = value?.replace(/^'(.*)'$/, '$1');
  // `{ mode: 'lenient' }` is the boolean --lenient.
  if (key === 'mode' && unquoted !== undefined && command.options[unquoted]?.type === 'boolean') return `add --${unquoted}`;
  const flag = [kebab(key), FLAG_ALIASES[key]].find((f) => f !== undefined && f in command.options);
  if (flag === undefined) return undefined;
  if (command.options[flag]!.type === 'boolean') return value === 'false' ? `leave out --${flag}` : `add --${flag}`;
  return unquoted === undefined ? `add --${flag}` : `add --${flag} ${unquoted}`;
}

/**
 * A library message as the command line says it: `pass { overwrite: true }` becomes `add --overwrite`
 * when the command has that flag (`read it with { mode: 'lenient' }` becomes `add --lenient`); a clause
 * offering a library option the command has no flag for is dropped, so the message only names what a
 * user can type. A message that already starts with `fpdb <command>` is not prefixed again.
 */
export function cliMessage(command: Pick<CliCommand, 'name' | 'options'>, message: string): string {
  const text = message
    .replace(/\b(?:pass|use|read it with) \{ ?(\w+)(?:: ([^{}]+?))? ?\}(?: \(CLI: [^)]*\))?/g, (whole, key: string, value: string | undefined) => asFlag(command, key, value) ?? whole)
    // What is left names an option only the library has: drop the clause that offers it.
    .replace(/ ?\((?:pass|use) \{[^{}]*\}\)/g, '')
    .replace(/(?:[,;] ?| )(?:or )?(?:pass|use|read it with) \{[^{}]*\}(?: \(CLI: [^)]*\))?(?: (?:to|if|for) [^.\n]*)?(?=\.)/g, '');
  return text.startsWith(`fpdb ${command.name} `) || text.startsWith(`fpdb ${command.name}:`) ? text : `fpdb ${command.name}: ${text}`;
}

/** A Node system error (ENOENT, EACCES, ENOTDIR…): its errno code, the path and the call. */
function systemError(error: unknown): { errno: string; path?: string; syscall?: string } | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!(e instanceof Error) || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || (e.syscall === undefined && e.path === undefined)) return undefined;
  return { errno: e.code, ...(e.path === undefined ? {} : { path: e.path }), ...(e.syscall === undefined ? {} : { syscall: e.syscall }) };
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'is under a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists as a file',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be written: the disk is full',
};

/**
 * A file-system error a library let through (a path the user gave that is a file, unwritable, absent)
 * as an FpdbError: the path, what is wrong with it and what to do, never a stack trace.
 */
function fromSystemError(error: Error, sys: { errno: string; path?: string; syscall?: string }): FpdbError {
  const what = ERRNO_TEXT[sys.errno] ?? `cannot be used (${sys.errno})`;
  const where = sys.path ?? 'A path';
  return new FpdbError(
    sys.errno === 'ENOSPC' ? 'FPDB_NO_SPACE' : 'FPDB_INVALID_ARGUMENT',
    `${where} ${what} (${sys.syscall ?? 'file system'}, ${sys.errno}). Check the paths given on the command line, or pick another folder.`,
    {
      cause: error,
      details: { ...(sys.path === undefined ? {} : { file: sys.path }), errno: sys.errno, ...(sys.syscall === undefined ? {} : { syscall: sys.syscall }) },
    },
  );
}

/**
 * Prints an error the user caused: one message and its `[CODE]` on stderr, plus `tail` (the short usage
 * after a usage error); under `--json` also `{ "error": { code, message, details } }` on stdout. Returns
 * the exit code: 2 for FPDB_USAGE, else 1.
 */
function reportError(io: CliIo, json: boolean, code: string, message: string, details: unknown, tail = ''): number {
  if (json) io.stdout.write(`${JSON.stringify({ error: { code, message, details } })}\n`);
  io.stderr.write(`${message}\n[${code}]\n${tail}`);
  return code === 'FPDB_USAGE' ? 2 : 1;
}

/** Flags given more than once that take one value: the last would silently win, so they are refused. */
function repeatedFlag(tokens: ReturnType<typeof parseArgs>['tokens'], command: CliCommand): { flag: string; values: string[] } | undefined {
  const seen = new Map<string, string[]>();
  for (const t of tokens ?? []) {
    if (t.kind !== 'option') continue;
    const spec = command.options[t.name];
    if (spec === undefined || spec.type === 'boolean' || spec.type === 'list') continue;
    seen.set(t.name, [...(seen.get(t.name) ?? []), t.value ?? '']);
  }
  const [flag, values] = [...seen].find(([, v]) => v.length > 1) ?? [];
  return flag === undefined ? undefined : { flag, values: values! };
}

/** A stream that drops what is written: stderr under --quiet. */
function sink(): TextOutput {
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
  // Known before parsing succeeds, so a usage error is JSON too.
  const wantsJson = rest.includes('--json');
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(await rootHelp(commands, version));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const unknown = (typed: string): number => {
    const [line, ...tail] = unknownCommand(typed, commands).split('\n');
    return reportError(io, wantsJson || argv.includes('--json'), 'FPDB_USAGE', line!, { command: typed }, tail.join('\n'));
  };
  if (name === 'help') {
    const source = commands.find((c) => c.name === rest[0]);
    if (!source) return unknown(rest[0]!);
    io.stdout.write(commandHelp(await loadCommand(source)));
    return 0;
  }
  const source = commands.find((c) => c.name === name);
  if (!source) return unknown(name);
  const command = await loadCommand(source);
  const options = parseArgsConfig(command.options);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest as string[],
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    return reportError(io, wantsJson, 'FPDB_USAGE', `fpdb ${name}: ${parseErrorLine(error as Error, command)}`, { argv: rest }, shortUsage(command));
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const json = Boolean(parsed.values.json);
  const quiet = Boolean(parsed.values.quiet);
  const repeated = repeatedFlag(parsed.tokens, command);
  if (repeated) {
    const { flag, values } = repeated;
    const message = `fpdb ${name}: --${flag} is given ${values.length} times (${values.map((v) => JSON.stringify(v)).join(', ')}); give it once.`;
    return reportError(io, json, 'FPDB_USAGE', message, { flag: `--${flag}`, value: values }, shortUsage(command));
  }
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
  } catch (caught) {
    const sys = isFpdbError(caught) ? undefined : systemError(caught);
    const error = sys ? fromSystemError(caught as Error, sys) : caught;
    if (isFpdbError(error)) return reportError(io, json, error.code, cliMessage(command, error.message), error.details);
    io.stderr.write(`fpdb ${name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
