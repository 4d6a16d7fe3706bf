/**
 * Element types fpdb reads as float32, spelled as safetensors spells them (a PyTorch
 * `torch.HalfStorage` is reported as `'F16'`, `torch.FloatStorage` as `'F32'`, and so on).
 */
export type FloatDtype = 'F32' | 'F16' | 'BF16' | 'F64';

/**
 * One tensor of a weights file, widened (F16, BF16) or narrowed (F64, rounded to nearest) to float32.
 * `data` is row-major, `data.length` is the product of `shape` (1 for a scalar, `shape` `[]`), and the
 * caller owns it: it never aliases the input bytes or another tensor.
 */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
  /** The element type stored in the file, before conversion to float32. */
  dtype: FloatDtype;
}

/**
 * An entry of a weights file that is not a float tensor and so is not in `tensors`: integer and bool
 * buffers (`'integer'`, e.g. batch norm's `num_batches_tracked`, I64), and, in a PyTorch state dict,
 * values that are not tensors at all (`'not-a-tensor'`, dtype `'object'`, shape `[]`).
 */
export interface SkippedEntry {
  name: string;
  /** safetensors spelling (`'I64'`, `'U8'`, `'BOOL'`…), or `'object'` for a non-tensor value. */
  dtype: string;
  shape: number[];
  reason: 'integer' | 'not-a-tensor';
}

/** What {@link readWeights}, {@link parseSafetensors} and {@link parseTorchZip} return. */
export interface WeightsFile {
  format: 'safetensors' | 'pytorch';
  /** Float tensors by name, in file order. */
  tensors: Map<string, WeightTensor>;
  /** Entries read but not returned as float32, in file order (empty when there are none). */
  skipped: SkippedEntry[];
  /** safetensors `__metadata__` (string to string), when the file has one. */
  metadata?: Record<string, string>;
  /**
   * PyTorch only: the top-level key the state dict was taken from when the file is a training
   * checkpoint (`'state_dict'` or `'model'`); absent when the file is the state dict itself.
   */
  stateDictKey?: string;
}

/** Options of the weights readers. */
export interface ReadWeightsOptions {
  /** The file name to put in error messages (default `'the weights file'`). */
  name?: string;
}
