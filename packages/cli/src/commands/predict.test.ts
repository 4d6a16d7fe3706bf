import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { predictFiles } from '@fpdb/experiment/node';
import { readImage } from '@fpdb/loader/node';
import { checkpointPreprocess, createModel, loadCheckpoint, predict, saveCheckpoint, setupBackend } from '@fpdb/models/node';
import { normalizeInto, planesSpace } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { realDir, run } from '../../test/run.js';

describe('fpdb predict', () => {
  it('gives exactly the probabilities of predictFiles and of the loader → predict path, with the checkpoint own preprocessing', async () => {
    await setupBackend({ backend: 'auto' }); // what the command uses
    const dir = join(mkdtempSync(join(tmpdir(), 'fpdb-predict-')), 'ckpt');
    const model = createModel({ architecture: 'reference-cnn', numClasses: 6, inputSize: [40, 56], widths: [4, 6] }, { seed: 5 });
    // Not the defaults on purpose: a letterboxed, symmetric-normalised, non-square input.
    await saveCheckpoint(dir, { model, labels: { task: 'planes', classes: [...planesSpace.classes] }, resize: 'pad', normalization: 'symmetric' });
    model.dispose();
    const files = [join(realDir, 'Images', 'Patient00012_Plane1_16_of_16.png'), join(realDir, 'resaved', 'Patient00644_Plane3_1_of_3.png')];

    const cli = await run('predict', dir, ...files, '--json');
    expect(cli.code).toBe(0);
    const fromCli = JSON.parse(cli.stdout).predictions.map((p: { probabilities: Record<string, number> }) => Object.values(p.probabilities));

    const { model: loaded, metadata } = await loadCheckpoint(dir);
    const preprocess = checkpointPreprocess(metadata);
    expect(preprocess).toEqual({ height: 40, width: 56, policy: 'pad', normalization: 'symmetric' });
    const library = await predictFiles(loaded, files, { preprocess, batchSize: 1 });
    expect(library.rows()).toEqual(fromCli);

    // The training path: the loader decodes, the contract normalises, the model predicts a tensor.
    const data = new Float32Array(files.length * 40 * 56);
    for (const [i, file] of files.entries()) normalizeInto(await readImage(file, { height: 40, width: 56, policy: 'pad' }), data, i * 40 * 56, 'symmetric');
    const x = tf.tensor4d(data, [files.length, 40, 56, 1]);
    const byHand = await predict(loaded, x);
    x.dispose();
    loaded.dispose();
    expect(byHand.rows()).toEqual(fromCli);
  }, 120_000);

  it('takes files, folders and globs; a missing or bad file gets its own line and JSON entry, the others their predictions, and exit 1', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fpdb-predict-many-'));
    const ckpt = join(work, 'ckpt');
    const model = createModel({ architecture: 'reference-cnn', numClasses: 6, inputSize: [24, 24], widths: [4, 6] }, { seed: 2 });
    await saveCheckpoint(ckpt, { model, labels: { task: 'planes', classes: [...planesSpace.classes] }, resize: 'pad', normalization: 'unit' });
    model.dispose();
    const scans = join(work, 'scans');
    mkdirSync(scans);
    copyFileSync(join(realDir, 'Images', 'Patient00012_Plane1_16_of_16.png'), join(scans, 'a.png'));
    copyFileSync(join(realDir, 'resaved', 'Patient00644_Plane3_1_of_3.png'), join(scans, 'b.png'));
    const loose = join(work, 'loose');
    mkdirSync(loose);
    copyFileSync(join(realDir, 'Images', 'Patient00012_Plane1_16_of_16.png'), join(loose, 'c.png'));
    writeFileSync(join(loose, 'broken.png'), 'not a png');

    const r = await run('predict', ckpt, scans, join(loose, '*.png'), join(work, 'nope.png'), '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.predictions.map((p: { file: string }) => p.file)).toEqual([join(scans, 'a.png'), join(scans, 'b.png'), join(loose, 'c.png')]);
    expect(out.errors.map((e: { file: string }) => e.file).sort()).toEqual([join(loose, 'broken.png'), join(work, 'nope.png')].sort());
    expect(out.errors.find((e: { file: string }) => e.file.endsWith('nope.png')).code).toBe('FPDB_IMAGE_MISSING');
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith(`fpdb predict: ${join(work, 'nope.png')}:`))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(`fpdb predict: ${join(loose, 'broken.png')}:`))).toHaveLength(1);
    expect(lines.at(-1)).toBe('fpdb predict: 2 of 5 inputs failed; the others were predicted.');

    const text = await run('predict', ckpt, join(scans, 'a.png'));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/a\.png: .+ \(\d+\.\d%\)\n$/);
  }, 120_000);
});
