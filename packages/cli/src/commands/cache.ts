import { buildCache, openDataset } from '@fpdb/loader/node';
import { FpdbError, RESIZE_POLICIES, type ResizePolicy } from '@fpdb/schema';
import { defineCommand } from '../command.js';
import { DATASET_OPTIONS, datasetOptions } from '../internal/options/dataset-options.js';
import { createProgress, DEFAULT_CONFIG } from '@fpdb/experiment/node';

/** The `--json` output of `fpdb cache`. */
export interface CacheOutput {
  root: string;
  height: number;
  width: number;
  policy: ResizePolicy;
  /** The cache folder, and whether the user cache folder was used because the dataset folder is not writable. */
  dir: string;
  fallback: boolean;
  file: string;
  indexFile: string;
  images: number;
  decoded: number;
  reused: number;
  resumed: boolean;
  skipped: Array<{ code: string; line?: number; image: unknown; message: string }>;
  missingImages: number;
  bytes: number;
  seconds: number;
  summary: string;
}

/** What to do with a missing or undecodable image: the loader's `missing` and `onError` choices. */
const SKIP_OR_ERROR = ['skip', 'error'] as const;

const cache = defineCommand({
  name: 'cache',
  summary: 'Decode and resize every image once into a persistent cache (uint8, one file per size and policy).',
  usage: 'fpdb cache <dir> [--size N] [--policy stretch|pad|crop] [options]',
  description: [
    'Decodes every image of the release folder <dir> to one 8-bit gray channel at N×N (or --height/--width)',
    'and stores them in <dir>/.fpdb-cache/<H>x<W>-<policy>.bin with an index keyed by each source file',
    '(size + mtime), so later epochs and runs decode nothing. Images whose source is unchanged are reused,',
    'an interrupted build resumes where it stopped (run the same command again), and a read-only dataset',
    'folder falls back to ~/.cache/fpdb (or $XDG_CACHE_HOME/fpdb). Progress goes to stderr.',
  ],
  options: {
    // The defaults are fpdb train's, so the cache built here is the one a default training run reads.
    size: { type: 'integer', min: 1, default: DEFAULT_CONFIG.inputSize, description: 'output height and width (fpdb train --input-size)' },
    height: { type: 'integer', min: 1, placeholder: 'H', description: 'output height when not square', defaultText: '--size' },
    width: { type: 'integer', min: 1, placeholder: 'W', description: 'output width when not square', defaultText: '--size' },
    policy: { type: 'enum', choices: RESIZE_POLICIES, default: DEFAULT_CONFIG.resize as ResizePolicy, description: 'stretch, pad (keep aspect, letterbox) or crop (centre) (fpdb train --resize)' },
    'cache-dir': { type: 'path', placeholder: 'DIR', description: 'where to write the cache instead of <dir>/.fpdb-cache' },
    ...DATASET_OPTIONS,
    'on-error': {
      type: 'enum',
      choices: SKIP_OR_ERROR,
      default: 'error',
      description: 'error: stop at an undecodable image, naming file and CSV line (progress is kept; rerun resumes); skip: leave it out and count it',
    },
    concurrency: { type: 'integer', min: 1, description: 'decodes in flight', defaultText: '4' },
  },
  examples: ['fpdb cache fixtures/real --size 128 --policy pad'],
  async run({ positionals, values, json, stdout, stderr, signal }) {
    const root = positionals[0];
    if (root === undefined || positionals.length > 1) throw new FpdbError('FPDB_USAGE', 'fpdb cache takes exactly one release folder. Try: fpdb cache fixtures/real --size 128');
    const { size, policy, 'on-error': onError, 'cache-dir': dir, concurrency } = values;
    const height = values.height ?? size;
    const width = values.width ?? size;

    const started = Date.now();
    const dataset = await openDataset(root, { ...datasetOptions(values), invalid: onError });
    stderr.write(`${dataset.check.summary}\n`);
    const progress = createProgress({ label: `cache ${height}x${width} ${policy}`, total: dataset.size, stream: stderr });
    const result = await buildCache(dataset, {
      height,
      width,
      policy,
      onError,
      signal,
      ...(dir === undefined ? {} : { dir }),
      ...(concurrency === undefined ? {} : { concurrency }),
      onProgress: (p) => progress.update(p.done, `decoded ${p.decoded}, reused ${p.reused}`),
      onWait: (_holder, message) => stderr.write(`${message}\n`),
    });
    if (result.repaired.length > 0)
      stderr.write(`${result.repaired.length} cached image(s) failed their checksum and were decoded again: ${result.repaired.slice(0, 5).join(', ')}${result.repaired.length > 5 ? ', …' : ''}\n`);
    if (result.journalLinesDropped > 0) stderr.write(`The interrupted build's journal had ${result.journalLinesDropped} damaged line(s); their images were decoded again.\n`);
    progress.done(`decoded ${result.decoded}, reused ${result.reused}`);
    const seconds = (Date.now() - started) / 1000;
    const skipped = [...dataset.check.invalid, ...result.skipped].map((i) => ({ code: i.code, ...(i.line === undefined ? {} : { line: i.line }), image: i.value, message: i.message }));
    const summary =
      `Cached ${(result.total - result.skipped.length).toLocaleString('en-US')} images at ${height}×${width} (${policy}) in ${result.file}: ` +
      `${result.decoded} decoded, ${result.reused} reused${result.resumed ? ' (resumed)' : ''}, ${skipped.length} skipped, ${seconds.toFixed(1)} s.`;
    const output: CacheOutput = {
      root: dataset.root,
      height,
      width,
      policy,
      dir: result.dir,
      fallback: result.fallback,
      file: result.file,
      indexFile: result.indexFile,
      images: result.total - result.skipped.length,
      decoded: result.decoded,
      reused: result.reused,
      resumed: result.resumed,
      skipped,
      missingImages: dataset.check.missing.length,
      bytes: result.bytes,
      seconds,
      summary,
    };
    if (result.fallback) stderr.write(`${dataset.root} is not writable (${result.reason}); the cache is in ${result.dir}.\n`);
    for (const s of skipped.slice(0, 10)) stderr.write(`skipped: ${s.message}\n`);
    if (json) stdout.write(`${JSON.stringify(output)}\n`);
    else stdout.write(`${summary}\n`);
    return 0;
  },
});

export default cache;
