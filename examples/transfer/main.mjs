// Transfer learning, measured: pretrain on the 6 planes, fine-tune on the brain sub-planes (TT/TC/TV),
// and train the same network on the same brain images from scratch — same steps, same seeds — then
// compare curves and test macro-F1 with patient-bootstrap CIs on one page.
// With --pretrained NAME|FILE the starting point is ImageNet weights instead (the paper's protocol with
// --data pointing at the real release); see README.md.
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { experimentReporter, resolveExperimentConfig, runExperiment } from '@fpdb/experiment/node';
import { escapeXml } from '@fpdb/metrics';
import { SMOKE, exampleArgs } from '../shared-args.mjs';

const { values } = parseArgs({ options: { pretrained: { type: 'string' }, architecture: { type: 'string' }, smoke: { type: 'boolean' }, data: { type: 'string' }, out: { type: 'string' } } });
const { smoke, data, out } = exampleArgs('transfer');
const sized = smoke ? { ...SMOKE, synth: { ...SMOKE.synth, images: 240 } } : { epochs: 8, synth: { images: 4800, seed: 1, width: 186, height: 128 } };
const common = { ...(data ? { data } : {}), ...sized, ...(values.architecture ? { architecture: values.architecture } : {}) };
const report = experimentReporter(process.stderr);

// 1. The starting point: ImageNet weights when given, else a network trained on the 6 planes.
let pretrained = values.pretrained;
if (!pretrained) {
  const pretrain = resolveExperimentConfig({ ...common, task: 'planes', out: join(out, 'pretrain') });
  await runExperiment(pretrain, { onEvent: report });
  pretrained = join(out, 'pretrain', 'checkpoints', 'best');
}

// 2. The same brain task twice: from the pretrained weights, and from scratch (same epochs, batches and seeds).
const brain = { ...common, task: 'brain', classWeights: 'balanced' };
const fineTuned = resolveExperimentConfig({ ...brain, pretrained, freezeEpochs: 1, backboneLrMultiplier: 0.3, out: join(out, 'fine-tuned') });
const scratch = resolveExperimentConfig({ ...brain, architecture: fineTuned.architecture, inputSize: fineTuned.inputSize, normalization: fineTuned.normalization, out: join(out, 'scratch') });
const runs = [
  { name: 'fine-tuned', ...(await runExperiment(fineTuned, { onEvent: report })) },
  { name: 'from scratch', ...(await runExperiment(scratch, { onEvent: report })) },
];

// 3. One page: test metrics with their intervals, and each run's training curves, side by side.
const pct = (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
const ci = (i) => (i ? ` [${pct(i.low)}, ${pct(i.high)}]` : '');
const rows = runs.map(({ name, summary }) => {
  const e = summary.evaluation;
  return `<tr><td>${escapeXml(name)}</td><td>${pct(e.summary.macroF1)}${ci(e.bootstrap?.macroF1)}</td><td>${pct(e.summary.accuracy)}${ci(e.bootstrap?.accuracy)}</td><td>${summary.training.epochsDone}</td><td>${escapeXml(summary.model.pretrained?.name ?? 'none')}</td></tr>`;
});
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Transfer learning: brain sub-planes</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.3rem .7rem;text-align:left}.side{display:flex;flex-wrap:wrap;gap:1rem}.side figure{flex:1 1 480px;margin:0}.side img{width:100%;height:auto}</style></head><body>
<h1>Fine-tuned vs from scratch: brain sub-planes (TT / TC / TV)</h1>
<p>Both runs: ${escapeXml(fineTuned.architecture)}, ${fineTuned.inputSize}×${fineTuned.inputSize}, ${fineTuned.epochs} epochs, batch ${fineTuned.batchSize}, seed ${fineTuned.seed}, the same patient-level splits. The fine-tuned run starts from ${escapeXml(runs[0].summary.model.pretrained?.name ?? pretrained)} with the backbone frozen for ${fineTuned.freezeEpochs} epoch and then trained at ${fineTuned.backboneLrMultiplier}× the learning rate. Intervals: 95% patient-bootstrap.</p>
<table><thead><tr><th>run</th><th>test macro-F1</th><th>test accuracy</th><th>epochs</th><th>pretrained weights</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<div class="side">${runs
  .map(({ name, out: dir }) => {
    const rel = relative(out, dir);
    return `<figure><figcaption><a href="${escapeXml(`${rel}/report.html`)}">${escapeXml(name)}</a>: training curves</figcaption><img alt="${escapeXml(name)} training curves" src="${escapeXml(`${rel}/figures/training-curves.svg`)}"></figure>`;
  })
  .join('')}</div>
<p>Research use only. Not a medical device.</p></body></html>`;
await writeFile(join(out, 'report.html'), page);
for (const { name, summary } of runs) console.log(`${name.padEnd(13)} macro-F1 ${pct(summary.evaluation.summary.macroF1)}${ci(summary.evaluation.bootstrap?.macroF1)}`);
console.log(`Report: ${join(out, 'report.html')}`);
