import { FpdbError } from '@fpdb/schema';
import { generateDataset } from '@fpdb/synth';
import type { CliCommand } from '../command.js';
import { createProgress } from '@fpdb/experiment';

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

function integer(name: string, raw: unknown, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw) || value < min) {
    throw new FpdbError('FPDB_USAGE', `--${name} takes a whole number ≥ ${min}; got ${JSON.stringify(raw)}.`, { details: { value: raw } });
  }
  return value;
}

function parseSize(raw: unknown): { width: number; height: number } | undefined {
  if (raw === undefined) return undefined;
  const m = typeof raw === 'string' ? /^(\d+)x(\d+)$/i.exec(raw) : null;
  if (!m) throw new FpdbError('FPDB_USAGE', `--size takes WIDTHxHEIGHT in pixels, e.g. 128x128; got ${JSON.stringify(raw)}.`, { details: { value: raw } });
  return { width: Number(m[1]), height: Number(m[2]) };
}

const synth: CliCommand = {
  name: 'synth',
  summary: 'Write a synthetic FETAL_PLANES_DB folder (real metadata structure, ultrasound-like images).',
  usage: [
    'Usage: fpdb synth --out DIR (--images N | --patients P) [--seed S] [--size WxH] [--workers N] [--force] [--json]',
    '',
    'Writes DIR/FETAL_PLANES_DB_data.csv (byte-compatible with the release) and DIR/Images/*.png',
    '(8-bit grayscale), so code written for the real release reads it unchanged. Patients, planes,',
    'frames, machines, operators and the train/test split follow the real release; --images 12400',
    'reproduces its metadata exactly. Same options and seed, same bytes.',
    '',
    'Options:',
    '  --out DIR       folder to write (created; must be empty or a previous synth output)',
    '  --images N      number of images, 1–12400',
    '  --patients P    number of real patients (all their frames) instead of --images, 1–1792',
    '  --seed S        seed (default 0)',
    '  --size WxH      one size for every image, e.g. 128x128 (default: the real sizes, per machine)',
    '  --workers N     worker threads (default: one per core; 0 renders in the main thread)',
    '  --force         write into a non-empty folder that is not a synth output',
    '  --json          print one JSON summary (outDir, images, patients, train, test, bytes, seconds, …)',
    '',
    'Example: fpdb synth --out synth-1k --images 1000 --seed 1 --size 128x128',
  ].join('\n'),
  options: {
    out: { type: 'string' },
    images: { type: 'string' },
    patients: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
    workers: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
  async run({ positionals, values, json, stdout, stderr, signal }) {
    if (positionals.length > 0) throw new FpdbError('FPDB_USAGE', `fpdb synth takes no positional arguments (got ${positionals.join(' ')}). Use --out DIR.`);
    const outDir = values.out;
    if (typeof outDir !== 'string' || outDir === '') throw new FpdbError('FPDB_USAGE', 'fpdb synth needs --out DIR. Try: fpdb synth --out synth --images 200');
    const images = integer('images', values.images, 1);
    const patients = integer('patients', values.patients, 1);
    if ((images === undefined) === (patients === undefined)) throw new FpdbError('FPDB_USAGE', 'Pass exactly one of --images N or --patients P.');
    const seed = integer('seed', values.seed, Number.MIN_SAFE_INTEGER) ?? 0;
    const workers = integer('workers', values.workers, 0);
    const size = parseSize(values.size);
    const progress = createProgress({ label: 'images', total: images ?? 0, stream: stderr as NodeJS.WritableStream & { isTTY?: boolean } });
    const started = Date.now();
    const result = await generateDataset({
      outDir,
      ...(images !== undefined ? { images } : { patients: patients! }),
      seed,
      ...(size ? { size } : {}),
      ...(workers !== undefined ? { workers } : {}),
      overwrite: Boolean(values.force),
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
};

export default synth;
