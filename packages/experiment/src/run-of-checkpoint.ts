import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkpointPreprocess, type CheckpointMetadata } from '@fpdb/models';
import { FpdbError, type Task } from '@fpdb/schema';
import { experimentPreprocess, resolveExperimentConfig, type ExperimentConfig } from './experiment-config.js';

/**
 * The experiment config a checkpoint came from: the run's `config.json` when the checkpoint sits in a
 * run folder (`<run>/checkpoints/best`), so evaluation rebuilds the very same test set; otherwise a
 * config made from the checkpoint's own metadata (task, input size, resize, seed) and `--data`.
 * @throws FpdbError FPDB_USAGE when neither a run folder nor `data` tells where the images are;
 *   FPDB_CHECKPOINT_MISMATCH when the run's config preprocesses images otherwise than the checkpoint records.
 */
export async function configOfCheckpoint(checkpoint: string, metadata: CheckpointMetadata, data: string | undefined): Promise<{ config: ExperimentConfig; fromRun: boolean }> {
  const runConfig = join(dirname(dirname(resolve(checkpoint))), 'config.json');
  let fromRun: Partial<ExperimentConfig> | undefined;
  try {
    fromRun = JSON.parse(await readFile(runConfig, 'utf8')) as Partial<ExperimentConfig>;
  } catch {
    fromRun = undefined;
  }
  if (fromRun) {
    const config = resolveExperimentConfig({ ...fromRun, ...(data ? { data } : {}), resume: false });
    const [run, saved] = [experimentPreprocess(config), checkpointPreprocess(metadata)];
    if (JSON.stringify(run) !== JSON.stringify(saved)) {
      throw new FpdbError(
        'FPDB_CHECKPOINT_MISMATCH',
        `${runConfig} preprocesses images as ${JSON.stringify(run)} but the checkpoint ${checkpoint} was trained with ${JSON.stringify(saved)}. Evaluate the checkpoint that run wrote, or move the checkpoint out of the run folder and pass --data.`,
        { details: { file: runConfig } },
      );
    }
    return { config, fromRun: true };
  }
  if (!data) {
    throw new FpdbError('FPDB_USAGE', `${checkpoint} is not inside a run folder (no ${runConfig}); pass --data DIR with the release folder to evaluate on.`, { details: { file: checkpoint } });
  }
  if (!metadata.labels.task) {
    throw new FpdbError('FPDB_CHECKPOINT', `${checkpoint} records no task (its classes are ${metadata.labels.classes.join(', ')}), so the images to evaluate cannot be chosen.`, {
      details: { file: checkpoint },
    });
  }
  return {
    config: resolveExperimentConfig({
      data,
      task: metadata.labels.task as Task,
      inputSize: metadata.inputSize[0],
      resize: metadata.resize,
      seed: metadata.seed,
    }),
    fromRun: false,
  };
}
