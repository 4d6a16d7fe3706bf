import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSV_FILE, FpdbError, IMAGES_DIR } from '@fpdb/schema';
import { createWorkerPool, workerScriptExists } from '@fpdb/internal/worker-pool';
import type { WorkerJob } from '../worker.js';
import { formatCsv } from './csv.js';
import { prepareOutputDir, writeMarker } from './folder-guard.js';
import type { SynthMarker } from './synth-marker.js';
import { checkPlanOptions, planDataset, type PlanOptions, type SynthRecord } from './plan.js';
import { DUPLICATES_FILE, planDuplicates, type DuplicateOptions, type PlantedDuplicate } from './duplicates.js';
import { renderPng, type PlantJob } from './render-file.js';
import { RENDERER_VERSION } from './render/render-image.js';

/** Progress of {@link generateDataset}: images written so far. */
export interface GenerateProgress {
  done: number;
  total: number;
  /** The image just written. */
  imageName: string;
}

/** Options of {@link generateDataset}. */
export interface GenerateOptions extends PlanOptions {
  /** The folder to write: `FETAL_PLANES_DB_data.csv`, `Images/`, and the marker `.fpdb-synth.json`. */
  outDir: string;
  /**
   * Worker threads rendering in parallel. Default: one per core (at most 8) when the built worker
   * script is present, else 0. 0 renders in this thread. The bytes do not depend on it.
   */
  workers?: number;
  /** Write into a non-empty folder that is not a previous synth output (default false). */
  overwrite?: boolean;
  /**
   * Plant known duplicates (see {@link planDuplicates}): each copy replaces another image's pixels, the CSV
   * is unchanged, and the list is written to `duplicates.json`. Absent (default): no file, the same bytes as before.
   */
  duplicates?: DuplicateOptions;
  /** Called after each image is written. */
  onProgress?: (progress: GenerateProgress) => void;
  /** Stops after the images in flight; the folder is left marked incomplete and FPDB_ABORTED is thrown. */
  signal?: AbortSignal;
}

/** What {@link generateDataset} wrote. */
export interface GenerateResult {
  outDir: string;
  csvPath: string;
  images: number;
  patients: number;
  train: number;
  test: number;
  /** Total bytes of the PNG files. */
  bytes: number;
  records: SynthRecord[];
  /** The planted duplicates, when `duplicates` was given. */
  duplicates?: PlantedDuplicate[];
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Whether the built worker script sits next to this module (true in dist/, false when run from src/). */
function workerAvailable(): boolean {
  return workerScriptExists(WORKER_URL);
}

function aborted(done: number, total: number, dir: string): FpdbError {
  return new FpdbError('FPDB_ABORTED', `Stopped after ${done} of ${total} images; ${dir} is marked incomplete. Run again to regenerate it.`, {
    details: { file: dir, value: done },
  });
}

interface Job {
  record: SynthRecord;
  path: string;
  plant?: PlantJob;
}

async function renderInProcess(seed: number, jobs: Job[], report: (i: number, bytes: number) => void, signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < jobs.length; i++) {
    if (signal?.aborted) return;
    const png = renderPng(seed, jobs[i]!.record, jobs[i]!.plant);
    await writeFile(jobs[i]!.path, png);
    report(i, png.length);
  }
}

async function renderInWorkers(seed: number, jobs: Job[], count: number, report: (i: number, bytes: number) => void, signal?: AbortSignal): Promise<void> {
  if (jobs.length === 0) return;
  const pool = createWorkerPool<WorkerJob, number>({
    url: WORKER_URL,
    size: Math.min(count, jobs.length),
    name: 'synth',
    remedy: 'Retry with { workers: 0 } to render in-process.',
    packageName: '@fpdb/synth',
  });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const id = next++;
      report(id, await pool.request({ seed, record: jobs[id]!.record, path: jobs[id]!.path, ...(jobs[id]!.plant ? { plant: jobs[id]!.plant } : {}) }));
    }
  };
  try {
    // Two jobs in flight per worker, so a worker never waits for the main thread.
    await Promise.all(Array.from({ length: pool.size * 2 }, lane));
  } finally {
    await pool.close();
  }
}

/**
 * Writes a synthetic FETAL_PLANES_DB folder: `FETAL_PLANES_DB_data.csv` byte-compatible with the
 * release, `Images/<Image_name>.png` (8-bit grayscale), and `.fpdb-synth.json`. Metadata follows the
 * real release's patients (see {@link planDataset}); pixels come from {@link renderImage}. Same options
 * and seed, same bytes, whatever the number of workers or the machine.
 * @throws FpdbError FPDB_INVALID_ARGUMENT (options), FPDB_OUTPUT_NOT_EMPTY (folder), FPDB_WORKER, FPDB_ABORTED
 * @example
 * const result = await generateDataset({ outDir: 'synth-200', images: 200, seed: 1, size: { width: 128, height: 128 } });
 * result.images // 200
 */
export async function generateDataset(options: GenerateOptions): Promise<GenerateResult> {
  checkPlanOptions(options);
  const workers = options.workers ?? (workerAvailable() ? Math.min(8, availableParallelism()) : 0);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `workers must be a whole number ≥ 0; got ${workers}.`, { details: { value: workers } });
  }
  if (workers > 0 && !workerAvailable()) {
    throw new FpdbError('FPDB_WORKER', `The worker script ${fileURLToPath(WORKER_URL)} is missing (running from source?). Build @fpdb/synth or pass { workers: 0 }.`, {
      details: { file: fileURLToPath(WORKER_URL) },
    });
  }
  const plan = planDataset(options);
  const planted = options.duplicates ? planDuplicates(plan.records, options.duplicates, plan.seed) : undefined;
  const dir = resolve(options.outDir);
  await prepareOutputDir(dir, options.overwrite ?? false);
  const marker: SynthMarker = {
    generator: '@fpdb/synth',
    format: 1,
    renderer: RENDERER_VERSION,
    seed: plan.seed,
    images: plan.records.length,
    patients: plan.patients,
    size: options.size ? { width: options.size.width, height: options.size.height } : null,
    complete: false,
  };
  await writeMarker(dir, marker);
  const csvPath = join(dir, CSV_FILE);
  await writeFile(csvPath, formatCsv(plan.records));
  const imagesDir = join(dir, IMAGES_DIR);
  await mkdir(imagesDir, { recursive: true });

  const byName = new Map(plan.records.map((r) => [r.imageName, r]));
  const plants = new Map((planted ?? []).map((d) => [d.copy, { source: byName.get(d.source)!, kind: d.kind } satisfies PlantJob]));
  const jobs: Job[] = plan.records.map((record) => {
    const plant = plants.get(record.imageName);
    return { record, path: join(imagesDir, `${record.imageName}.png`), ...(plant ? { plant } : {}) };
  });
  if (planted) await writeFile(join(dir, DUPLICATES_FILE), `${JSON.stringify(planted, null, 2)}\n`);
  let done = 0;
  let bytes = 0;
  const report = (i: number, size: number): void => {
    done++;
    bytes += size;
    options.onProgress?.({ done, total: jobs.length, imageName: jobs[i]!.record.imageName });
  };
  if (workers === 0) await renderInProcess(plan.seed, jobs, report, options.signal);
  else await renderInWorkers(plan.seed, jobs, workers, report, options.signal);
  if (done < jobs.length) throw aborted(done, jobs.length, dir);
  await writeMarker(dir, { ...marker, complete: true });
  const train = plan.records.filter((r) => r.split === 'train').length;
  return { outDir: dir, csvPath, images: jobs.length, patients: plan.patients, train, test: jobs.length - train, bytes, records: plan.records, ...(planted ? { duplicates: planted } : {}) };
}
