/**
 * Stable error codes shared by every @fpdb package. A code never changes meaning once released;
 * programs branch on `error.code`, people read `error.message`.
 */
export const FPDB_ERROR_CODES = [
  // metadata (CSV)
  'FPDB_CSV_HEADER',
  'FPDB_CSV_COLUMNS',
  'FPDB_CSV_VALUE',
  'FPDB_CSV_DUPLICATE',
  'FPDB_CSV_MISMATCH',
  'FPDB_CSV_INVALID',
  'FPDB_CSV_READ',
  'FPDB_IMAGE_NAME',
  // images and dataset folders
  'FPDB_IMAGE_MISSING',
  'FPDB_IMAGE_DECODE',
  'FPDB_IMAGE_TOO_LARGE',
  'FPDB_IMAGE_NOT_PNG',
  'FPDB_DATASET_NOT_FOUND',
  'FPDB_PATH_ESCAPE',
  'FPDB_CACHE',
  'FPDB_DOWNLOAD',
  'FPDB_CHECKSUM',
  'FPDB_NETWORK',
  'FPDB_OUTPUT_NOT_EMPTY',
  // splits and label spaces
  'FPDB_SPLIT',
  'FPDB_LABEL',
  // arrays, tensors, metrics
  'FPDB_INVALID_ARGUMENT',
  'FPDB_SHAPE',
  'FPDB_EMPTY',
  'FPDB_LENGTH_MISMATCH',
  'FPDB_PROBABILITIES',
  'FPDB_UNDEFINED_METRIC',
  // models and training
  'FPDB_BACKEND',
  'FPDB_KERNEL',
  'FPDB_CHECKPOINT',
  'FPDB_CHECKPOINT_MISMATCH',
  // pretrained weights (safetensors, PyTorch .pth)
  'FPDB_WEIGHTS_FORMAT',
  'FPDB_WEIGHTS_UNSAFE',
  'FPDB_WEIGHTS_LAYOUT',
  'FPDB_DIVERGED',
  'FPDB_WORKER',
  'FPDB_ABORTED',
  // pipelines and config
  'FPDB_PIPELINE',
  'FPDB_CONFIG',
  'FPDB_USAGE',
  // optional dependencies a code path needs and the install left out (sharp, a tfjs backend)
  'FPDB_DEPENDENCY_MISSING',
  // fpdb's own files found damaged (a cached image failing its checksum), and a disk too small for what was asked
  'FPDB_CACHE_CORRUPT',
  'FPDB_NO_SPACE',
] as const;

/** One of {@link FPDB_ERROR_CODES}. */
export type FpdbErrorCode = (typeof FPDB_ERROR_CODES)[number];

/** Where a problem was found: any of file, 1-based line, column name, offending value, and more. */
export interface FpdbErrorDetails {
  file?: string;
  line?: number;
  column?: string;
  value?: unknown;
  [key: string]: unknown;
}

/**
 * The one error type of fpdb. The message says what was found, what was expected and what to do;
 * `code` is stable for programs; `details` locates the problem.
 *
 * @example
 * try { parseRecord(row) } catch (e) { if (e instanceof FpdbError && e.code === 'FPDB_CSV_VALUE') … }
 */
export class FpdbError extends Error {
  override readonly name = 'FpdbError';
  readonly code: FpdbErrorCode;
  readonly details: FpdbErrorDetails;

  constructor(code: FpdbErrorCode, message: string, options: { details?: FpdbErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `error` is an {@link FpdbError}, optionally with the given code. Works across package copies. */
export function isFpdbError(error: unknown, code?: FpdbErrorCode): error is FpdbError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === 'FpdbError' && typeof e.code === 'string' && (code === undefined || e.code === code);
}
