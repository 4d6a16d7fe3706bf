import { CSV_FILE, FpdbError, IMAGES_DIR } from '@fpdb/schema';
import { generateDataset } from '@fpdb/synth/node';
import { defineCommand } from '../command.js';
import { checkOutputPath } from '../internal/output-path.js';
import { createProgress } from '@fpdb/experiment/node';

/** The `--json` output of `fpdb synth`. */
export interface SynthOutput {
  outDir: string;
  images: number;
  patients: number;
  train: number;
  test: number;
  seed: number;
  size: { width: number; height: number } | null;
  /** Total PNG bytes written. */
  bytes: number;
  seconds: number;
  imagesPerSecond: number;
}

const SIZE = /^(\d+)x(\d+)$/i;

const synth = defineCommand({
  name: 'synth',
  summary: 'Write a synthetic FETAL_PLANES_DB folder (real metadata structure, ultrasound-like images).',
  usage: 'fpdb synth --out DIR (--images N | --patients P) [--seed S] [--size WxH] [--workers N] [--force] [--json]',
  description: [
    `Writes DIR/${CSV_FILE} (byte-compatible with the release) and DIR/${IMAGES_DIR}/*.png`,
    '(8-bit grayscale), so code written for the real release reads it unchanged. Patients, planes,',
    'frames, machines, operators and the train/test split follow the real release; --images 12400',
    'reproduces its metadata exactly. Same options and seed, same bytes.',
  ],
  options: {
    out: { type: 'path', placeholder: 'DIR', required: true, description: 'folder to write (created; must be empty or a previous synth output)' },
    images: { type: 'integer', min: 1, description: 'number of images, up to 12400' },
    patients: { type: 'integer', min: 1, placeholder: 'P', description: 'number of real patients (all their frames) instead of --images, up to 1792' },
    seed: { type: 'integer', default: 0, placeholder: 'S', description: 'seed' },
    size: { type: 'string', pattern: SIZE, placeholder: 'WxH', expected: 'WIDTHxHEIGHT in pixels, e.g. 128x128', description: 'one size for every image', defaultText: 'the real sizes, per machine' },
    workers: { type: 'integer', min: 0, description: 'worker threads; 0 renders in the main thread', defaultText: 'one per core' },
    force: { type: 'boolean', description: 'write into a non-empty folder that is not a synth output' },
  },
  json: 'print one JSON summary (outDir, images, patients, train, test, bytes, seconds, …)',
  examples: ['fpdb synth --out synth-1k --images 1000 --seed 1 --size 128x128'],
  async run({ positionals, values, json, stdout, stderr, signal }) {
    if (positionals.length > 0) throw new FpdbError('FPDB_USAGE', `fpdb synth takes no positional arguments (got ${positionals.join(' ')}). Use --out DIR.`);
    const { out: outDir, images, patients, seed, workers } = values;
    if ((images === undefined) === (patients === undefined)) throw new FpdbError('FPDB_USAGE', 'Pass exactly one of --images N or --patients P.');
    await checkOutputPath(outDir, '--out', 'folder');
    const m = values.size === undefined ? null : SIZE.exec(values.size);
    const size = m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
    const progress = createProgress({ label: 'images', total: images ?? 0, stream: stderr });
    const started = Date.now();
    const result = await generateDataset({
      outDir,
      ...(images !== undefined ? { images } : { patients: patients! }),
      seed,
      ...(size ? { size } : {}),
      ...(workers !== undefined ? { workers } : {}),
      overwrite: values.force,
      signal,
      onProgress: (p) => progress.update(p.done),
    });
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    const output: SynthOutput = {
      outDir: result.outDir,
      images: result.images,
      patients: result.patients,
      train: result.train,
      test: result.test,
      seed,
      size: size ?? null,
      bytes: result.bytes,
      seconds,
      imagesPerSecond: seconds > 0 ? result.images / seconds : result.images,
    };
    if (json) {
      stdout.write(`${JSON.stringify(output)}\n`);
      return 0;
    }
    stdout.write(
      `Wrote ${result.images} images of ${result.patients} patients (train ${result.train}, test ${result.test}) to ${result.outDir} ` +
        `in ${seconds.toFixed(1)} s, ${(result.bytes / 1e6).toFixed(1)} MB of PNG.\n`,
    );
    return 0;
  },
});

export default synth;
