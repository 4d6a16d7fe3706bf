import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compareHtml, compareRuns } from '@fpdb/experiment/node';
import { FpdbError } from '@fpdb/schema';
import { defineCommand } from '../command.js';
import { checkOutputPath } from '../internal/output-path.js';

const signed = (x: number, scale: number, digits: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(scale * x).toFixed(digits)}`;

const compareCommand = defineCommand({
  name: 'compare',
  summary: 'Compare run folders side by side: test metrics, paired patient-bootstrap differences, training curves, config differences.',
  usage: 'fpdb compare <run> <run> [<run>…] [--out DIR] [--bootstrap N] [--seed N] [--json]',
  description: [
    'Every run is compared with the first. The difference in accuracy and macro-F1 gets a paired patient',
    'bootstrap interval: test images are paired by name, and each resample scores both runs on the same',
    'patients. Runs tested on different test sets are refused (FPDB_SPLIT). Writes compare.html and',
    'compare.json into --out.',
  ],
  options: {
    out: { type: 'path', placeholder: 'DIR', default: 'compare', description: 'folder for compare.html and compare.json' },
    bootstrap: { type: 'integer', min: 1, default: 1000, description: 'paired bootstrap resamples' },
    seed: { type: 'integer', min: 0, default: 0, description: 'seed of the resampling' },
  },
  json: 'print the comparison (runs, differences with intervals, config differences) as one JSON object',
  examples: ['fpdb compare runs/baseline runs/mobilenet --out runs/compare'],
  async run({ positionals, values, json, stdout, stderr }) {
    if (positionals.length < 2) throw new FpdbError('FPDB_USAGE', `compare needs at least two run folders, e.g. fpdb compare runs/a runs/b; got ${positionals.length}.`);
    await checkOutputPath(values.out, '--out', 'folder');
    const comparison = await compareRuns(positionals, { resamples: values.bootstrap, seed: values.seed });
    const out = resolve(values.out);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'compare.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    await writeFile(join(out, 'compare.html'), compareHtml(comparison, { out }));
    if (json) {
      stdout.write(`${JSON.stringify(comparison)}\n`);
    } else {
      const { runs, differences, testSet } = comparison;
      const width = Math.max(...runs.map((r) => r.name.length), 4);
      stdout.write(
        [
          `${runs.length} runs on ${testSet.images} test images of ${testSet.patients} patients (${testSet.task}):`,
          ...runs.map((r) => `  ${r.name.padEnd(width)}  accuracy ${(100 * r.metrics.accuracy).toFixed(1)}%  macro-F1 ${r.metrics.macroF1.toFixed(3)}`),
          `Against ${runs[0]!.name} (paired patient bootstrap, ${values.bootstrap} resamples, 95% intervals):`,
          ...differences.map(
            (d) =>
              `  ${runs[d.run]!.name.padEnd(width)}  accuracy ${signed(d.accuracy.difference, 100, 1)} pp [${signed(d.accuracy.low, 100, 1)}, ${signed(d.accuracy.high, 100, 1)}]  macro-F1 ${signed(d.macroF1.difference, 1, 3)} [${signed(d.macroF1.low, 1, 3)}, ${signed(d.macroF1.high, 1, 3)}]`,
          ),
          `${comparison.config.length} config key${comparison.config.length === 1 ? '' : 's'} differ${comparison.config.length === 1 ? 's' : ''}${comparison.config.length ? `: ${comparison.config.map((c) => c.key).join(', ')}` : ''}.`,
          '',
        ].join('\n'),
      );
      stderr.write(`Wrote ${join(out, 'compare.html')}\n`);
    }
    return 0;
  },
});

export default compareCommand;
