// The parts by hand, no @fpdb/cli: synth (or a real folder) → loader → schema splits → augment → models → metrics.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { asLoaderHook, compose, contrast, gaussianNoise, horizontalFlip, rotate } from '@fpdb/augment';
import { createBatches, openDataset } from '@fpdb/loader/node';
import { tensorBatches } from '@fpdb/loader/tfjs';
import { classificationReport, evaluationReport } from '@fpdb/metrics';
import { createModel, setupBackend, train } from '@fpdb/models/node';
import { labelSpace, validationSplit } from '@fpdb/schema';
import { generateDataset } from '@fpdb/synth/node';
import { exampleArgs } from '../shared-args.mjs';

const { smoke, data, out } = exampleArgs('custom-pipeline');
const size = smoke ? 32 : 96;

// 1. Data: a real release folder, or a synthetic one made once.
let root = data;
if (!root) {
  root = join(out, 'synth');
  if (!existsSync(join(root, 'FETAL_PLANES_DB_data.csv'))) {
    await generateDataset({ outDir: root, images: smoke ? 150 : 1500, seed: 5, size: { width: Math.round(size * 1.45), height: size } });
  }
}
const dataset = await openDataset(root, { missing: 'skip' });

// 2. Splits by patient with @fpdb/schema: official test set, stratified validation carved out of train.
const space = labelSpace('planes');
const { train: trainAll, test } = dataset.officialSplit();
const parts = validationSplit(trainAll.records, { fraction: 0.2, seed: 1 });
const pick = (records) => dataset.filter({ where: (r) => records.includes(r) });
const [trainSet, valSet] = [pick(parts.train), pick(parts.validation)];
console.log(`train ${trainSet.size}, validation ${valSet.size}, test ${test.size} images`);

// 3. Augmentation built from single transforms, plugged into the loader's hook.
const augment = compose([horizontalFlip({ p: 0.5 }), rotate({ degrees: [-10, 10], p: 0.7 }), contrast({ factor: [0.8, 1.2] }), gaussianNoise({ std: [0, 0.03] })], { fanAware: true });
const pixels = { height: size, width: size, policy: 'pad', cache: 'build', normalization: 'unit', task: 'planes' };
const trainStream = await createBatches(trainSet, { ...pixels, batchSize: 32, seed: 1, augment: asLoaderHook(augment) });
const valStream = await createBatches(valSet, { ...pixels, batchSize: 64, shuffle: false });
const testStream = await createBatches(test, { ...pixels, batchSize: 64, shuffle: false });

// 4. A model from @fpdb/models, trained on two worker threads.
const backend = await setupBackend({ backend: 'auto' });
const model = createModel({ architecture: 'reference-cnn', numClasses: space.classes.length, inputSize: size }, { seed: 1 });
const result = await train({
  model,
  train: (epoch) => tensorBatches(trainStream.epoch(epoch)),
  validation: () => tensorBatches(valStream.epoch(0)),
  epochs: smoke ? 1 : 8,
  optimizer: 'adam',
  learningRate: { base: 2e-3, schedule: 'cosine' },
  labels: space,
  workers: 2,
  onEpochEnd: (e) => console.log(`epoch ${e.epoch + 1}: loss ${e.loss.toFixed(3)}, val macro-F1 ${e.valMacroF1?.toFixed(3)}`),
});
console.log(`trained on ${backend.backend}; best epoch ${(result.bestEpoch ?? 0) + 1}`);

// 5. Test predictions → @fpdb/metrics.
const yTrue = [];
const yProb = [];
for await (const batch of testStream.epoch(0)) {
  const x = tf.tensor4d(batch.images, [batch.batchSize, batch.height, batch.width, 1]);
  const p = tf.tidy(() => tf.softmax(model.apply(x, { training: false })));
  yProb.push(...p.arraySync());
  yTrue.push(...batch.labels);
  tf.dispose([x, p]);
}
const report = evaluationReport({ yTrue, yProb, classes: space.classes, bootstrap: { resamples: smoke ? 50 : 1000, seed: 1 } });
const yPred = yProb.map((row) => row.indexOf(Math.max(...row)));
console.log(classificationReport(yTrue, yPred, { classes: space.classes, zeroDivision: 0 }));
console.log(
  `test accuracy ${report.summary.accuracy.toFixed(3)}, macro-F1 ${report.summary.macroF1.toFixed(3)} [${report.bootstrap.macroF1.low?.toFixed(3)}, ${report.bootstrap.macroF1.high?.toFixed(3)}]`,
);
model.dispose();
await Promise.all([trainStream.close(), valStream.close(), testStream.close()]);
