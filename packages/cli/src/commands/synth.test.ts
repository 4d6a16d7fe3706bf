import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../test/run.js';

describe('fpdb synth', () => {
  it('writes a folder that fpdb stats reads with no issue and no missing image', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'fpdb-synth-cli-')), 'out');
    const r = await run('synth', '--out', dir, '--images', '120', '--seed', '3', '--size', '64x48', '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ images: 120, seed: 3, size: { width: 64, height: 48 } });
    expect(summary.train + summary.test).toBe(120);
    expect((await readdir(join(dir, 'Images'))).length).toBe(120);
    const stats = await run('stats', dir, '--json');
    expect(stats.code, stats.stderr).toBe(0);
    const s = JSON.parse(stats.stdout);
    expect(s).toMatchObject({ images: 120, missingImages: 0, issues: [], patients: summary.patients });
    expect(s.bySplit).toEqual({ train: summary.train, test: summary.test });
  });

  it('is reproducible by seed and refuses a foreign non-empty folder without --force', async () => {
    const base = await mkdtemp(join(tmpdir(), 'fpdb-synth-cli-'));
    const a = join(base, 'a');
    const b = join(base, 'b');
    expect((await run('synth', '--out', a, '--patients', '2', '--seed', '9', '--size', '48x48', '--workers', '0')).code).toBe(0);
    expect((await run('synth', '--out', b, '--patients', '2', '--seed', '9', '--size', '48x48')).code).toBe(0);
    expect(await readFile(join(b, 'FETAL_PLANES_DB_data.csv'))).toEqual(await readFile(join(a, 'FETAL_PLANES_DB_data.csv')));
    const name = (await readdir(join(a, 'Images')))[0]!;
    expect(await readFile(join(b, 'Images', name))).toEqual(await readFile(join(a, 'Images', name)));

    const foreign = join(base, 'foreign');
    await run('synth', '--out', foreign, '--images', '1', '--size', '32x32');
    await writeFile(join(base, 'note.txt'), 'keep');
    const refused = await run('synth', '--out', base, '--images', '2', '--size', '32x32');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FPDB_OUTPUT_NOT_EMPTY');
    expect((await run('synth', '--out', base, '--images', '2', '--size', '32x32', '--force')).code).toBe(0);
    expect(await readFile(join(base, 'note.txt'), 'utf8')).toBe('keep');
  });

  it('reports bad usage with exit code 2', async () => {
    expect((await run('synth', '--images', '5')).code).toBe(2);
    expect((await run('synth', '--out', '/tmp/x', '--images', '5', '--patients', '2')).code).toBe(2);
    expect((await run('synth', '--out', '/tmp/x', '--images', 'many')).code).toBe(2);
    expect((await run('synth', '--out', '/tmp/x', '--images', '5', '--size', '64')).code).toBe(2);
    const big = await run('synth', '--out', '/tmp/fpdb-synth-too-big', '--images', '20000');
    expect(big.code).toBe(1);
    expect(big.stderr).toContain('FPDB_INVALID_ARGUMENT');
  });
});
