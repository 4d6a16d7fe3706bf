// The paper's setting: 6 planes, official patient-disjoint train/test split, validation carved out of
// train by patient, best epoch by validation macro-F1, test metrics with patient-bootstrap CIs.
import { experimentReporter, resolveExperimentConfig, runExperiment } from '@fpdb/experiment/node';
import { SMOKE, exampleArgs } from '../shared-args.mjs';

const { smoke, data, out } = exampleArgs('train-planes');
const config = resolveExperimentConfig({
  task: 'planes',
  testSplit: { kind: 'official' },
  out,
  ...(data ? { data } : {}),
  ...(smoke ? SMOKE : { epochs: 10 }),
});
const { summary } = await runExperiment(config, { onEvent: experimentReporter(process.stderr) });
const s = summary.evaluation.summary;
const b = summary.evaluation.bootstrap;
console.log(`6 planes, official test split: accuracy ${s.accuracy.toFixed(3)}${b ? ` [${b.accuracy.low?.toFixed(3)}, ${b.accuracy.high?.toFixed(3)}]` : ''}, macro-F1 ${s.macroF1.toFixed(3)}`);
for (const c of summary.evaluation.perClass) console.log(`  ${c.name.padEnd(16)} recall ${c.recall.toFixed(3)}  F1 ${c.f1.toFixed(3)}  (n=${c.support})`);
console.log(`Report: ${out}/report.html`);
