import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { predictFiles } from '@fpdb/experiment';
import { readImage } from '@fpdb/loader/node';
import { checkpointPreprocess, createModel, loadCheckpoint, predict, saveCheckpoint, setupBackend } from '@fpdb/models';
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
});
