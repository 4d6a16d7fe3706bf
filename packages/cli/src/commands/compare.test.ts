import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../test/run.js';

// Two tiny runs on the same synthetic folder and split, differing in learning rate and epochs.
const work = mkdtempSync(join(tmpdir(), 'fpdb-compare-'));
const synthDir = join(work, 'synth');
const config = join(work, 'config.json');
const a = join(work, 'run-a');
const b = join(work, 'run-b');

beforeAll(async () => {
  writeFileSync(config, JSON.stringify({ synth: { images: 48, seed: 5, width: 48, height: 32, dir: synthDir }, inputSize: 32, epochs: 1, bootstrapResamples: 20 }));
  expect((await run('train', '--config', config, '--out', a, '--quiet')).code).toBe(0);
  expect((await run('train', '--config', config, '--out', b, '--epochs', '2', '--learning-rate', '0.003', '--quiet')).code).toBe(0);
}, 300_000);

describe('fpdb compare', () => {
  it('puts two runs side by side with paired intervals of the differences, their curves and config differences', async () => {
    const out = join(work, 'cmp');
    const r = await run('compare', a, b, '--out', out, '--bootstrap', '200', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.runs.map((x: { name: string }) => x.name)).toEqual(['run-a', 'run-b']);
    const predictions = JSON.parse(readFileSync(join(a, 'predictions.json'), 'utf8'));
    expect(c.testSet.images).toBe(predictions.images.length);
    expect(c.differences).toHaveLength(1);
    const d = c.differences[0];
    expect(d.run).toBe(1);
    for (const m of ['accuracy', 'macroF1']) {
      expect(d[m].difference).toBeCloseTo(c.runs[1].metrics[m] - c.runs[0].metrics[m], 5);
      expect(d[m].low).toBeLessThanOrEqual(d[m].high);
      expect(d[m].unit).toBe('group');
      expect(d[m].resamples).toBe(200);
    }
    expect(c.config.map((x: { key: string }) => x.key)).toEqual(['epochs', 'learningRate']);
    expect(c.config[0].values).toEqual([1, 2]);
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    expect(html).toMatch(/<img class="plot" src="..\/run-a\/figures\/training-curves.svg" width="\d+" height="\d+"/);
    expect(html).toContain('src="../run-b/figures/training-curves.svg"');
    expect(html).toContain('<code>learningRate</code>');
    expect(html).toContain('id="synthetic-data"');
    expect(html).not.toMatch(/undefined|NaN/);
    expect(existsSync(join(out, 'compare.json'))).toBe(true);
    // The text output: one line per run, one per difference.
    const text = await run('compare', a, b, '--out', out, '--bootstrap', '50');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/run-b {2}accuracy [+−]\d+\.\d pp \[[+−]\d+\.\d, [+−]\d+\.\d\] {2}macro-F1 [+−]\d\.\d{3}/);
    expect(text.stdout).toContain('2 config keys differ: epochs, learningRate.');
  });

  it('refuses runs tested on different test sets, saying how they differ', async () => {
    const other = join(work, 'run-other');
    cpSync(b, other, { recursive: true });
    const p = JSON.parse(readFileSync(join(other, 'predictions.json'), 'utf8'));
    const dropped = p.images[0];
    for (const k of ['images', 'patientIds', 'labels', 'probabilities']) p[k] = p[k].slice(1);
    writeFileSync(join(other, 'predictions.json'), JSON.stringify(p));
    const r = await run('compare', a, other, '--out', join(work, 'cmp2'), '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe('FPDB_SPLIT');
    expect(r.stderr).toContain('different test sets');
    expect(r.stderr).toContain(`1 only in the first (${dropped})`);
  });

  it('needs two run folders, and says which folder is not a run', async () => {
    expect((await run('compare', a)).code).toBe(2);
    const r = await run('compare', a, work, '--out', join(work, 'cmp3'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(work, 'metrics.json')} is missing`);
    expect(r.stderr).toContain('[FPDB_CONFIG]');
  });
});
