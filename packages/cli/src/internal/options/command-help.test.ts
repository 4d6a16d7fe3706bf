import { RESIZE_POLICIES } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../command.js';
import { commandHelp, optionHelp } from './command-help.js';
import { parseArgsConfig } from './parse-args-config.js';

const demo = defineCommand({
  name: 'demo',
  summary: 'A command for the tests.',
  usage: 'fpdb demo <dir> [options]',
  description: ['Does nothing, helpfully.'],
  options: {
    size: { type: 'integer', min: 1, default: 128, description: 'output side' },
    policy: { type: 'enum', choices: RESIZE_POLICIES, default: 'stretch', description: 'how to fit' },
    architecture: { type: 'enum', choices: ['reference-cnn', 'resnet', 'densenet'], description: 'model family', defaultText: 'reference-cnn' },
    out: { type: 'path', placeholder: 'DIR', required: true, short: 'o', description: 'where to write' },
    force: { type: 'boolean', description: 'overwrite' },
  },
  examples: ['fpdb demo data --size 64'],
  async run() {
    return 0;
  },
});

describe('optionHelp', () => {
  it('lists every option in declaration order, aligned, with its range, choices and default, then --json and --help', () => {
    expect(optionHelp(demo.options)).toEqual([
      '  --size N                   output side (≥ 1) [default: 128]',
      '  --policy stretch|pad|crop  how to fit [default: stretch]',
      '  --architecture NAME        model family (one of reference-cnn, resnet, densenet) [default: reference-cnn]',
      '  -o, --out DIR              where to write [required]',
      '  --force                    overwrite',
      '  --json                     print one JSON object on stdout',
      '  -q, --quiet                print no progress, only results and errors',
      '  -h, --help                 print this help',
    ]);
  });

  it('wraps long descriptions under the description column, never splitting the default', () => {
    const lines = optionHelp({ note: { type: 'string', description: 'word '.repeat(40).trim(), defaultText: 'a long default text' } });
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(110);
    expect(lines.slice(1, -3).every((l) => l.startsWith(' '.repeat(14)))).toBe(true);
    expect(lines.some((l) => l.endsWith('[default: a long default text]'))).toBe(true);
  });
});

describe('commandHelp', () => {
  it('puts the synopsis, description, options and example together', () => {
    const help = commandHelp(demo);
    expect(help.startsWith('Usage: fpdb demo <dir> [options]\n\nDoes nothing, helpfully.\n\nOptions:\n  --size N ')).toBe(true);
    expect(help.endsWith('\n\nExample: fpdb demo data --size 64\n')).toBe(true);
  });
});

describe('parseArgsConfig', () => {
  it('reads every value as text, booleans as flags, lists as repeatable, and adds --json and --help', () => {
    expect(parseArgsConfig({ ...demo.options, list: { type: 'list', description: 'items' } })).toEqual({
      size: { type: 'string' },
      policy: { type: 'string' },
      architecture: { type: 'string' },
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean', default: false },
      list: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
  });

  it('refuses a table that declares --json or --help itself', () => {
    expect(() => parseArgsConfig({ json: { type: 'boolean', description: 'mine' } })).toThrow('--json is added to every command');
  });
});
