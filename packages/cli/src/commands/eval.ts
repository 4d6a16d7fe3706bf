import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportSvgs, reportToMarkdown } from '@fpdb/metrics';
import { configOfCheckpoint, evaluateSet, experimentData, experimentReporter, type ExperimentData } from '@fpdb/experiment/node';
import { checkpointPreprocess, loadCheckpoint, readCheckpointMetadata, setupBackend } from '@fpdb/models/node';
import { FpdbError } from '@fpdb/schema';
import { defineCommand } from '../command.js';
import { checkOutputPath } from '../internal/output-path.js';

/** The sets of a run that `experimentData` rebuilds (keys of ExperimentData), test first: the default. */
const SPLITS = ['test', 'validation', 'train'] as const satisfies readonly (keyof ExperimentData)[];

const evalCommand = defineCommand({
  name: 'eval',
  summary: 'Evaluate a checkpoint on a dataset split: every metric, patient-bootstrap intervals, per-machine/operator breakdown.',
  usage: 'fpdb eval <checkpoint> [--data DIR] [--split test|validation|train] [--bootstrap N] [--out DIR] [--json]',
  description: [
    "A checkpoint inside a run folder (<run>/checkpoints/best) is evaluated on that run's own sets (same data,",
    'task, split and pixels), reproducing its test metrics. Any other checkpoint needs --data.',
  ],
  options: {
    data: { type: 'path', placeholder: 'DIR', description: "release folder (overrides the run's data)", defaultText: "the run's, else $FPDB_DATA" },
    split: { type: 'enum', choices: SPLITS, default: 'test', description: 'the set to evaluate' },
    bootstrap: { type: 'integer', min: 0, description: 'patient-bootstrap resamples', defaultText: "the run's, else 1000" },
    out: { type: 'path', placeholder: 'DIR', description: 'also write metrics.json, report.md and the SVG figures there' },
    lenient: { type: 'boolean', description: 'read a damaged metadata file leniently (bad rows dropped and counted)' },
    extra: { type: 'enum', choices: ['error', 'ignore'], description: 'PNGs in Images/ that no CSV row names', defaultText: "the run's, else error" },
  },
  json: 'print the full evaluation report as one JSON object',
  async run({ positionals, values, json, stdout, stderr, signal }) {
    const checkpoint = positionals[0];
    if (!checkpoint || positionals.length > 1) throw new FpdbError('FPDB_USAGE', 'fpdb eval takes one checkpoint folder, e.g. fpdb eval runs/demo/checkpoints/best');
    const { split, out } = values;
    if (out !== undefined) await checkOutputPath(out, '--out', 'folder');
    const metadata = await readCheckpointMetadata(checkpoint);
    const found = await configOfCheckpoint(checkpoint, metadata, values.data ?? (process.env.FPDB_DATA || undefined));
    const config = { ...found.config, ...(values.lenient ? { lenient: true } : {}), ...(values.extra === undefined ? {} : { extra: values.extra }) };
    const bootstrap = values.bootstrap ?? config.bootstrapResamples;

    const report = experimentReporter(stderr);
    const data = await experimentData(config, report, signal);
    await setupBackend({ backend: config.backend });
    const { model } = await loadCheckpoint(checkpoint, { classes: data.space.classes });
    try {
      report({ kind: 'phase', message: `Evaluating ${checkpoint} on the ${split} set (${data[split].size} images)` });
      const evaluation = await evaluateSet(model, data[split], data.space, checkpointPreprocess(metadata), {
        bootstrapResamples: bootstrap,
        seed: config.seed,
        split,
        trainMachines: config.trainMachines,
        onProgress: (p) => report({ kind: 'cache', ...p }),
        signal,
      });
      if (out !== undefined) {
        await mkdir(join(out, 'figures'), { recursive: true });
        await writeFile(join(out, 'metrics.json'), `${JSON.stringify(evaluation, null, 2)}\n`);
        await writeFile(join(out, 'report.md'), reportToMarkdown(evaluation, { title: `${checkpoint} on the ${split} set` }));
        for (const [name, svg] of Object.entries(reportSvgs(evaluation))) await writeFile(join(out, 'figures', `${name}.svg`), svg);
      }
      if (json) {
        stdout.write(`${JSON.stringify(evaluation)}\n`);
      } else {
        const s = evaluation.summary;
        const b = evaluation.bootstrap;
        const ci = (i: { low: number | null; high: number | null } | undefined) => (i ? ` [${i.low?.toFixed(3)}–${i.high?.toFixed(3)}]` : '');
        stdout.write(
          [
            `${checkpoint} on ${split} (${evaluation.n} images, ${evaluation.patients ?? '?'} patients):`,
            `  accuracy ${s.accuracy.toFixed(4)}${ci(b?.accuracy)}  balanced ${s.balancedAccuracy.toFixed(4)}  macro-F1 ${s.macroF1.toFixed(4)}${ci(b?.macroF1)}`,
            `  ROC-AUC macro ${s.rocAucMacro?.toFixed(4) ?? '–'}  log loss ${s.logLoss.toFixed(4)}  ECE ${s.ece.toFixed(4)}`,
            ...evaluation.perClass.map((c) => `  ${c.name.padEnd(18)} precision ${c.precision.toFixed(3)}  recall ${c.recall.toFixed(3)}  F1 ${c.f1.toFixed(3)}  support ${c.support}`),
            '',
          ].join('\n'),
        );
      }
    } finally {
      model.dispose();
    }
    return 0;
  },
});

export default evalCommand;
