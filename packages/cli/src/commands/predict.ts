import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createProgress, predictFiles, readModelInputs } from '@fpdb/experiment/node';
import { checkpointPreprocess, gradCam, gradCamOverlay, loadCheckpoint, setupBackend, type PredictOptions } from '@fpdb/models/node';
import { FpdbError, isFpdbError } from '@fpdb/schema';
import { defineCommand } from '../command.js';
import { expandInputs } from '../internal/expand-inputs.js';
import { choicesOf } from '../internal/options/choices-of.js';

/** Test-time augmentation of @fpdb/models' predict: `none`, or `flip` (average with the horizontal mirror). */
const TTA = choicesOf<NonNullable<PredictOptions['tta']>>()(['none', 'flip']);

const predictCommand = defineCommand({
  name: 'predict',
  summary: 'Classify images (files, folders, globs) with a checkpoint: class and probabilities; --gradcam writes heatmap overlays.',
  usage: 'fpdb predict <checkpoint> <image|folder|glob...> [--tta flip] [--gradcam DIR] [--layer NAME] [--json]',
  description: [
    "Images are decoded exactly as in training (@fpdb/loader: any PNG mode to one channel, the checkpoint's",
    'input size, resize policy and normalisation). A folder gives its .png images (fpdb reads PNG, as the release ships); a glob (quoted) its matches.',
    'A missing or unreadable image is reported on its own line (and under "errors" with --json); the others are',
    'still predicted, and the exit code is 1.',
  ],
  options: {
    tta: { type: 'enum', choices: TTA, default: 'none', description: 'flip: average each image with its horizontal mirror' },
    gradcam: { type: 'path', placeholder: 'DIR', description: 'write <DIR>/<image>.gradcam.png: Grad-CAM of the predicted class over the model input' },
    layer: { type: 'string', placeholder: 'NAME', description: 'conv layer for Grad-CAM', defaultText: 'the last one' },
    'batch-size': { type: 'integer', min: 1, default: 32, description: 'images per forward pass' },
  },
  json: 'print {"classes":[…],"predictions":[{"file","class","probability","probabilities":{…}}],"errors":[{"file","code","message"}]}',
  async run({ positionals, values, json, stdout, stderr, signal }) {
    const [checkpoint, ...inputs] = positionals;
    if (!checkpoint || inputs.length === 0) throw new FpdbError('FPDB_USAGE', 'needs a checkpoint and at least one image, folder or glob, e.g. fpdb predict runs/demo/checkpoints/best scans/*.png');
    const { tta, 'batch-size': batchSize, gradcam: dir, layer } = values;
    const expanded = await expandInputs(inputs);
    const failures: { file: string; code: string; message: string }[] = [];
    for (const e of expanded) if ('error' in e) failures.push({ file: e.input, ...e.error });
    const files = expanded.flatMap((e) => ('files' in e ? e.files : []));
    await setupBackend({ backend: 'auto' });
    const { model, metadata } = await loadCheckpoint(checkpoint);
    try {
      const preprocess = checkpointPreprocess(metadata);
      const classes = metadata.labels.classes;
      type Row = { file: string; class: string; probability: number; probabilities: Record<string, number>; index: number };
      const predictions: Row[] = [];
      const add = (batch: readonly string[], p: Awaited<ReturnType<typeof predictFiles>>) => {
        const rows = p.rows();
        batch.forEach((file, i) => {
          const index = p.classes[i]!;
          predictions.push({ file, class: classes[index]!, probability: rows[i]![index]!, probabilities: Object.fromEntries(classes.map((c, k) => [c, rows[i]![k]!])), index });
        });
      };
      if (files.length > 0) {
        try {
          add(files, await predictFiles(model, files, { preprocess, batchSize, tta, signal }));
        } catch (error) {
          if (isFpdbError(error, 'FPDB_ABORTED')) throw error;
          // One bad file fails its batch: predict file by file so the others still get their answer.
          for (const file of files) {
            try {
              add([file], await predictFiles(model, [file], { preprocess, batchSize: 1, tta, signal }));
            } catch (e) {
              if (isFpdbError(e, 'FPDB_ABORTED')) throw e;
              failures.push({ file, code: isFpdbError(e) ? e.code : 'FPDB_IMAGE_DECODE', message: (e as Error).message });
            }
          }
        }
      }
      if (dir !== undefined && predictions.length > 0) {
        await mkdir(dir, { recursive: true });
        const bar = createProgress({ label: 'grad-cam', total: predictions.length, stream: stderr as never });
        for (const [i, p] of predictions.entries()) {
          const { pixels, images, shape } = await readModelInputs([p.file], preprocess);
          const x = tf.tensor4d(images, shape);
          try {
            const cam = gradCam(model, x, { classIndex: p.index, ...(layer === undefined ? {} : { layer }) });
            const png = await gradCamOverlay({ pixels: pixels[0]!, width: preprocess.width, height: preprocess.height }, { data: cam.upsampled, width: cam.inputWidth, height: cam.inputHeight });
            await writeFile(join(dir, `${basename(p.file).replace(/\.png$/i, '')}.gradcam.png`), png);
          } finally {
            x.dispose();
          }
          bar.update(i + 1);
        }
        bar.done();
      }
      const out = predictions.map(({ index: _index, ...p }) => p);
      if (json) {
        stdout.write(`${JSON.stringify({ checkpoint, classes, tta, predictions: out, errors: failures })}\n`);
      } else {
        for (const p of out) stdout.write(`${p.file}: ${p.class} (${(100 * p.probability).toFixed(1)}%)\n`);
      }
      for (const f of failures) stderr.write(`fpdb predict: ${f.file}: ${f.message.startsWith(f.file) ? f.message.slice(f.file.length).replace(/^:\s*/, '') : f.message} [${f.code}]\n`);
      if (failures.length > 0) stderr.write(`fpdb predict: ${failures.length} of ${failures.length + out.length} inputs failed; the others were predicted.\n`);
    } finally {
      model.dispose();
    }
    return failures.length > 0 ? 1 : 0;
  },
});

export default predictCommand;
