// Worker-thread entry of @fpdb/loader: reads and decodes the images it is sent (see pixels/decode-pool.ts).
import { parentPort } from 'node:worker_threads';
import { isFpdbError } from '@fpdb/schema';
import type { DecodeJob, DecodeReply } from './pixels/decode-pool.js';
import { readImage } from './pixels/decode-image.js';

parentPort?.on('message', (job: DecodeJob) => {
  readImage(job.file, job.options, job.where).then(
    (pixels) => {
      // Hand the pixels over without a copy when they own their whole buffer.
      const own = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
      parentPort!.postMessage({ id: job.id, pixels: own } satisfies DecodeReply, [own.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: DecodeReply = isFpdbError(error)
        ? { id: job.id, error: { code: error.code, message: error.message, details: error.details } }
        : { id: job.id, error: { message: error instanceof Error ? (error.stack ?? error.message) : String(error) } };
      parentPort!.postMessage(reply);
    },
  );
});
