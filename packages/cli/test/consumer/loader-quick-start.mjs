// Run inside a fresh npm project that installed only the packed @fpdb/loader (and @fpdb/schema, its
// dependency) with --omit=optional, so without sharp: the README's usage, then a sharp kernel.
import { FpdbError, createBatches, decodeImage, isFpdbError, openDataset } from '@fpdb/loader/node';
import { disposeTensorBatch, tensorBatches } from '@fpdb/loader/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { readFile } from 'node:fs/promises';

const root = process.argv[2];
const ds = await openDataset(root, { missing: 'skip' }); // the real fixture folder: 60 of 12,400 images
console.log(ds.check.summary, ds.stats().byPlane);
const { train } = ds.officialSplit();
const { train: fit } = train.validationSplit({ fraction: 0.15, seed: 1 });

const stream = await createBatches(fit, {
  height: 128,
  width: 128,
  policy: 'pad',
  cache: 'build',
  batchSize: 32,
  seed: 1,
  prefetch: 2,
  sampling: 'balanced',
  normalization: 'unit',
});
let batches = 0;
let imageShape;
for await (const batch of tensorBatches(stream.epoch(0))) {
  imageShape ??= batch.images.shape;
  batches += 1;
  disposeTensorBatch(batch);
}
await stream.close();

let lanczos3;
try {
  await decodeImage(await readFile(ds.image(ds.records[0]).path), { height: 64, width: 64, kernel: 'lanczos3' });
  lanczos3 = { decoded: true };
} catch (error) {
  lanczos3 = { fpdbError: error instanceof FpdbError && isFpdbError(error), code: error.code, message: error.message };
}
console.log(JSON.stringify({ usable: ds.size, batches, imageShape, lanczos3 }));
