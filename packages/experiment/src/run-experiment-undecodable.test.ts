import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '@fpdb/synth/node';
import { expect, it } from 'vitest';
import { resolveExperimentConfig } from './experiment-config.js';
import { runExperiment } from './run-experiment.js';

it('images the cache cannot decode leave every set before the first epoch, counted in the summary (not a crash at the final evaluation)', async () => {
  const work = mkdtempSync(join(tmpdir(), 'fpdb-undecodable-'));
  const data = join(work, 'data');
  await generateDataset({ outDir: data, images: 60, seed: 3, size: { width: 48, height: 32 } });
  // Truncated PNGs: their headers pass openDataset's checks, their data fails to decode.
  const broken = readdirSync(join(data, 'Images')).sort().slice(0, 3);
  for (const n of broken) writeFileSync(join(data, 'Images', n), readFileSync(join(data, 'Images', n)).subarray(0, -30));
  const phases: string[] = [];
  const out = join(work, 'run');
  const result = await runExperiment(resolveExperimentConfig({ data, out, inputSize: 32, epochs: 1, bootstrapResamples: 0 }), {
    onEvent: (e) => e.kind === 'phase' && phases.push(e.message),
  });
  expect(result).toBeDefined();
  expect(phases.find((m) => m.startsWith('3 image(s) could not be decoded'))).toBeDefined();
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  expect(metrics.data.undecodableSkipped).toBe(3);
  expect(metrics.data.stats.images).toBe(57);
}, 120_000);
