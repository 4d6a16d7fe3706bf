// Brain sub-planes: trans-thalamic / trans-cerebellum / trans-ventricular on brain images only
// (brain `Other` excluded). TT dominates, so the loss is weighted by inverse class frequency.
import { experimentReporter, resolveExperimentConfig, runExperiment } from '@fpdb/experiment/node';
import { SMOKE, exampleArgs } from '../shared-args.mjs';

const { smoke, data, out } = exampleArgs('train-brain');
const config = resolveExperimentConfig({
  task: 'brain',
  classWeights: 'balanced',
  out,
  ...(data ? { data } : {}),
  ...(smoke ? { ...SMOKE, synth: { ...SMOKE.synth, images: 240 } } : { epochs: 12, synth: { images: 4800, seed: 1, width: 186, height: 128 } }),
});
const { summary } = await runExperiment(config, { onEvent: experimentReporter(process.stderr) });
const e = summary.evaluation;
console.log(`Brain TT/TC/TV: accuracy ${e.summary.accuracy.toFixed(3)}, balanced accuracy ${e.summary.balancedAccuracy.toFixed(3)}, macro-F1 ${e.summary.macroF1.toFixed(3)}`);
for (const c of e.perClass) console.log(`  ${c.name.padEnd(18)} recall ${c.recall.toFixed(3)}  (n=${c.support})`);
const tt = e.classes.indexOf('Trans-thalamic');
const tv = e.classes.indexOf('Trans-ventricular');
console.log(`  TT↔TV confusions: ${e.confusionMatrix.counts[tt][tv]} TT called TV, ${e.confusionMatrix.counts[tv][tt]} TV called TT`);
console.log(`Report: ${out}/report.html`);
