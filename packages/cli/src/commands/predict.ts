import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createProgress, predictFiles, readModelInputs } from '@fpdb/experiment';
import { checkpointPreprocess, gradCam, gradCamOverlay, loadCheckpoint, setupBackend, type PredictOptions } from '@fpdb/models';
import { FpdbError } from '@fpdb/schema';
import { defineCommand } from '../command.js';
import { choicesOf } from '../internal/options/choices-of.js';

/** Test-time augmentation of @fpdb/models' predict: `none`, or `flip` (average with the horizontal mirror). */
const TTA = choicesOf<NonNullable<PredictOptions['tta']>>()(['none', 'flip']);

const predictCommand = defineCommand({
  name: 'predict',
  summary: 'Classify image files with a checkpoint: class and probabilities; --gradcam writes heatmap overlays.',
  usage: 'fpdb predict <checkpoint> <image.png...> [--tta flip] [--gradcam DIR] [--layer NAME] [--json]',
  description: [
    "Images are decoded exactly as in training (@fpdb/loader: any PNG mode to one channel, the checkpoint's",
    'input size, resize policy and normalisation).',
  ],
  options: {
    tta: { type: 'enum', choices: TTA, default: 'none', description: 'flip: average each image with its horizontal mirror' },
    gradcam: { type: 'path', placeholder: 'DIR', description: 'write <DIR>/<image>.gradcam.png: Grad-CAM of the predicted class over the model input' },
    layer: { type: 'string', placeholder: 'NAME', description: 'conv layer for Grad-CAM', defaultText: 'the last one' },
    'batch-size': { type: 'integer', min: 1, default: 32, description: 'images per forward pass' },
  },
  json: 'print {"classes":[…],"predictions":[{"file","class","probability","probabilities":{…}}]}',
  async run({ positionals, values, json, stdout, stderr, signal }) {
    const [checkpoint, ...files] = positionals;
    if (!checkpoint || files.length === 0) throw new FpdbError('FPDB_USAGE', 'fpdb predict needs a checkpoint and at least one image, e.g. fpdb predict runs/demo/checkpoints/best scan.png');
    const { tta, 'batch-size': batchSize, gradcam: dir, layer } = values;
    await setupBackend({ backend: 'auto' });
    const { model, metadata } = await loadCheckpoint(checkpoint);
    try {
      const preprocess = checkpointPreprocess(metadata);
      const result = await predictFiles(model, files, { preprocess, batchSize, tta, signal });
      const classes = metadata.labels.classes;
      const rows = result.rows();
      const predictions = files.map((file, i) => ({
        file,
        class: classes[result.classes[i]!]!,
        probability: rows[i]![result.classes[i]!]!,
        probabilities: Object.fromEntries(classes.map((c, k) => [c, rows[i]![k]!])),
      }));
      if (dir !== undefined) {
        await mkdir(dir, { recursive: true });
        const bar = createProgress({ label: 'grad-cam', total: files.length, stream: stderr as never });
        for (const [i, file] of files.entries()) {
          const { pixels, images, shape } = await readModelInputs([file], preprocess);
          const x = tf.tensor4d(images, shape);
          try {
            const cam = gradCam(model, x, { classIndex: result.classes[i]!, ...(layer === undefined ? {} : { layer }) });
            const png = await gradCamOverlay({ pixels: pixels[0]!, width: preprocess.width, height: preprocess.height }, { data: cam.upsampled, width: cam.inputWidth, height: cam.inputHeight });
            await writeFile(join(dir, `${basename(file).replace(/\.png$/i, '')}.gradcam.png`), png);
          } finally {
            x.dispose();
          }
          bar.update(i + 1);
        }
        bar.done();
      }
      if (json) {
        stdout.write(`${JSON.stringify({ checkpoint, classes, tta, predictions })}\n`);
      } else {
        for (const p of predictions) stdout.write(`${p.file}: ${p.class} (${(100 * p.probability).toFixed(1)}%)\n`);
      }
    } finally {
      model.dispose();
    }
    return 0;
  },
});

export default predictCommand;
