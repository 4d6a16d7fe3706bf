// Worker-thread entry of @fpdb/synth: renders and writes the images it is sent, one request each.
import { writeFileSync } from 'node:fs';
import { serveWorker } from '@fpdb/internal/worker';
import { FpdbError, isFpdbError } from '@fpdb/schema';
import type { SynthRecord } from './internal/plan.js';
import { renderPng, type PlantJob } from './internal/render-file.js';

/** A job: render `record` with `seed` and write it to `path`; the answer is the bytes written. */
export interface WorkerJob {
  seed: number;
  record: SynthRecord;
  path: string;
  /** A planted duplicate: draw this instead of the record's own image. */
  plant?: PlantJob;
}

serveWorker<WorkerJob, number>({
  handle: (job) => {
    try {
      const png = renderPng(job.seed, job.record, job.plant);
      writeFileSync(job.path, png);
      return png.length;
    } catch (error) {
      if (isFpdbError(error)) throw error;
      throw new FpdbError('FPDB_WORKER', `Rendering ${job.record.imageName} failed in a worker: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        details: { file: job.path, value: job.record.imageName },
      });
    }
  },
});
