import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './experiment-config.js';
import { checkResume } from './resume-check.js';

describe('checkResume', () => {
  it('lets a run resume with its own definition, and a fresh folder start', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-resume-'));
    await expect(checkResume(out, DEFAULT_CONFIG)).resolves.toBeUndefined();
    await writeFile(join(out, 'config.json'), JSON.stringify({ ...DEFAULT_CONFIG, out }));
    await expect(checkResume(out, { ...DEFAULT_CONFIG, out, resume: true, workers: 0, backend: 'cpu' })).resolves.toBeUndefined();
    // A config.json from before `dedupe` existed resumes as 'none', and only as that.
    const { dedupe: _, ...older } = DEFAULT_CONFIG;
    await writeFile(join(out, 'config.json'), JSON.stringify({ ...older, out }));
    await expect(checkResume(out, { ...DEFAULT_CONFIG, out, resume: true })).resolves.toBeUndefined();
    await expect(checkResume(out, { ...DEFAULT_CONFIG, out, resume: true, dedupe: 'group' })).rejects.toMatchObject({ code: 'FPDB_CONFIG' });
  });

  it('refuses another seed, learning rate, batch size or split, naming each with both values', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-resume-'));
    await writeFile(join(out, 'config.json'), JSON.stringify({ ...DEFAULT_CONFIG, out }));
    const changed = { ...DEFAULT_CONFIG, out, resume: true, seed: 2, learningRate: 0.01, batchSize: 16, testSplit: { kind: 'k-fold', k: 5, fold: 1 } } as const;
    const error = await checkResume(out, changed).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FPDB_CONFIG', details: { value: ['testSplit', 'batchSize', 'learningRate', 'seed'] } });
    expect((error as Error).message).toContain('seed 1 → 2');
    expect((error as Error).message).toContain('--resume');
  });
});
