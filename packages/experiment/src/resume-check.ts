import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FpdbError } from '@fpdb/schema';
import type { ExperimentConfig } from './experiment-config.js';

/** The keys that define what a run trains on and how: a resumed run must keep every one of them. */
const RUN_IDENTITY = [
  'data',
  'synth',
  'task',
  'testSplit',
  'validationFraction',
  'trainMachines',
  'architecture',
  'widths',
  'pretrained',
  'inputSize',
  'resize',
  'normalization',
  'epochs',
  'batchSize',
  'optimizer',
  'learningRate',
  'warmupSteps',
  'labelSmoothing',
  'weightDecay',
  'classWeights',
  'sampling',
  'augment',
  'freezeEpochs',
  'backboneLrMultiplier',
  'seed',
  'dedupe',
  'lenient',
  'extra',
] as const satisfies readonly (keyof ExperimentConfig)[];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Refuses to resume a run with another definition than the one its folder records in `config.json`: a
 * different seed, learning rate, batch size or split would silently mix two runs (and, for a split, leak
 * validation patients into training).
 * @throws FpdbError FPDB_CONFIG naming every key that differs, with both values.
 */
export async function checkResume(out: string, config: ExperimentConfig): Promise<void> {
  const file = join(out, 'config.json');
  let saved: Partial<ExperimentConfig>;
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as Partial<ExperimentConfig>;
  } catch {
    return; // Nothing recorded yet: a fresh run in this folder.
  }
  // Written before a key existed: its default then (runs before `dedupe` used the data as released).
  saved = { dedupe: 'none', lenient: false, extra: 'error', ...saved };
  // A checkpoint's normalisation is filled in when the run starts; an unset one matches it.
  const differs = RUN_IDENTITY.filter((key) => !(key === 'normalization' && config.normalization === undefined) && !same(saved[key], config[key]));
  if (differs.length > 0) {
    const list = differs.map((k) => `${k} ${JSON.stringify(saved[k] ?? null)} → ${JSON.stringify(config[k] ?? null)}`).join('; ');
    throw new FpdbError(
      'FPDB_CONFIG',
      `Cannot resume ${out}: its run was defined otherwise (${list}). Resume with the run's own config (fpdb train --config ${file} --resume), or start a new run in another folder.`,
      { details: { file, value: differs } },
    );
  }
}
