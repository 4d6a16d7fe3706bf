// 5-fold cross-validation by patient on the official train split: each fold is the test set once, a
// validation set is carved out of the other four (by patient) for the best epoch. Prints mean ± sd.
import { experimentReporter, resolveExperimentConfig, runExperiment } from '@fpdb/experiment/node';
import { SMOKE, exampleArgs } from '../shared-args.mjs';

const { smoke, data, out } = exampleArgs('kfold');
const k = 5;
const scores = [];
for (let fold = 0; fold < k; fold++) {
  const config = resolveExperimentConfig({
    task: 'planes',
    testSplit: { kind: 'k-fold', k, fold },
    out: `${out}/fold-${fold + 1}`,
    ...(data ? { data } : {}),
    ...(smoke ? { ...SMOKE, epochs: 1 } : { epochs: 4 }),
  });
  process.stderr.write(`\n== fold ${fold + 1}/${k} ==\n`);
  const { summary } = await runExperiment(config, { onEvent: experimentReporter(process.stderr) });
  scores.push({ accuracy: summary.evaluation.summary.accuracy, macroF1: summary.evaluation.summary.macroF1, n: summary.evaluation.n });
}
const stat = (xs) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
};
scores.forEach((s, i) => console.log(`fold ${i + 1}: n=${s.n}  accuracy ${s.accuracy.toFixed(3)}  macro-F1 ${s.macroF1.toFixed(3)}`));
console.log(`${k}-fold by patient: accuracy ${stat(scores.map((s) => s.accuracy))}, macro-F1 ${stat(scores.map((s) => s.macroF1))} (mean ± sd)`);
