import { parseSafetensors } from './safetensors.js';
import { parseTorchZip } from './torch-zip.js';
import { weightsFormatError } from './internal/weights-error.js';
import type { ReadWeightsOptions, WeightsFile } from './weights-file.js';

/** `0x1950a86a20f9469cfc6c` as pickle LONG1: the magic number the pre-1.6 PyTorch format starts with. */
const LEGACY_TORCH_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * Reads pretrained weights into named float32 tensors, in Node and in browsers, without Python and
 * without running anything from the file. Sniffs the format: a zip (`PK\x03\x04`) is read as a PyTorch
 * `torch.save` file ({@link parseTorchZip}), an 8-byte length followed by `{` as safetensors
 * ({@link parseSafetensors}). Integer buffers are listed in `skipped`, not returned.
 *
 * @param bytes - the whole file (`.safetensors`, `.pth`, `.pt`).
 * @param options - `name`: the file name for error messages (default `'the weights file'`).
 * @returns a {@link WeightsFile}; its tensors are copies the caller owns.
 * @throws FpdbError FPDB_WEIGHTS_FORMAT when the file is neither format (or the pre-1.6 PyTorch
 *   format, a TorchScript archive), is truncated, or is corrupt; the message names the file and what to
 *   do. FPDB_WEIGHTS_UNSAFE when a PyTorch pickle names a Python global off the allow-list.
 *
 * @example
 * const bytes = new Uint8Array(await readFile('resnet18-f37072fd.pth')); // or fetch(url).arrayBuffer()
 * const weights = readWeights(bytes, { name: 'resnet18-f37072fd.pth' });
 * weights.format; // 'pytorch'
 * weights.tensors.get('conv1.weight'); // { shape: [64, 3, 7, 7], data: Float32Array(9408), dtype: 'F32' }
 */
export function readWeights(bytes: Uint8Array, options: ReadWeightsOptions = {}): WeightsFile {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return parseTorchZip(bytes, options);
  if (bytes.length >= 9 && bytes[8] === 0x7b && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) return parseSafetensors(bytes, options);
  if (startsWith(bytes, LEGACY_TORCH_MAGIC)) {
    throw weightsFormatError(options.name, 'it is in the legacy PyTorch format (before 1.6), which is a pickle stream of arbitrary objects, not a zip.', {
      next: "In Python with a current PyTorch, re-save it: torch.save(torch.load(path, weights_only=True), 'weights.pth').",
    });
  }
  const head = Array.from(bytes.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  throw weightsFormatError(
    options.name,
    `its ${bytes.length} bytes start with ${head || 'nothing'}, which is neither a zip (PyTorch, PK\\x03\\x04) nor a safetensors header (8-byte length, then "{").`,
  );
}
