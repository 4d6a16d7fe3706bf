// Worker-thread entry of @fpdb/synth: renders and writes the images it is sent, one message each.
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { SynthRecord } from './internal/plan.js';
import { renderPng } from './internal/render-file.js';

/** A job: render `record` with `seed` and write it to `path`. */
export interface WorkerJob {
  id: number;
  seed: number;
  record: SynthRecord;
  path: string;
}

/** The answer to a job: the bytes written, or the error message. */
export type WorkerReply = { id: number; bytes: number } | { id: number; error: string };

parentPort?.on('message', (job: WorkerJob) => {
  try {
    const png = renderPng(job.seed, job.record);
    writeFileSync(job.path, png);
    parentPort!.postMessage({ id: job.id, bytes: png.length } satisfies WorkerReply);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply);
  }
});
