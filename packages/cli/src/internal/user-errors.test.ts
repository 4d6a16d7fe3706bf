import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSV_FILE, IMAGES_DIR } from '@fpdb/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { realDir, run } from '../../test/run.js';

// Every error a careless or hostile user can cause: one FpdbError with a code, one message on stderr
// (never a stack trace), exit 1 (2 for usage), and under --json exactly one `{ "error": … }` on stdout.

const T = mkdtempSync(join(tmpdir(), 'fpdb-user-errors-'));
const p = (...parts: string[]): string => join(T, ...parts);
const IMAGE = 'Patient00012_Plane1_16_of_16';
const HEADER = 'Image_name;Patient_num;Plane;Brain_plane;Operator;US_Machine;Train ';
const ROW = `${IMAGE};12;Other;Not A Brain;Other;Aloka;1 `;

/** A release folder: `rows` as its CSV, `images` copied from the real fixtures into Images/. */
function release(name: string, rows: string[], images: string[]): string {
  mkdirSync(p(name, IMAGES_DIR), { recursive: true });
  writeFileSync(p(name, CSV_FILE), `${[HEADER, ...rows].join('\n')}\n`);
  for (const image of images) copyFileSync(join(realDir, IMAGES_DIR, `${image}.png`), p(name, IMAGES_DIR, `${image}.png`));
  return p(name);
}

beforeAll(() => {
  writeFileSync(p('afile'), 'x\n');
  writeFileSync(p('bad.json'), '{"a":');
  mkdirSync(p('empty'));
  mkdirSync(p('occupied'));
  writeFileSync(p('occupied', 'notes.txt'), 'mine\n');
  mkdirSync(p('nocsv', IMAGES_DIR), { recursive: true });
  mkdirSync(p('folder.png'));
  release('bad-header', [], []);
  writeFileSync(p('bad-header', CSV_FILE), 'Image_name;Patient_num\nfoo;1\n');
  release('missing', [ROW, ROW.replace('16_of_16', '15_of_16')], [IMAGE]);
  release('bad-row', [ROW, ROW.replace(IMAGE, 'Patient00012_Plane1_15_of_16').replace('Other;Not', 'Banana;Not')], [IMAGE]);
  release('extra', [ROW], [IMAGE, 'Patient00013_Plane1_1_of_20']);
});

interface Case {
  argv: () => string[];
  code: string;
  exit?: 1 | 2;
  /** Text the message must hold (a flag it suggests, the path it names). */
  says?: string[];
}

const CASES: Record<string, Case> = {
  // argument parsing
  'an unknown command': { argv: () => ['trian'], code: 'FPDB_USAGE', exit: 2, says: ['Did you mean "train"?'] },
  'help on an unknown command': { argv: () => ['help', 'nosuch'], code: 'FPDB_USAGE', exit: 2 },
  'an unknown flag': { argv: () => ['stats', realDir, '--sise'], code: 'FPDB_USAGE', exit: 2, says: ['unknown option --sise'] },
  'a flag without its value': { argv: () => ['train', '--out'], code: 'FPDB_USAGE', exit: 2, says: ['--out needs a value'] },
  'a flag whose value is another flag': { argv: () => ['synth', '--out', '--images', '3'], code: 'FPDB_USAGE', exit: 2, says: ['--out needs a value'] },
  'a value given to a boolean flag': { argv: () => ['stats', realDir, '--lenient=yes'], code: 'FPDB_USAGE', exit: 2, says: ['--lenient takes no value'] },
  'a repeated flag': { argv: () => ['synth', '--out', p('a'), '--out', p('b'), '--images', '1'], code: 'FPDB_USAGE', exit: 2, says: ['--out is given 2 times'] },
  'a bad choice': { argv: () => ['cache', realDir, '--missing', 'maybe'], code: 'FPDB_USAGE', exit: 2, says: ['--missing expects one of skip, error'] },
  'a number that is not one': { argv: () => ['compare', 'a', 'b', '--bootstrap', 'lots'], code: 'FPDB_USAGE', exit: 2, says: ['--bootstrap'] },
  'a positional to train': { argv: () => ['train', 'data'], code: 'FPDB_USAGE', exit: 2 },
  'a positional to synth': { argv: () => ['synth', 'data', '--out', p('s'), '--images', '1'], code: 'FPDB_USAGE', exit: 2 },
  'a positional to download': { argv: () => ['download', 'data', '--out', p('d')], code: 'FPDB_USAGE', exit: 2 },
  'two folders to stats': { argv: () => ['stats', realDir, realDir], code: 'FPDB_USAGE', exit: 2 },
  'no folder to cache': { argv: () => ['cache'], code: 'FPDB_USAGE', exit: 2 },
  'a missing required flag': { argv: () => ['synth', '--images', '1'], code: 'FPDB_USAGE', exit: 2, says: ['--out'] },
  'an unknown weights action': { argv: () => ['weights', 'frob', 'x'], code: 'FPDB_USAGE', exit: 2 },
  'an unknown shell': { argv: () => ['completion', 'tcsh'], code: 'FPDB_USAGE', exit: 2 },
  'a dataset URL that is no URL': { argv: () => ['download', '--url', 'notaurl', '--out', p('d')], code: 'FPDB_USAGE', exit: 2, says: ['--url expects an http:// or https:// URL'] },
  'a weights URL on ftp': { argv: () => ['weights', 'pull', 'resnet18', '--url', 'ftp://x', '--out', p('w')], code: 'FPDB_USAGE', exit: 2, says: ['--url'] },

  // dataset folders and CSVs
  'stats of a path that does not exist': { argv: () => ['stats', p('nope')], code: 'FPDB_DATASET_NOT_FOUND', says: [p('nope')] },
  'stats of a folder without the CSV': { argv: () => ['stats', p('nocsv')], code: 'FPDB_CSV_READ' },
  'stats of a CSV with a bad header': { argv: () => ['stats', p('bad-header', CSV_FILE)], code: 'FPDB_CSV_HEADER' },
  'stats of a CSV with a bad row': { argv: () => ['stats', p('bad-row')], code: 'FPDB_CSV_INVALID', says: ['add --lenient'] },
  'cache of a path that does not exist': { argv: () => ['cache', p('nope')], code: 'FPDB_DATASET_NOT_FOUND' },
  'cache of a file': { argv: () => ['cache', p('afile')], code: 'FPDB_DATASET_NOT_FOUND' },
  'cache of a folder without the CSV': { argv: () => ['cache', p('nocsv')], code: 'FPDB_DATASET_NOT_FOUND', says: [CSV_FILE] },
  'cache of a CSV with a bad header': { argv: () => ['cache', p('bad-header')], code: 'FPDB_CSV_HEADER' },
  'cache of a CSV with a bad row': { argv: () => ['cache', p('bad-row')], code: 'FPDB_CSV_INVALID', says: ['add --lenient'] },
  'cache --missing error with an image missing': { argv: () => ['cache', p('missing'), '--missing', 'error'], code: 'FPDB_IMAGE_MISSING', says: ['add --missing skip'] },
  'cache of a folder with unlisted PNGs': { argv: () => ['cache', p('extra')], code: 'FPDB_CSV_MISMATCH', says: ['add --extra ignore'] },
  'cache into a file': { argv: () => ['cache', realDir, '--cache-dir', p('afile'), '--size', '8'], code: 'FPDB_CACHE' },
  'audit of a folder without the CSV': { argv: () => ['audit', p('nocsv'), '--out', p('audit')], code: 'FPDB_DATASET_NOT_FOUND' },
  'train into a folder of other files': { argv: () => ['train', '--out', p('occupied')], code: 'FPDB_OUTPUT_NOT_EMPTY', says: ['notes.txt', '--force'] },
  'train on a folder with unlisted PNGs': { argv: () => ['train', '--data', p('extra'), '--out', p('run-extra')], code: 'FPDB_CSV_MISMATCH', says: ['add --extra ignore'] },
  'train on a damaged CSV': { argv: () => ['train', '--data', p('bad-row'), '--out', p('run-bad-row')], code: 'FPDB_CSV_INVALID', says: ['add --lenient'] },
  'audit of a folder with unlisted PNGs': { argv: () => ['audit', p('extra'), '--out', p('audit')], code: 'FPDB_CSV_MISMATCH', says: ['add --extra ignore'] },
  'audit of a CSV with a bad row': { argv: () => ['audit', p('bad-row'), '--out', p('audit')], code: 'FPDB_CSV_INVALID', says: ['add --lenient'] },
  'train on a folder that does not exist': { argv: () => ['train', '--data', p('nope'), '--out', p('run-nope')], code: 'FPDB_DATASET_NOT_FOUND' },
  'train on a CSV with a bad header': { argv: () => ['train', '--data', p('bad-header'), '--out', p('run-bad')], code: 'FPDB_CSV_HEADER' },

  // output paths
  'audit --out a file': { argv: () => ['audit', realDir, '--out', p('afile')], code: 'FPDB_OUTPUT_NOT_EMPTY', says: ['--out'] },
  'synth --out a file': { argv: () => ['synth', '--out', p('afile'), '--images', '1'], code: 'FPDB_OUTPUT_NOT_EMPTY' },
  'synth --out under a file': { argv: () => ['synth', '--out', p('afile', 'x'), '--images', '1'], code: 'FPDB_INVALID_ARGUMENT', says: ['is a file, not a folder'] },
  'train --out a file': { argv: () => ['train', '--out', p('afile')], code: 'FPDB_OUTPUT_NOT_EMPTY' },
  'train --out under a file': { argv: () => ['train', '--out', p('afile', 'run'), '--data', realDir], code: 'FPDB_INVALID_ARGUMENT' },
  'eval --out a file': { argv: () => ['eval', p('empty'), '--out', p('afile')], code: 'FPDB_OUTPUT_NOT_EMPTY' },
  'compare --out a file': { argv: () => ['compare', p('empty'), p('empty'), '--out', p('afile')], code: 'FPDB_OUTPUT_NOT_EMPTY' },
  'augment-preview --out a folder': { argv: () => ['augment-preview', realDir, '--out', p('empty')], code: 'FPDB_OUTPUT_NOT_EMPTY' },
  'augment-preview --out under a file': { argv: () => ['augment-preview', join(realDir, IMAGES_DIR), '--out', p('afile', 'grid.png')], code: 'FPDB_INVALID_ARGUMENT' },
  'download --out a file': { argv: () => ['download', '--out', p('afile'), '--zip', p('afile')], code: 'FPDB_OUTPUT_NOT_EMPTY' },
  'weights import --out a file': { argv: () => ['weights', 'import', p('afile'), '--architecture', 'resnet18', '--out', p('afile')], code: 'FPDB_OUTPUT_NOT_EMPTY' },

  // config, pipeline and augmentation files
  'train --config that does not exist': { argv: () => ['train', '--config', p('nope.json')], code: 'FPDB_CONFIG', says: [p('nope.json')] },
  'train --config with malformed JSON': { argv: () => ['train', '--config', p('bad.json')], code: 'FPDB_CONFIG' },
  'train --augment that does not exist': { argv: () => ['train', '--augment', p('nope.json')], code: 'FPDB_PIPELINE', says: ['--augment'] },
  'train --augment with malformed JSON': { argv: () => ['train', '--augment', p('bad.json')], code: 'FPDB_PIPELINE', says: ['not valid JSON'] },
  'augment-preview --pipeline that does not exist': { argv: () => ['augment-preview', realDir, '--out', p('g.png'), '--pipeline', p('nope.json')], code: 'FPDB_PIPELINE' },
  'augment-preview --pipeline with malformed JSON': { argv: () => ['augment-preview', realDir, '--out', p('g.png'), '--pipeline', p('bad.json')], code: 'FPDB_PIPELINE' },
  'augment-preview --pipeline inline and malformed': { argv: () => ['augment-preview', realDir, '--out', p('g.png'), '--pipeline', '{"a":'], code: 'FPDB_PIPELINE' },

  // images, checkpoints, runs, zips, weights
  'augment-preview of an image that does not exist': { argv: () => ['augment-preview', p('nope.png'), '--out', p('g.png')], code: 'FPDB_IMAGE_MISSING' },
  'augment-preview of an "image" that is a folder': { argv: () => ['augment-preview', p('folder.png'), '--out', p('g.png')], code: 'FPDB_IMAGE_MISSING' },
  'eval of a checkpoint that does not exist': { argv: () => ['eval', p('nope')], code: 'FPDB_CHECKPOINT' },
  'eval of a checkpoint that is a file': { argv: () => ['eval', p('afile')], code: 'FPDB_CHECKPOINT' },
  'predict with a checkpoint that is a file': { argv: () => ['predict', p('afile'), join(realDir, IMAGES_DIR)], code: 'FPDB_CHECKPOINT' },
  'compare of folders that are not runs': { argv: () => ['compare', p('nope'), p('empty'), '--out', p('cmp')], code: 'FPDB_CONFIG' },
  'download --zip that does not exist': { argv: () => ['download', '--out', p('dl'), '--zip', p('nope.zip')], code: 'FPDB_DOWNLOAD' },
  'download --zip that is not a zip': { argv: () => ['download', '--out', p('dl'), '--zip', p('bad.json')], code: 'FPDB_DOWNLOAD' },
  'weights pull of an unknown network': { argv: () => ['weights', 'pull', 'nosuchnet', '--out', p('w')], code: 'FPDB_CONFIG' },
  'weights import of a file that does not exist': { argv: () => ['weights', 'import', p('nope.pth'), '--architecture', 'resnet18', '--out', p('w2')], code: 'FPDB_WEIGHTS_FORMAT' },
  'weights import of a file that is no weights': { argv: () => ['weights', 'import', p('afile'), '--architecture', 'resnet18', '--out', p('w2')], code: 'FPDB_WEIGHTS_FORMAT' },
};

/** A library option in a message (`pass { missing: 'skip' }`): a CLI user cannot type it. */
const LIBRARY_OPTION = /\b(?:pass|use|with) \{|\w+\(\{/;

describe('every error a user can cause', () => {
  it.each(Object.entries(CASES))('%s', async (_name, c) => {
    const exit = c.exit ?? 1;
    const plain = await run(...c.argv());
    expect(plain.code).toBe(exit);
    expect(plain.stdout).toBe('');
    // Progress may come first; the error is the last thing said, prefixed with the command.
    expect(plain.stderr).toMatch(/(^|\n)fpdb[ :]/);
    expect(plain.stderr).toContain(`\n[${c.code}]\n`);
    expect(plain.stderr).not.toMatch(/unexpected error|\n\s+at /);

    const json = await run(...c.argv(), '--json');
    expect(json.code).toBe(exit);
    const lines = json.stdout.split('\n');
    expect(lines.length, json.stdout).toBe(2);
    expect(lines[1]).toBe('');
    const parsed = JSON.parse(lines[0]!) as { error: { code: string; message: string } };
    expect(Object.keys(parsed)).toEqual(['error']);
    expect(parsed.error.code).toBe(c.code);
    const { message } = parsed.error;
    // The same one message on stderr, then its code.
    expect(json.stderr.endsWith(`${message}\n[${c.code}]\n`) || json.stderr.includes(`${message}\n[${c.code}]\nUsage: `)).toBe(true);
    expect(message).not.toMatch(LIBRARY_OPTION);
    for (const s of c.says ?? []) expect(message).toContain(s);
  });

  it('the flags the messages suggest exist and work: --lenient, --missing skip, --extra ignore', async () => {
    const lenient = await run('cache', p('bad-row'), '--lenient', '--size', '8', '--json');
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(JSON.parse(lenient.stdout)).toMatchObject({ images: 1 });
    const skip = await run('cache', p('missing'), '--missing', 'skip', '--size', '8', '--json');
    expect(skip.code, skip.stderr).toBe(0);
    expect(JSON.parse(skip.stdout)).toMatchObject({ images: 1, missingImages: 1 });
    const ignore = await run('cache', p('extra'), '--extra', 'ignore', '--size', '8', '--json');
    expect(ignore.code, ignore.stderr).toBe(0);
    expect(JSON.parse(ignore.stdout)).toMatchObject({ images: 1 });
  });

  it.skipIf(process.getuid?.() === 0)('refuses an output folder that is not writable, naming it', async () => {
    const locked = p('locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      const r = await run('synth', '--out', join(locked, 'out'), '--images', '1', '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'FPDB_INVALID_ARGUMENT', message: expect.stringContaining('not writable') });
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('leaves the inputs it refused untouched', () => {
    expect(readFileSync(p('afile'), 'utf8')).toBe('x\n');
  });
});
