import { describe, expect, it } from 'vitest';
import { run } from '../../test/run.js';
import { commands } from '../commands/index.js';

describe('runCli with the option tables', () => {
  it('lists every option of every command in its --help, with its default', async () => {
    for (const command of commands) {
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

  it('prints help even when a value is bad, and the help after an unknown flag', async () => {
    expect((await run('cache', '--size', 'x', '--help')).code).toBe(0);
    const unknown = await run('cache', 'dir', '--sise', '64');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--sise'");
    expect(unknown.stderr).toContain('  --size N ');
  });
});
