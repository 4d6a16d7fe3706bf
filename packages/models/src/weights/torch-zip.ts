import { unzipSync } from 'fflate';
import { decodeFloats, FLOAT_BYTES } from './internal/float-decode.js';
import { isCount } from './internal/element-count.js';
import { PyDict, PyList, PyTuple, unpickle, type PyGlobal } from './internal/pickle.js';
import { checkView, isContiguous, stridedCopy } from './internal/strided-copy.js';
import { weightsFormatError } from './internal/weights-error.js';
import type { FloatDtype, ReadWeightsOptions, SkippedEntry, WeightsFile, WeightTensor } from './weights-file.js';

/** A storage type named in a persistent id, with what its elements are. */
class StorageType implements PyGlobal {
  constructor(
    readonly qualifiedName: string,
    readonly dtype: FloatDtype | 'I64',
  ) {}
}

/** One `<archive>/data/<key>` record, as a persistent id names it. */
class StorageRef {
  constructor(
    readonly key: string,
    readonly type: StorageType,
    readonly length: number,
  ) {}
}

/** What `_rebuild_tensor_v2` describes: a view of a storage, not yet read. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

const STORAGE_TYPES = [
  new StorageType('torch.FloatStorage', 'F32'),
  new StorageType('torch.HalfStorage', 'F16'),
  new StorageType('torch.BFloat16Storage', 'BF16'),
  new StorageType('torch.DoubleStorage', 'F64'),
  // Only so that integer buffers (batch norm's num_batches_tracked) can be listed as skipped.
  new StorageType('torch.LongStorage', 'I64'),
];

function counts(value: unknown, what: string): number[] {
  if (!(value instanceof PyTuple) || !value.items.every(isCount)) throw new Error(`${what} is not a tuple of non-negative integers`);
  return value.items as number[];
}

/**
 * The allow-list: the only globals a PyTorch state dict pickle may name. Their `call`s build plain
 * values; nothing else is ever imported or called.
 */
const TORCH_GLOBALS: ReadonlyMap<string, PyGlobal> = new Map<string, PyGlobal>([
  [
    'collections.OrderedDict',
    {
      qualifiedName: 'collections.OrderedDict',
      call(args) {
        const dict = new PyDict();
        if (args.length === 0) return dict;
        const [pairs] = args;
        if (args.length !== 1 || !(pairs instanceof PyList || pairs instanceof PyTuple)) throw new Error('expected no arguments or a list of pairs');
        for (const pair of pairs.items) {
          if (!(pair instanceof PyTuple || pair instanceof PyList) || pair.items.length !== 2) throw new Error('expected (key, value) pairs');
          dict.items.set(pair.items[0], pair.items[1]);
        }
        return dict;
      },
    },
  ],
  [
    'torch._utils._rebuild_tensor_v2',
    {
      qualifiedName: 'torch._utils._rebuild_tensor_v2',
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      call(args) {
        const [storage, offset, size, stride] = args;
        if (args.length < 6 || args.length > 7) throw new Error(`${args.length} arguments, expected 6 or 7`);
        if (!(storage instanceof StorageRef)) throw new Error('the first argument is not a storage');
        if (!isCount(offset)) throw new Error('the storage offset is not a non-negative integer');
        return new TensorRef(storage, offset, counts(size, 'the size'), counts(stride, 'the stride'));
      },
    },
  ],
  [
    'torch._utils._rebuild_parameter',
    {
      qualifiedName: 'torch._utils._rebuild_parameter',
      // (data, requires_grad, backward_hooks): an nn.Parameter is its data for reading weights.
      call(args) {
        const [data] = args;
        if (args.length !== 3 || !(data instanceof TensorRef)) throw new Error('expected (tensor, requires_grad, backward_hooks)');
        return data;
      },
    },
  ],
  ...STORAGE_TYPES.map((type) => [type.qualifiedName, type] as const),
]);

/** At most this many output bytes per compressed byte (deflate's own limit is about 1032). */
const MAX_INFLATE_RATIO = 1100;

/**
 * Parses a PyTorch state dict saved by `torch.save` (the zip format of PyTorch 1.6 and later, as
 * torchvision publishes its ImageNet weights) into float32 tensors, running nothing from the file.
 *
 * `<archive>/data.pkl` is interpreted with an allow-list: `collections.OrderedDict`,
 * `torch._utils._rebuild_tensor_v2`, `torch._utils._rebuild_parameter` and the storage types
 * `torch.FloatStorage`, `HalfStorage`, `BFloat16Storage`, `DoubleStorage` (read as float32) and
 * `LongStorage` (listed in `skipped`, e.g. `num_batches_tracked`). Storage offsets, strides (a
 * transposed or sliced view is copied out row-major) and storages shared by several tensors are
 * honoured; `<archive>/byteorder` `big` is honoured; the state dict's `_metadata` is ignored. When the
 * top level holds no tensors but a dict under `state_dict` or `model` (a training checkpoint), that dict
 * is read and its key reported in `stateDictKey`; non-tensor values in the state dict are `skipped`.
 *
 * @param bytes - the whole `.pth`/`.pt` file.
 * @param options - `name`: the file name for error messages.
 * @returns a {@link WeightsFile} with `format: 'pytorch'`, tensors in state dict order, owned by the caller.
 * @throws FpdbError FPDB_WEIGHTS_UNSAFE when the pickle names any other global (`os.system`,
 *   `builtins.eval`, a model class…): refused where it is named, before anything could use it.
 * @throws FpdbError FPDB_WEIGHTS_FORMAT when the file is not a zip, is truncated or corrupt, is a
 *   TorchScript archive, holds no state dict, or a tensor's view falls outside its storage.
 *
 * @example
 * const file = parseTorchZip(bytes, { name: 'resnet18-f37072fd.pth' });
 * file.tensors.get('fc.weight')?.shape; // [1000, 512]
 * file.skipped; // [{ name: 'bn1.num_batches_tracked', dtype: 'I64', shape: [], reason: 'integer' }, …]
 */
export function parseTorchZip(bytes: Uint8Array, options: ReadWeightsOptions = {}): WeightsFile {
  const { name } = options;
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04) {
    throw weightsFormatError(name, 'it does not start with a zip header (PK\\x03\\x04), so it is not a PyTorch file saved by torch.save of PyTorch 1.6 or later.', {
      next: 'Re-save it with a current PyTorch (torch.save(torch.load(path), path2)), or pass a .safetensors file.',
    });
  }
  const names: string[] = [];
  let bomb: string | undefined;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter(file) {
        names.push(file.name);
        if (file.compression !== 0 && file.originalSize > file.size * MAX_INFLATE_RATIO + 1024) {
          bomb ??= file.name;
          return false;
        }
        return /^[^/]+\/(data\.pkl|byteorder|version|data\/[^/]+)$/.test(file.name);
      },
    });
  } catch (cause) {
    throw weightsFormatError(name, `it starts like a zip archive but cannot be unzipped (${cause instanceof Error ? cause.message : String(cause)}); the file is truncated or corrupt.`, {
      next: 'Download it again, or pass a .safetensors file.',
      cause,
    });
  }
  if (bomb !== undefined) throw weightsFormatError(name, `zip entry ${bomb} claims to inflate far beyond its compressed size (a zip bomb or corrupt entry).`);

  const pickles = Object.keys(entries).filter((entry) => entry.endsWith('/data.pkl'));
  if (pickles.length !== 1) {
    const torchScript = names.some((entry) => /(^|\/)(constants\.pkl|code\/)/.test(entry));
    if (torchScript) {
      throw weightsFormatError(name, 'it is a TorchScript archive (torch.jit.save): code and constants, not a state dict.', {
        next: "In Python, save its weights: torch.save(torch.jit.load(path).state_dict(), 'weights.pth').",
      });
    }
    const found =
      pickles.length === 0
        ? `no <archive>/data.pkl among its ${names.length} entries (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`
        : `${pickles.length} data.pkl entries (${pickles.join(', ')})`;
    throw weightsFormatError(name, `it is a zip archive with ${found}; torch.save writes exactly one.`);
  }
  const part = pickles[0] as string;
  const prefix = part.slice(0, -'data.pkl'.length);

  let littleEndian = true;
  const byteorder = entries[`${prefix}byteorder`];
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(byteorder).trim();
    if (order !== 'little' && order !== 'big') throw weightsFormatError(name, `${prefix}byteorder says "${order.slice(0, 20)}", expected "little" or "big".`);
    littleEndian = order === 'little';
  }

  const storages = new Map<string, StorageRef>();
  const root = unpickle(entries[part] as Uint8Array, {
    name,
    part,
    globals: TORCH_GLOBALS,
    persistentLoad(id) {
      if (!(id instanceof PyTuple) || id.items.length !== 5 || id.items[0] !== 'storage') throw new Error("a persistent id that is not ('storage', type, key, location, size)");
      const [, type, key, , length] = id.items;
      if (!(type instanceof StorageType)) throw new Error('a persistent id whose storage type is not a torch storage');
      if (typeof key !== 'string' || !isCount(length)) throw new Error('a persistent id with a malformed key or size');
      const known = storages.get(key);
      if (known !== undefined) {
        if (known.type !== type || known.length !== length) throw new Error(`storage ${key} is named twice with different types or sizes`);
        return known;
      }
      const storage = new StorageRef(key, type, length);
      storages.set(key, storage);
      return storage;
    },
  });

  const { dict, key: stateDictKey } = findStateDict(name, root);
  const tensors = new Map<string, WeightTensor>();
  const skipped: SkippedEntry[] = [];
  // Decoded storages are kept until their last tensor is read, then dropped, so a storage shared by
  // several tensors is decoded once and peak memory stays near the file plus its float32 copy.
  const decoded = new Map<string, Float32Array>();
  const usesLeft = new Map<string, number>();
  for (const value of dict.items.values()) {
    if (value instanceof TensorRef) usesLeft.set(value.storage.key, (usesLeft.get(value.storage.key) ?? 0) + 1);
  }
  for (const [key, value] of dict.items) {
    if (typeof key !== 'string') throw weightsFormatError(name, `the state dict has a key of type ${typeof key} (${String(key)}), expected tensor names (strings).`);
    if (!(value instanceof TensorRef)) {
      skipped.push({ name: key, dtype: 'object', shape: [], reason: 'not-a-tensor' });
      continue;
    }
    const { storage } = value;
    const record = `${prefix}data/${storage.key}`;
    const raw = entries[record];
    const elementBytes = storage.type.dtype === 'I64' ? 8 : FLOAT_BYTES[storage.type.dtype];
    if (raw === undefined || raw.length !== storage.length * elementBytes) {
      const found = raw === undefined ? 'is missing' : `has ${raw.length} bytes`;
      throw weightsFormatError(
        name,
        `tensor "${key}" needs ${record} with ${storage.length * elementBytes} bytes (${storage.length} × ${storage.type.qualifiedName}), but the record ${found}; the file is truncated or corrupt.`,
        {
          details: { tensor: key, part: record },
        },
      );
    }
    const problem = checkView(storage.length, value.offset, value.size, value.stride);
    if (problem !== undefined) throw weightsFormatError(name, `tensor "${key}" does not fit its storage: ${problem}; the file is corrupt.`, { details: { tensor: key } });
    if (storage.type.dtype === 'I64') {
      skipped.push({ name: key, dtype: 'I64', shape: value.size, reason: 'integer' });
      continue;
    }
    let source = decoded.get(storage.key);
    if (source === undefined) {
      source = decodeFloats(raw, storage.type.dtype, littleEndian);
      decoded.set(storage.key, source);
    }
    const last = usesLeft.get(storage.key) === 1;
    const whole = value.offset === 0 && source.length === value.size.reduce((n, d) => n * d, 1) && isContiguous(value.size, value.stride);
    // The decoded storage is already a fresh array; its only (and whole, contiguous) user may take it.
    const data = last && whole ? source : (stridedCopy(source, value.offset, value.size, value.stride) as Float32Array);
    usesLeft.set(storage.key, (usesLeft.get(storage.key) as number) - 1);
    if (last) decoded.delete(storage.key);
    tensors.set(key, { shape: value.size, data, dtype: storage.type.dtype });
  }
  if (tensors.size === 0 && skipped.every((entry) => entry.reason !== 'integer')) {
    const where = stateDictKey === undefined ? 'the top-level dict' : `the dict under "${stateDictKey}"`;
    throw weightsFormatError(name, `${where} holds no tensors (${dict.items.size} entries).`);
  }
  return { format: 'pytorch', tensors, skipped, ...(stateDictKey === undefined ? {} : { stateDictKey }) };
}

/** The state dict: the top-level dict when it holds tensors, else the dict under `state_dict` or `model`. */
function findStateDict(name: string | undefined, root: unknown): { dict: PyDict; key?: string } {
  if (!(root instanceof PyDict)) {
    const found = root instanceof TensorRef ? 'a single tensor' : root instanceof PyList ? 'a list' : root instanceof PyTuple ? 'a tuple' : root === null ? 'None' : `a ${typeof root}`;
    throw weightsFormatError(name, `the pickled object is ${found}, expected a dict of tensors (a state dict).`);
  }
  if ([...root.items.values()].some((value) => value instanceof TensorRef)) return { dict: root };
  for (const key of ['state_dict', 'model']) {
    const nested = root.items.get(key);
    if (nested instanceof PyDict) return { dict: nested, key };
  }
  const keys = [...root.items.keys()].slice(0, 8).map(String);
  throw weightsFormatError(name, `the top-level dict holds no tensors and no "state_dict" or "model" dict (its keys: ${keys.join(', ') || 'none'}).`);
}
