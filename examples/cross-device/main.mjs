// The release's built-in device shift: train only on Aloka + Voluson E6, then test on the official test
// split, where Voluson S10 (1,071 test vs 11 train images) and "Other" machines are unseen. The report's
// `domain` breakdown gives in-domain vs shifted metrics; the gap is what this example reports.
import { experimentReporter, resolveExperimentConfig, runExperiment } from '@fpdb/experiment/node';
import { SMOKE, exampleArgs } from '../shared-args.mjs';

const { smoke, data, out } = exampleArgs('cross-device');
const config = resolveExperimentConfig({
  task: 'planes',
  trainMachines: ['Aloka', 'Voluson E6'],
  out,
  ...(data ? { data } : {}),
  ...(smoke ? { ...SMOKE, synth: { ...SMOKE.synth, images: 300 } } : { epochs: 8, synth: { images: 3000, seed: 1, width: 186, height: 128 } }),
});
const { summary } = await runExperiment(config, { onEvent: experimentReporter(process.stderr) });
const domain = Object.fromEntries(summary.evaluation.by.domain.map((g) => [g.group, g]));
const row = (name) =>
  domain[name]
    ? `${name.padEnd(10)} n=${String(domain[name].count).padStart(5)}  accuracy ${domain[name].accuracy.toFixed(3)}  macro-F1 ${domain[name].macroF1.toFixed(3)}`
    : `${name}: no test images`;
console.log('Trained on Aloka + Voluson E6; tested on the official test split:');
console.log(`  ${row('in-domain')}`);
console.log(`  ${row('shifted')}   (Voluson S10 + Other)`);
if (domain['in-domain'] && domain.shifted) {
  console.log(`  gap: accuracy ${(domain['in-domain'].accuracy - domain.shifted.accuracy).toFixed(3)}, macro-F1 ${(domain['in-domain'].macroF1 - domain.shifted.macroF1).toFixed(3)}`);
}
for (const g of summary.evaluation.by['US machine']) console.log(`    ${g.group.padEnd(12)} n=${String(g.count).padStart(5)}  macro-F1 ${g.macroF1.toFixed(3)}`);
console.log(`Report: ${out}/report.html`);
