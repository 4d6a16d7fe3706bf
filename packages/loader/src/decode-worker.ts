// Worker-thread entry of @fpdb/loader: reads and decodes the images it is sent (see pixels/decode-pool.ts).
import { serveWorker } from '@fpdb/internal/worker';
import type { DecodeJob } from './pixels/decode-pool.js';
import { readImage } from './pixels/decode-image.js';

serveWorker<DecodeJob, Uint8Array>({
  handle: async (job) => {
    const pixels = await readImage(job.file, job.options, job.where);
    // Hand the pixels over without a copy when they own their whole buffer.
    return pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
  },
  transfer: (pixels) => [pixels.buffer as ArrayBuffer],
});
