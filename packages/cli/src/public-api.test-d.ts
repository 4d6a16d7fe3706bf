// Guards the library entries of @fpdb/cli as users import them: runCli's signature and the command registry (@fpdb/cli/node), the read-only command registry, and defineCommand's inference of `run`'s option values from the command's option table.
import { describe, expectTypeOf, it } from 'vitest';
import { defineCommand, type CliCommand, type CommandContext, type CommandSource, type LazyCommand, type OptionValue } from '@fpdb/cli';
import { commands, runCli, type CliIo } from '@fpdb/cli/node';

const hello = defineCommand({
  name: 'hello',
  summary: 'Greets.',
  usage: 'fpdb hello [--times N] [--name NAME] [--tone calm|loud] [--dry] [--tag T…]',
  options: {
    times: { type: 'integer', min: 1, default: 1, description: 'how many greetings' },
    name: { type: 'string', description: 'whom to greet' },
    out: { type: 'path', required: true, description: 'where to write' },
    tone: { type: 'enum', choices: ['calm', 'loud'], description: 'how' },
    dry: { type: 'boolean', description: 'print only' },
    tag: { type: 'list', description: 'labels' },
  },
  async run({ values, stdout }) {
    expectTypeOf(values).toEqualTypeOf<{
      times: number;
      name: string | undefined;
      out: string;
      tone: 'calm' | 'loud' | undefined;
      dry: boolean;
      tag: string[];
    }>();
    // @ts-expect-error only options of the table have values
    stdout.write(values.nope);
    return 0;
  },
});

describe('@fpdb/cli', () => {
  it('runCli takes argv, the commands, the io streams and a version; resolves to an exit code', () => {
    expectTypeOf(runCli).parameters.toEqualTypeOf<[readonly string[], readonly CommandSource[], CliIo, string]>();
    expectTypeOf(runCli).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(runCli).toBeCallableWith(process.argv.slice(2), [...commands, hello], { stdout: process.stdout, stderr: process.stderr }, '0.1.0');
    expectTypeOf<CliIo['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    // @ts-expect-error stderr is required: progress and errors go there
    expectTypeOf(runCli).toBeCallableWith([], commands, { stdout: process.stdout }, '0.1.0');
  });

  it('the registry is read-only and a defined command fits it', () => {
    expectTypeOf(commands).toEqualTypeOf<readonly LazyCommand[]>();
    expectTypeOf(hello).toExtend<CliCommand>();
    // @ts-expect-error commands are added as files in src/commands, not at run time
    commands.push(hello);
  });

  it('a value is optional unless the option is boolean, a list, defaulted or required', () => {
    expectTypeOf<OptionValue<{ type: 'number'; description: string }>>().toEqualTypeOf<number | undefined>();
    expectTypeOf<OptionValue<{ type: 'number'; default: 0.5; description: string }>>().toEqualTypeOf<number>();
    expectTypeOf<OptionValue<{ type: 'list'; choices: readonly ['a', 'b']; description: string }>>().toEqualTypeOf<Array<'a' | 'b'>>();
  });

  it('a command resolves to an exit code and every option has a help line', () => {
    expectTypeOf<CliCommand['run']>().parameters.toEqualTypeOf<[CommandContext]>();
    expectTypeOf<CliCommand['run']>().returns.toEqualTypeOf<Promise<number>>();
    defineCommand({
      name: 'quiet',
      summary: 'Does nothing.',
      usage: 'fpdb quiet',
      // @ts-expect-error an option without a description would print an empty --help line
      options: { level: { type: 'integer' } },
      run: async () => 0,
    });
    // @ts-expect-error run must resolve to an exit code
    defineCommand({ name: 'void', summary: '', usage: '', options: {}, run: async () => {} });
  });
});
