// Run inside a fresh npm project that installed the packed @fpdb tarballs: load → train → evaluate.
import * as tf from '@tensorflow/tfjs-core';
import { createBatches, openDataset } from '@fpdb/loader/node';
import { tensorBatches } from '@fpdb/loader/tfjs';
import { evaluationReport } from '@fpdb/metrics';
import { createModel, setupBackend, train } from '@fpdb/models/node';
import { labelSpace } from '@fpdb/schema';
import { generateDataset } from '@fpdb/synth/node';
import { ultrasoundDefaults, asLoaderHook } from '@fpdb/augment';

const root = process.argv[2];
await generateDataset({ outDir: root, images: 80, seed: 2, size: { width: 48, height: 32 } });
const ds = await openDataset(root);
const { train: trainSet, test } = ds.officialSplit();
const pixels = { height: 32, width: 32, policy: 'pad', cache: 'build', task: 'planes' };
const trainStream = await createBatches(trainSet, { ...pixels, batchSize: 16, seed: 1, augment: asLoaderHook(ultrasoundDefaults()) });
const testStream = await createBatches(test, { ...pixels, batchSize: 32, shuffle: false });
const backend = await setupBackend({ backend: 'auto' });
const space = labelSpace('planes');
const model = createModel({ architecture: 'reference-cnn', numClasses: 6, inputSize: 32 }, { seed: 1 });
const result = await train({ model, train: (e) => tensorBatches(trainStream.epoch(e)), epochs: 2, labels: space, workers: 2 });
const yTrue = [];
const yProb = [];
for await (const b of testStream.epoch(0)) {
  const x = tf.tensor4d(b.images, [b.batchSize, b.height, b.width, 1]);
  const p = tf.tidy(() => tf.softmax(model.apply(x)));
  yProb.push(...p.arraySync());
  yTrue.push(...b.labels);
  tf.dispose([x, p]);
}
const report = evaluationReport({ yTrue, yProb, classes: space.classes, bootstrap: false });
await Promise.all([trainStream.close(), testStream.close()]);
console.log(JSON.stringify({ backend: backend.backend, epochs: result.epochsDone, n: report.n, accuracy: report.summary.accuracy, macroF1: report.summary.macroF1 }));
