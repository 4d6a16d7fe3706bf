import { describe, expect, it } from 'vitest';
import { realCsv, run } from '../../test/run.js';
import { cliMessage } from './run-cli.js';
import { commands } from '../commands/index.js';

describe('runCli with the option tables', () => {
  it('lists every option of every command in its --help, with its default', async () => {
    for (const command of await Promise.all(commands.map((c) => c.load()))) {
      const help = await run(command.name, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout.startsWith(`Usage: ${command.usage}\n`)).toBe(true);
      for (const [name, spec] of Object.entries(command.options)) {
        expect(help.stdout, `${command.name} --${name}`).toMatch(new RegExp(`^  (-\\w, )?--${name}\\b`, 'm'));
        const shown = spec.type === 'boolean' || spec.type === 'list' ? undefined : (spec.defaultText ?? spec.default);
        if (shown !== undefined) expect(help.stdout, `${command.name} --${name}`).toContain(`[default: ${shown}]`);
      }
      expect(help.stdout).toMatch(/^ {2}--json {2,}\S/m);
    }
  });

  it('exits 2 on a bad flag value with one message naming flag, value and expectation; --json gets the error object', async () => {
    const choice = await run('cache', '/nowhere', '--policy', 'zoom', '--json');
    expect(choice.code).toBe(2);
    expect(choice.stderr).toBe('fpdb cache: --policy expects one of stretch, pad, crop; got "zoom". See fpdb cache --help.\n[FPDB_USAGE]\n');
    expect(JSON.parse(choice.stdout)).toEqual({
      error: { code: 'FPDB_USAGE', message: expect.stringContaining('--policy'), details: { flag: '--policy', value: 'zoom', expected: 'one of stretch, pad, crop' } },
    });
    const notInteger = await run('synth', '--out', '/tmp/x', '--images', '12.5');
    expect(notInteger.code).toBe(2);
    expect(notInteger.stderr).toContain('--images expects an integer ≥ 1; got "12.5".');
    const belowMin = await run('augment-preview', 'a.png', '--out', 'b.png', '--draws', '0');
    expect(belowMin.code).toBe(2);
    expect(belowMin.stderr).toContain('--draws expects an integer from 1 to 256; got "0".');
    const badNumber = await run('train', '--learning-rate', 'fast');
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('--learning-rate expects a number; got "fast".');
  });

  it('prints help even when a value is bad', async () => {
    expect((await run('cache', '--size', 'x', '--help')).code).toBe(0);
  });

  it('answers an unknown flag with one line, a did-you-mean and the short usage, not the full help', async () => {
    const unknown = await run('cache', 'dir', '--sise', '64');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      'fpdb cache: unknown option --sise. Did you mean --size?\n[FPDB_USAGE]\nUsage: fpdb cache <dir> [--size N] [--policy stretch|pad|crop] [options]\nRun fpdb help cache for every option.\n',
    );
    const far = await run('train', '--banana');
    expect(far.stderr.split('\n')[0]).toBe('fpdb train: unknown option --banana.');
    const missing = await run('train', '--out');
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('fpdb train: --out needs a value.');
  });

  it('answers an unknown command with one line and a did-you-mean; fpdb help <command> prints its help', async () => {
    const typo = await run('trian');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('fpdb: unknown command "trian". Did you mean "train"?\n[FPDB_USAGE]\nUsage: fpdb <command> [options]\nRun fpdb --help for the list of commands.\n');
    const help = await run('help', 'cache');
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await run('cache', '--help')).stdout);
    expect(help.stdout.startsWith('Usage: fpdb cache ')).toBe(true);
    expect((await run('help', 'chache')).stderr).toContain('Did you mean "cache"?');
    const root = await run('help');
    expect(root.code).toBe(0);
    for (const c of commands) expect(root.stdout).toMatch(new RegExp(`^  ${c.name} +\\S`, 'm'));
  });

  it('--quiet drops the progress on stderr but keeps the result and the errors', async () => {
    const loud = await run('stats', realCsv);
    const quiet = await run('stats', realCsv, '--quiet');
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe(loud.stdout);
    expect(quiet.stderr).toBe('');
    const failing = await run('stats', '/nowhere/at/all.csv', '-q');
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/^fpdb stats: /);
  });
});

describe('cliMessage', () => {
  const command = { name: 'synth', options: { overwrite: { type: 'boolean', description: '' }, 'on-error': { type: 'enum', choices: ['skip'], description: '' } } } as const;
  it('says library options as flags and never doubles the prefix', () => {
    expect(cliMessage(command, 'out is not empty; pass { overwrite: true } to write over it.')).toBe('fpdb synth: out is not empty; add --overwrite to write over it.');
    expect(cliMessage(command, "pass { onError: 'skip' } to go on.")).toBe('fpdb synth: add --on-error skip to go on.');
    expect(cliMessage(command, 'pass { missing: true }')).toBe('fpdb synth: pass { missing: true }');
    expect(cliMessage(command, 'fpdb synth needs --out')).toBe('fpdb synth needs --out');
    expect(cliMessage(command, 'Choose a new folder, or pass { overwrite: true } (CLI: --force) to write into it.')).toBe('fpdb synth: Choose a new folder, or add --overwrite to write into it.');
  });
  it('says { mode: lenient } as --lenient and drops a clause offering an option the command has no flag for', () => {
    const stats = { name: 'stats', options: { lenient: { type: 'boolean', description: '' } } } as const;
    expect(cliMessage(stats, "f.csv has 1 problem.\nFix the file, or read it with { mode: 'lenient' } to use the valid rows.")).toBe(
      'fpdb stats: f.csv has 1 problem.\nFix the file, or add --lenient to use the valid rows.',
    );
    expect(cliMessage(stats, "Get the release, or pass { missing: 'skip' } to work on the 3 images present.")).toBe('fpdb stats: Get the release.');
    expect(cliMessage(stats, 'A folder holds the CSV; pass { csv } if the file is elsewhere.')).toBe('fpdb stats: A folder holds the CSV.');
    expect(cliMessage(stats, "Remove them, use the matching CSV, or pass { extra: 'ignore' }.")).toBe('fpdb stats: Remove them, use the matching CSV.');
  });
});
