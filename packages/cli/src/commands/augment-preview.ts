import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipelineFromJSON, ultrasoundDefaults, type Transform } from '@fpdb/augment';
import { readModelInputs } from '@fpdb/experiment/node';
import { FpdbError } from '@fpdb/schema';
import sharp from 'sharp';
import { defineCommand } from '../command.js';
import { checkOutputPath } from '../internal/output-path.js';

/** The `--json` output of `fpdb augment-preview`. */
export interface AugmentPreviewOutput {
  out: string;
  images: string[];
  draws: number;
  /** Side of one cell in pixels. */
  size: number;
  width: number;
  height: number;
  seed: number;
  /** The pipeline that ran, as `pipeline.toJSON()`. */
  pipeline: unknown;
}

const GAP = 4;
const GAP_VALUE = 48;

async function readPipeline(spec: string | undefined): Promise<Transform> {
  if (spec === undefined) return ultrasoundDefaults();
  const text = spec.trimStart().startsWith('{')
    ? spec
    : await readFile(spec, 'utf8').catch((cause: unknown) => {
        throw new FpdbError(
          'FPDB_PIPELINE',
          `--pipeline ${spec} is neither inline JSON nor a readable file (${(cause as NodeJS.ErrnoException).code ?? cause}). Pass a pipeline's JSON, or the file pipeline.toJSON() was saved to.`,
          {
            cause,
            details: { file: spec },
          },
        );
      });
  return pipelineFromJSON(text);
}

async function listInputs(target: string, limit: number): Promise<string[]> {
  let info;
  try {
    info = await stat(target);
  } catch (cause) {
    throw new FpdbError('FPDB_IMAGE_MISSING', `${target} does not exist. Pass a PNG or a folder of PNGs (e.g. fixtures/real/Images).`, { cause, details: { file: target } });
  }
  if (!info.isDirectory()) return [target];
  const files = (await readdir(target))
    .filter((f) => /\.png$/i.test(f))
    .sort()
    .slice(0, limit);
  if (files.length === 0) throw new FpdbError('FPDB_IMAGE_MISSING', `${target} holds no PNG images.`, { details: { file: target } });
  return files.map((f) => join(target, f));
}

/** Decodes any PNG mode to one channel, padded to a square (aspect kept, black bars) of `size`: the loader's `pad` policy, as training sees it. */
async function decode(file: string, size: number): Promise<Float32Array> {
  const { images } = await readModelInputs([file], { height: size, width: size, policy: 'pad', normalization: 'unit' });
  return images;
}

const augmentPreview = defineCommand({
  name: 'augment-preview',
  summary: 'Render a grid of one image (or a few) under many random draws of an augmentation pipeline.',
  usage: ['fpdb augment-preview <image|dir> --out grid.png [--pipeline json|file] [--draws N] [--size PX]', '                            [--cols N] [--limit N] [--seed S] [--json]'].join('\n'),
  description: [
    'Decodes the image to one channel, pads it to a square of --size pixels, runs the pipeline N times',
    '(different random parameters per draw, reproducible by --seed) and tiles the original followed by the',
    'draws into a PNG. Given a folder, takes its first --limit images, one row each.',
  ],
  options: {
    out: { type: 'path', required: true, description: 'the PNG to write' },
    pipeline: { type: 'string', placeholder: 'JSON', description: 'a pipeline as JSON (inline or a file, as written by pipeline.toJSON())', defaultText: 'ultrasoundDefaults()' },
    draws: { type: 'integer', min: 1, max: 256, description: 'draws per image', defaultText: '15 for one image, 7 for a folder' },
    size: { type: 'integer', min: 1, max: 1024, default: 160, placeholder: 'PX', description: 'cell side in pixels' },
    cols: { type: 'integer', min: 1, max: 256, description: 'cells per row', defaultText: '4 for one image, draws + 1 for a folder' },
    limit: { type: 'integer', min: 1, max: 64, default: 4, description: 'images taken from a folder' },
    seed: { type: 'number', default: 1, placeholder: 'S', description: 'random seed' },
  },
  json: 'print one JSON object (out, images, draws, size, width, height, seed, pipeline)',
  examples: ['fpdb augment-preview fixtures/real/Images/Patient00168_Plane3_1_of_3.png --out grid.png'],
  async run({ positionals, values, json, stdout }) {
    const target = positionals[0];
    if (target === undefined || positionals.length > 1) {
      throw new FpdbError('FPDB_USAGE', 'fpdb augment-preview takes one image or folder. Try: fpdb augment-preview fixtures/real/Images --out grid.png');
    }
    const { out, seed, size, limit } = values;
    await checkOutputPath(out, '--out', 'file');
    const isDir = (await stat(target).catch(() => undefined))?.isDirectory() ?? false;
    const draws = values.draws ?? (isDir ? 7 : 15);
    const cols = values.cols ?? (isDir ? draws + 1 : 4);
    const pipeline = await readPipeline(values.pipeline);
    const files = await listInputs(target, limit);

    const cellsPerImage = draws + 1;
    const rowsPerImage = Math.ceil(cellsPerImage / cols);
    const width = cols * size + (cols + 1) * GAP;
    const height = files.length * rowsPerImage * size + (files.length * rowsPerImage + 1) * GAP;
    const canvas = new Uint8Array(width * height).fill(GAP_VALUE);
    const n = size * size;
    for (const [f, file] of files.entries()) {
      const image = await decode(file, size);
      const data = new Float32Array(draws * n);
      for (let d = 0; d < draws; d++) data.set(image, d * n);
      // One batch of copies: each copy gets its own random parameters.
      const augmented = pipeline.apply({ data, batch: draws, height: size, width: size, labels: new Int32Array(draws), numClasses: 1 }, `${seed}:${f}`).data;
      for (let c = 0; c < cellsPerImage; c++) {
        const src = c === 0 ? image : augmented.subarray((c - 1) * n, c * n);
        const row = f * rowsPerImage + Math.floor(c / cols);
        const x0 = GAP + (c % cols) * (size + GAP);
        const y0 = GAP + row * (size + GAP);
        for (let y = 0; y < size; y++) {
          const o = (y0 + y) * width + x0;
          for (let x = 0; x < size; x++) canvas[o + x] = Math.max(0, Math.min(255, Math.round(src[y * size + x]! * 255)));
        }
      }
    }
    await sharp(canvas, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 9 })
      .toFile(out);
    const result: AugmentPreviewOutput = { out, images: files.map((f) => basename(f)), draws, size, width, height, seed, pipeline: pipeline.toJSON() };
    if (json) stdout.write(`${JSON.stringify(result)}\n`);
    else stdout.write(`Wrote ${out} (${width}×${height}): ${files.length} image${files.length === 1 ? '' : 's'} × ${draws} draws, seed ${seed}.\n`);
    return 0;
  },
});

export default augmentPreview;
