import { decodeFloats, FLOAT_BYTES } from './internal/float-decode.js';
import { elementCount, isCount } from './internal/element-count.js';
import { weightsFormatError } from './internal/weights-error.js';
import type { FloatDtype, ReadWeightsOptions, SkippedEntry, WeightsFile, WeightTensor } from './weights-file.js';

/** Every dtype of the safetensors spec with its size in bytes; floats are read, integers skipped. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};
const INTEGER_DTYPES: ReadonlySet<string> = new Set(['BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64']);

/** The reference implementation's limit; a larger header is not a safetensors file. */
const MAX_HEADER_BYTES = 100_000_000;

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function isFloatDtype(dtype: string): dtype is FloatDtype {
  return Object.hasOwn(FLOAT_BYTES, dtype);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Parses a safetensors file (8-byte little-endian header length, JSON header, raw little-endian data)
 * into float32 tensors. F32, F16, BF16 and F64 tensors are read (F16/BF16 widened exactly, F64 rounded
 * to nearest); integer and bool tensors (I8…U64, BOOL) are listed in `skipped`; float8 and unknown
 * dtypes are refused. `tensors` is in the order the data is stored.
 *
 * Validates the whole layout before decoding: header length within the file, UTF-8 JSON object,
 * `__metadata__` string to string, each entry's dtype, shape and `data_offsets`, byte length equal to
 * the element count times the dtype size, and offsets that tile the data exactly (no overlap, gap or
 * trailing bytes).
 *
 * @param bytes - the whole file.
 * @param options - `name`: the file name for error messages.
 * @returns a {@link WeightsFile} with `format: 'safetensors'`; its arrays are copies the caller owns.
 * @throws FpdbError FPDB_WEIGHTS_FORMAT when the file is truncated, the header is corrupt, an entry is
 *   inconsistent, or a float tensor has a dtype fpdb does not read (F8_E4M3, F8_E5M2, unknown).
 *
 * @example
 * const file = parseSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()), { name: 'model.safetensors' });
 * const stem = file.tensors.get('conv1.weight'); // { shape: [64, 3, 7, 7], data: Float32Array, dtype: 'F32' }
 */
export function parseSafetensors(bytes: Uint8Array, options: ReadWeightsOptions = {}): WeightsFile {
  const { name } = options;
  if (bytes.length < 8) {
    throw weightsFormatError(name, `it has ${bytes.length} bytes; a safetensors file starts with an 8-byte header length (the file is empty or truncated).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const available = bytes.length - 8;
  if (high !== 0 || low > MAX_HEADER_BYTES) {
    throw weightsFormatError(name, `the first 8 bytes give a header length of ${high * 2 ** 32 + low} bytes, expected at most ${MAX_HEADER_BYTES} (this is not a safetensors file).`);
  }
  if (low > available) {
    throw weightsFormatError(name, `the safetensors header should be ${low} bytes but only ${available} follow the length (the file is truncated).`, {
      details: { headerBytes: low, fileBytes: bytes.length },
    });
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + low)));
  } catch (cause) {
    throw weightsFormatError(name, `the ${low}-byte safetensors header is not UTF-8 JSON (${cause instanceof Error ? cause.message : String(cause)}); the file is corrupt or truncated.`, { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw weightsFormatError(name, `the safetensors header is ${describe(header)}, expected a JSON object of tensors.`);
  }

  const dataStart = 8 + low;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> | undefined;
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
        throw weightsFormatError(name, `__metadata__ is ${describe(value)}, expected an object of strings.`);
      }
      // fromEntries defines own properties, so a "__proto__" key stays a key.
      metadata = Object.fromEntries(Object.entries(value as Record<string, string>));
      continue;
    }
    entries.push(checkEntry(name, key, value, dataLength));
  }

  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const entry of entries) {
    if (entry.begin !== expected) {
      const problem =
        entry.begin < expected ? `overlaps the previous tensor (starts at ${entry.begin}, previous ends at ${expected})` : `leaves a gap (starts at ${entry.begin}, previous ends at ${expected})`;
      throw weightsFormatError(name, `tensor "${entry.name}" ${problem}; safetensors data must be contiguous.`, { details: { tensor: entry.name } });
    }
    expected = entry.end;
  }
  if (expected !== dataLength) {
    throw weightsFormatError(name, `the tensors cover ${expected} bytes of data but ${dataLength} follow the header (extra bytes after the last tensor).`);
  }

  const tensors = new Map<string, WeightTensor>();
  const skipped: SkippedEntry[] = [];
  for (const entry of entries) {
    if (isFloatDtype(entry.dtype)) {
      const data = decodeFloats(bytes.subarray(dataStart + entry.begin, dataStart + entry.end), entry.dtype, true);
      tensors.set(entry.name, { shape: entry.shape, data, dtype: entry.dtype });
    } else {
      skipped.push({ name: entry.name, dtype: entry.dtype, shape: entry.shape, reason: 'integer' });
    }
  }
  return { format: 'safetensors', tensors, skipped, ...(metadata === undefined ? {} : { metadata }) };
}

function checkEntry(name: string | undefined, key: string, value: unknown, dataLength: number): Entry {
  const fail = (problem: string): never => {
    throw weightsFormatError(name, `tensor "${key}" ${problem}`, { details: { tensor: key } });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`is ${describe(value)}, expected {dtype, shape, data_offsets}.`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
    return fail(`has dtype ${describe(dtype)}, expected one of ${Object.keys(DTYPE_BYTES).join(', ')}.`);
  }
  if (!isFloatDtype(dtype) && !INTEGER_DTYPES.has(dtype)) {
    return fail(`has dtype ${dtype}, which fpdb does not read; expected F32, F16, BF16 or F64. Convert the tensor to float16 or float32 before saving.`);
  }
  if (!Array.isArray(shape)) return fail(`has shape ${describe(shape)}, expected an array of non-negative integers.`);
  const count = elementCount(shape);
  if (count === undefined) return fail(`has shape ${describe(shape)}, expected non-negative integers with at most 2^31-1 elements in all.`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isCount(offsets[0]) || !isCount(offsets[1]) || offsets[0] > offsets[1]) {
    return fail(`has data_offsets ${describe(offsets)}, expected [begin, end] with 0 <= begin <= end.`);
  }
  const [begin, end] = offsets as [number, number];
  const expectedBytes = count * (DTYPE_BYTES[dtype] as number);
  if (end - begin !== expectedBytes) {
    return fail(`spans ${end - begin} bytes, expected ${expectedBytes} (${count} elements of ${dtype}, shape [${shape.join(', ')}]).`);
  }
  if (end > dataLength) {
    throw weightsFormatError(name, `tensor "${key}" ends at data byte ${end} but the file has only ${dataLength} bytes of data (the file is truncated).`, { details: { tensor: key } });
  }
  return { name: key, dtype, shape: shape as number[], begin, end };
}
