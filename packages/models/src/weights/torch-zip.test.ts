import { readFileSync } from 'node:fs';
import { isFpdbError } from '@fpdb/schema';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseTorchZip } from './torch-zip.js';
import { bitsOf, float32Bytes, PickleWriter, torchZip } from '../../test/pickle-writer.js';

const FIXTURES = new URL('../../test/fixtures/weights/', import.meta.url);
const F32 = (key: string, numel: number) => ({ type: 'FloatStorage', key, numel });

/** An OrderedDict state dict pickle: `entries` write one value each after their key. */
function stateDict(entries: [string, (w: PickleWriter) => void][]): Uint8Array {
  const w = new PickleWriter().proto().global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  for (const [key, write] of entries) {
    w.unicode(key);
    write(w);
  }
  return w.setitems().stop().bytes();
}

function errorOf(bytes: Uint8Array, code: 'FPDB_WEIGHTS_FORMAT' | 'FPDB_WEIGHTS_UNSAFE' = 'FPDB_WEIGHTS_FORMAT'): Error & { details: Record<string, unknown> } {
  try {
    parseTorchZip(bytes, { name: 'resnet.pth' });
  } catch (error) {
    if (!isFpdbError(error, code)) throw error;
    expect(error.message).toContain('resnet.pth');
    return error as Error & { details: Record<string, unknown> };
  }
  throw new Error(`expected ${code}`);
}

describe('parseTorchZip: layouts', () => {
  const grid = Array.from({ length: 24 }, (_, i) => i);

  it('materialises strided views of one shared storage row-major', () => {
    const storage = F32('0', 24);
    const pickle = stateDict([
      ['grid', (w) => w.tensor(storage, 0, [2, 3, 4], [12, 4, 1])],
      ['view', (w) => w.tensor(storage, 4, [2, 2, 2], [12, 4, 2])], // grid[:, 1:, ::2]
      ['perm', (w) => w.tensor(storage, 0, [4, 2, 3], [1, 12, 4])], // grid.permute(2, 0, 1)
      ['t', (w) => w.tensor(storage, 1, [3, 2], [1, 3])], // a transpose at an offset
      ['expanded', (w) => w.tensor(storage, 5, [2, 3], [0, 1])], // stride 0
      ['scalar', (w) => w.tensor(storage, 23, [], [])],
      ['empty', (w) => w.tensor(storage, 0, [0, 3], [3, 1])],
    ]);
    const file = parseTorchZip(torchZip(pickle, { '0': float32Bytes(grid) }));
    const get = (name: string) => Array.from(file.tensors.get(name)?.data ?? []);
    expect(get('grid')).toEqual(grid);
    expect(get('view')).toEqual([4, 6, 8, 10, 16, 18, 20, 22]);
    expect(get('perm')).toEqual([0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23]);
    expect(get('t')).toEqual([1, 4, 2, 5, 3, 6]);
    expect(get('expanded')).toEqual([5, 6, 7, 5, 6, 7]);
    expect(get('scalar')).toEqual([23]);
    expect(file.tensors.get('scalar')?.shape).toEqual([]);
    expect(get('empty')).toEqual([]);
    expect(file.tensors.get('view')?.shape).toEqual([2, 2, 2]);
    // Tensors sharing a storage are still separate arrays.
    (file.tensors.get('grid')?.data as Float32Array)[4] = -1;
    expect(get('view')[0]).toBe(4);
  });

  it('reads nn.Parameter wrappers, float16/bfloat16/float64 storages and big-endian archives', () => {
    const half = new Uint8Array([0x00, 0x3c, 0x01, 0x00]); // 1, 2^-24
    const bf16 = new Uint8Array([0x80, 0x3f, 0x80, 0xff]); // 1, -inf
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, 1 / 3, true);
    const pickle = stateDict([
      ['param', (w) => w.global('torch._utils', '_rebuild_parameter').tensor(F32('0', 2), 0, [2], [1]).bool(true).global('collections', 'OrderedDict').emptyTuple().reduce().tupleOf(3).reduce()],
      ['half', (w) => w.tensor({ type: 'HalfStorage', key: '1', numel: 2 }, 0, [2], [1])],
      ['bf16', (w) => w.tensor({ type: 'BFloat16Storage', key: '2', numel: 2 }, 0, [2], [1])],
      ['f64', (w) => w.tensor({ type: 'DoubleStorage', key: '3', numel: 1 }, 0, [1], [1])],
    ]);
    const file = parseTorchZip(torchZip(pickle, { '0': float32Bytes([0.5, -2]), '1': half, '2': bf16, '3': f64 }, { byteorder: 'little' }));
    expect(Array.from(file.tensors.get('param')?.data ?? [])).toEqual([0.5, -2]);
    expect(bitsOf(file.tensors.get('half')?.data as Float32Array)).toEqual([0x3f800000, 0x33800000]);
    expect(bitsOf(file.tensors.get('bf16')?.data as Float32Array)).toEqual([0x3f800000, 0xff800000]);
    expect(bitsOf(file.tensors.get('f64')?.data as Float32Array)).toEqual([0x3eaaaaab]);
    expect([...file.tensors.values()].map((t) => t.dtype)).toEqual(['F32', 'F16', 'BF16', 'F64']);

    const big = parseTorchZip(torchZip(stateDict([['w', (w) => w.tensor(F32('0', 2), 0, [2], [1])]]), { '0': float32Bytes([0.5, -2], false) }, { byteorder: 'big' }));
    expect(Array.from(big.tensors.get('w')?.data ?? [])).toEqual([0.5, -2]);
  });

  it('lists int64 buffers and non-tensor values as skipped', () => {
    const pickle = stateDict([
      ['bn.num_batches_tracked', (w) => w.tensor({ type: 'LongStorage', key: '1', numel: 1 }, 0, [], [])],
      ['w', (w) => w.tensor(F32('0', 1), 0, [1], [1])],
      ['extra', (w) => w.int(3)],
    ]);
    const file = parseTorchZip(torchZip(pickle, { '0': float32Bytes([1]), '1': new Uint8Array(8) }));
    expect([...file.tensors.keys()]).toEqual(['w']);
    expect(file.skipped).toEqual([
      { name: 'bn.num_batches_tracked', dtype: 'I64', shape: [], reason: 'integer' },
      { name: 'extra', dtype: 'object', shape: [], reason: 'not-a-tensor' },
    ]);
  });

  it('takes the state dict from "state_dict" or "model" in a checkpoint and says which', () => {
    for (const key of ['state_dict', 'model']) {
      const w = new PickleWriter().proto().emptyDict().mark().unicode('epoch').int(3).unicode(key).emptyDict().unicode('w');
      w.tensor(F32('0', 1), 0, [1], [1]).setitem().setitems().stop();
      const file = parseTorchZip(torchZip(w.bytes(), { '0': float32Bytes([7]) }));
      expect(file.stateDictKey).toBe(key);
      expect(Array.from(file.tensors.get('w')?.data ?? [])).toEqual([7]);
    }
  });
});

describe('parseTorchZip: refusals', () => {
  it('refuses os.system + REDUCE with FPDB_WEIGHTS_UNSAFE naming the global', () => {
    const pickle = new PickleWriter().proto().emptyDict().unicode('x').global('os', 'system').unicode('touch /tmp/fpdb-pwned').tupleOf(1).reduce().setitem().stop().bytes();
    const error = errorOf(torchZip(pickle), 'FPDB_WEIGHTS_UNSAFE');
    expect(error.message).toContain('os.system');
    expect(error.details.value).toBe('os.system');
  });

  it('refuses a whole pickled model (a class off the allow-list)', () => {
    const pickle = new PickleWriter().proto().emptyDict().unicode('model').global('torchvision.models.resnet', 'ResNet').emptyTuple().reduce().setitem().stop().bytes();
    expect(errorOf(torchZip(pickle), 'FPDB_WEIGHTS_UNSAFE').message).toContain('torchvision.models.resnet.ResNet');
  });

  it('refuses views outside their storage and storages of the wrong size', () => {
    const outside = stateDict([['w', (w) => w.tensor(F32('0', 4), 1, [2, 2], [2, 1])]]);
    expect(errorOf(torchZip(outside, { '0': float32Bytes([1, 2, 3, 4]) })).message).toMatch(/"w" does not fit its storage.*reaches element 4/);
    const short = stateDict([['w', (w) => w.tensor(F32('0', 4), 0, [4], [1])]]);
    expect(errorOf(torchZip(short, { '0': float32Bytes([1, 2, 3]) })).message).toMatch(/needs archive\/data\/0 with 16 bytes.*has 12 bytes/);
    expect(errorOf(torchZip(short)).message).toMatch(/is missing/);
  });

  it('refuses non-zips, TorchScript archives, zips without data.pkl and files without tensors', () => {
    expect(errorOf(new TextEncoder().encode('hello world')).message).toMatch(/zip header/);
    const script = zipSync({ 'model/constants.pkl': new Uint8Array([0x80, 2, 0x4e, 0x2e]), 'model/code/__torch__.py': new Uint8Array(1) }, { level: 0 });
    expect(errorOf(script).message).toMatch(/TorchScript/);
    expect(errorOf(zipSync({ 'a/readme.txt': new Uint8Array(1) }, { level: 0 })).message).toMatch(/no <archive>\/data\.pkl/);
    const noTensors = new PickleWriter().proto().emptyDict().unicode('epoch').int(3).setitem().stop().bytes();
    expect(errorOf(torchZip(noTensors)).message).toMatch(/no tensors and no "state_dict" or "model"/);
    const list = new PickleWriter().proto().emptyList().stop().bytes();
    expect(errorOf(torchZip(list)).message).toMatch(/is a list, expected a dict/);
  });

  it('refuses an entry that claims to inflate far beyond its size (zip bomb)', () => {
    const zip = zipSync({ 'archive/data.pkl': new Uint8Array(1000) }, { level: 9 });
    // Declare 2 GB uncompressed in the central directory, where unzippers take the size from.
    const view = new DataView(zip.buffer);
    let central = zip.length - 22;
    while (view.getUint32(central, true) !== 0x02014b50) central -= 1;
    view.setUint32(central + 24, 2 ** 31, true);
    expect(errorOf(zip).message).toMatch(/zip bomb/);
  });

  it('answers random corruption of a real file’s data.pkl with an FpdbError, never a crash', () => {
    const entries = unzipSync(new Uint8Array(readFileSync(new URL('state-dict.pth', FIXTURES))));
    const pickleName = Object.keys(entries).find((name) => name.endsWith('/data.pkl')) as string;
    const pickle = entries[pickleName] as Uint8Array;
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let refused = 0;
    for (let trial = 0; trial < 300; trial++) {
      const damaged = pickle.slice();
      damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      try {
        parseTorchZip(zipSync({ ...entries, [pickleName]: damaged }, { level: 0 }));
      } catch (error) {
        if (!isFpdbError(error, 'FPDB_WEIGHTS_FORMAT') && !isFpdbError(error, 'FPDB_WEIGHTS_UNSAFE')) expect.fail(`trial ${trial}: ${String(error)}`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(50);
  });
});
