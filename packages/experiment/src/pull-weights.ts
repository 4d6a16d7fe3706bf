import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { downloadFile, fpdbCacheHome, hashFile, type Checksum, type DownloadFileResult } from '@fpdb/loader/node';
import { PRETRAINED_WEIGHTS, resolvePresetName, type PretrainedPresetName, type WeightsSource } from '@fpdb/models';

/** Options of {@link pullWeights}. */
export interface PullWeightsOptions {
  /** Folder to keep the file in. Default `<user cache>/fpdb/weights` (`$XDG_CACHE_HOME`, else `~/.cache`). */
  dir?: string;
  /** Pin the file's sha256 (hex): a download or a kept file with another digest is refused and deleted. */
  sha256?: string;
  /** Download from here instead of the hub (a mirror, or a file server of your own). */
  url?: string;
  onProgress?: (p: { phase: string; done: number; total?: number }) => void;
  signal?: AbortSignal;
}

/** What {@link pullWeights} did. */
export interface PulledWeights {
  /** The canonical preset name (`mobilenet_v2` → `mobilenetv2_100`). */
  name: PretrainedPresetName;
  file: string;
  source: WeightsSource;
  sha256: string;
  bytes: number;
  /** False when a kept file was reused (verified against its recorded digest). */
  downloaded: boolean;
}

/** The sidecar that records a pulled file's origin and digest, checked on every reuse. */
interface PullRecord {
  url: string;
  sha256: string;
  bytes: number;
}

/**
 * Downloads the ImageNet weights of a preset (timm's safetensors on the Hugging Face hub) once, through the
 * loader's resumable `downloadFile` — the same path as the dataset's. The sha256 is recorded next to the file
 * (`<name>.safetensors.json`) and checked whenever the file is reused; `sha256` pins it.
 * @throws FpdbError FPDB_CONFIG (unknown name), FPDB_NETWORK / FPDB_DOWNLOAD (with what to do), FPDB_CHECKSUM
 *   (the file is deleted), FPDB_ABORTED (the partial download is kept and resumed next time).
 * @example const { file } = await pullWeights('resnet18'); const model = await importPretrained(file, { architecture: 'resnet18', numClasses: 6 });
 */
export async function pullWeights(name: string, options: PullWeightsOptions = {}): Promise<PulledWeights> {
  const preset = resolvePresetName(name);
  const source = options.url ? { ...PRETRAINED_WEIGHTS[preset], url: options.url } : PRETRAINED_WEIGHTS[preset];
  const dir = resolve(options.dir ?? join(fpdbCacheHome(), 'weights'));
  const file = join(dir, `${preset}.safetensors`);
  const recordFile = `${file}.json`;
  const recorded = await readFile(recordFile, 'utf8')
    .then((text) => JSON.parse(text) as PullRecord)
    .catch(() => undefined);
  const pinned = options.sha256?.toLowerCase() ?? (recorded?.url === source.url ? recorded.sha256 : undefined);
  const checksum: Checksum | undefined = pinned ? { algorithm: 'sha256', value: pinned } : undefined;
  const result: DownloadFileResult = await downloadFile(source.url, file, {
    ...(checksum ? { checksum } : {}),
    algorithm: 'sha256',
    remedy: `or download ${source.url} in a browser and import it with \`fpdb weights import FILE --architecture ${preset}\``,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // A server's Content-MD5 may have been what was verified; the record keeps the sha256 either way.
  const sha256 = result.checksum.algorithm === 'sha256' ? result.checksum.value : await hashFile(file, 'sha256');
  const record: PullRecord = { url: source.url, sha256, bytes: result.bytes };
  await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return { name: preset, file, source, sha256, bytes: result.bytes, downloaded: result.attempts > 0 };
}
