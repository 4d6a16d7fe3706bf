import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FpdbError } from '@fpdb/schema';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { CHECKPOINT_FILES } from '../checkpoint/read-checkpoint.js';
import { importPretrained as importFromUrlOrBytes, pretrainedFromBytes, pretrainedFromCheckpoint, type ImportPretrainedOptions, type PretrainedModel } from './import-pretrained.js';

/**
 * A model with pretrained weights, as the root entry's `importPretrained`, from a path too: a safetensors
 * file (Hugging Face / timm) or a PyTorch `.pth` (torchvision) mapped into fpdb's network of that name, or an
 * fpdb checkpoint folder (its network and weights, a fresh head when the classes differ). The caller owns the model.
 * @param source a path (or `file:` URL), an http(s) URL, or the file's bytes.
 * @throws FpdbError FPDB_WEIGHTS_FORMAT (no such file, not a weights file, a folder without fpdb.json, truncated),
 *   FPDB_WEIGHTS_UNSAFE, FPDB_WEIGHTS_LAYOUT, FPDB_SHAPE, FPDB_CONFIG, FPDB_INVALID_ARGUMENT (no architecture or numClasses).
 * @example
 * const model = await importPretrained('resnet18.tv_in1k.safetensors', { architecture: 'resnet18', numClasses: 6 });
 * await train({ model, fineTune: { freezeEpochs: 1, backboneLearningRateMultiplier: 0.1 }, pretrained: model.pretrained, … });
 */
export async function importPretrained(source: string | URL | Uint8Array, options: ImportPretrainedOptions = {}): Promise<PretrainedModel> {
  if (source instanceof Uint8Array || /^https?:\/\//i.test(String(source))) return importFromUrlOrBytes(source, options);
  const path = source instanceof URL ? fileURLToPath(source) : source;
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new FpdbError('FPDB_WEIGHTS_FORMAT', `${path} does not exist. Pass a .safetensors or .pth file, or an fpdb checkpoint folder.`, { details: { file: path } });
  if (info.isDirectory()) {
    if (!(await stat(join(path, CHECKPOINT_FILES.metadata)).catch(() => undefined))) {
      throw new FpdbError('FPDB_WEIGHTS_FORMAT', `${path} is a folder without ${CHECKPOINT_FILES.metadata}, so not an fpdb checkpoint. Pass a .safetensors or .pth file, or a checkpoint folder.`, {
        details: { file: path },
      });
    }
    const saved = await loadCheckpoint(path);
    let shard: Uint8Array;
    try {
      shard = new Uint8Array(await readFile(join(path, CHECKPOINT_FILES.shard)));
    } catch (cause) {
      saved.model.dispose();
      throw cause;
    }
    return pretrainedFromCheckpoint(saved, shard, path, options);
  }
  const name = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  return pretrainedFromBytes({ bytes: new Uint8Array(await readFile(path)), where: path, name }, options);
}
