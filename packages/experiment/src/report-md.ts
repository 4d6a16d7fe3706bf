import { pretrainedText } from './report-html.js';
import type { RunSummary } from './run-summary.js';

const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));

/** The run's `report.md`: data, split sizes, training history and model card, then the test report (Markdown from @fpdb/metrics). */
export function runMarkdown(run: RunSummary, testReportMarkdown: string): string {
  const cls = run.classes;
  const split = (name: string, s: RunSummary['splits']['train']) => `| ${name} | ${s.images} | ${s.patients} | ${cls.map((c) => s.byClass[c] ?? 0).join(' | ')} |`;
  const lines = [
    `# ${run.title}`,
    '',
    `${run.task} task · ${cls.length} classes · ${run.data.kind === 'synthetic' ? 'synthetic data (@fpdb/synth): the numbers show the pipeline works, not clinical performance' : 'FETAL_PLANES_DB release'} · data at \`${run.data.root}\` · ${run.finishedAt} · ${run.seconds.toFixed(0)} s`,
    '',
    '## Data and split',
    '',
    `${run.data.stats.images} images from ${run.data.stats.patients} patients${run.data.missingSkipped ? ` (${run.data.missingSkipped} rows skipped: image missing)` : ''}; ${run.data.split}; validation carved out of train by patient.`,
    '',
    `| set | images | patients | ${cls.join(' | ')} |`,
    `|---|---:|---:|${cls.map(() => '---:').join('|')}|`,
    split('train', run.splits.train),
    split('validation', run.splits.validation),
    split('test', run.splits.test),
    '',
    '## Training',
    '',
    `${run.model.architecture}, ${run.model.parameters} parameters, input ${run.model.inputSize}×${run.model.inputSize}×1 (${run.model.resize}, ${run.model.normalization}); ${run.training.optimizer}, learning rate ${run.training.learningRate} (cosine), batch ${run.training.batchSize}; ${run.training.epochsDone}/${run.training.epochs} epochs on ${run.training.backend} × ${run.training.workers}: ${run.training.trainSeconds.toFixed(0)} s, ${run.training.imagesPerSecond.toFixed(1)} images/s. Best epoch (validation macro-F1): ${run.training.bestEpoch === null ? '–' : run.training.bestEpoch + 1}.`,
    '',
    '| epoch | train loss | train acc. | train macro-F1 | val loss | val acc. | val macro-F1 | seconds |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...run.training.history.map(
      (h) => `| ${h.epoch + 1}${h.best ? ' ★' : ''} | ${num(h.trainLoss)} | ${num(h.trainAccuracy)} | ${num(h.trainMacroF1)} | ${num(h.valLoss)} | ${num(h.valAccuracy)} | ${num(h.valMacroF1)} | ${h.seconds.toFixed(1)} |`,
    ),
    '',
    '![Training curves](figures/training-curves.svg)',
    '',
    '## Model card',
    '',
    `- Architecture: ${run.model.architecture}, ${run.model.parameters} parameters; classes: ${cls.join(', ')}.`,
    ...(run.model.pretrained ? [`- Pretrained weights: ${pretrainedText(run.model.pretrained)}.`] : []),
    `- Seed ${run.seed}; trained ${run.training.trainSeconds.toFixed(0)} s on ${run.machine.cpus} × ${run.machine.cpuModel}, ${run.machine.memoryGiB} GiB, Node ${run.machine.node}.`,
    '- Intended use: research on maternal-fetal ultrasound plane classification. Not a medical device.',
    '- Data: Burgos-Artizzu et al., Scientific Reports 10:10200 (2020), doi:10.1038/s41598-020-67076-5 (FETAL_PLANES_DB, Zenodo 3904280, CC BY 4.0).',
    '',
    testReportMarkdown.replace(/^# /m, '## '),
    '',
    '![Confusion matrix](figures/confusion-matrix.svg) ![Reliability](figures/reliability-diagram.svg)',
    '',
  ];
  return lines.join('\n');
}
