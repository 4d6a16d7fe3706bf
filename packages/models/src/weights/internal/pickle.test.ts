import { readFileSync } from 'node:fs';
import { isFpdbError } from '@fpdb/schema';
import { unzipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { PyDict, type PyList, PyTuple, unpickle, type PyGlobal, type UnpickleOptions } from './pickle.js';
import { PickleWriter } from '../../../test/pickle-writer.js';

const FIXTURES = new URL('../../../test/fixtures/weights/', import.meta.url);

function options(globals: PyGlobal[] = [], persistentLoad: (id: unknown) => unknown = (id) => id): UnpickleOptions {
  return { name: 'test.pth', part: 'archive/data.pkl', globals: new Map(globals.map((g) => [g.qualifiedName, g])), persistentLoad };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('unpickle: values', () => {
  it('reads the scalar, string and container opcodes torch.save emits', () => {
    const w = new PickleWriter().proto().emptyDict().binput(0).mark();
    w.unicode('small').int(7).unicode('medium').int(40000).unicode('negative').int(-5);
    w.unicode('big')
      .long(2n ** 40n)
      .unicode('huge')
      .long(-(2n ** 70n))
      .unicode('float')
      .float(0.75);
    w.unicode('flags').emptyList().mark().bool(true).bool(false).none().appends();
    w.unicode('pair').unicode('a').unicode('ü').tupleOf(2).unicode('again').binget(0);
    const value = unpickle(w.setitems().stop().bytes(), options());
    expect(value).toBeInstanceOf(PyDict);
    const items = (value as PyDict).items;
    expect(items.get('small')).toBe(7);
    expect(items.get('medium')).toBe(40000);
    expect(items.get('negative')).toBe(-5);
    expect(items.get('big')).toBe(2 ** 40);
    expect(items.get('huge')).toBe(-(2n ** 70n));
    expect(items.get('float')).toBe(0.75);
    expect((items.get('flags') as PyList).items).toEqual([true, false, null]);
    expect((items.get('pair') as PyTuple).items).toEqual(['a', 'ü']);
    expect(items.get('again')).toBe(value);
  });

  it('calls allow-listed globals on REDUCE and hands BINPERSID ids to persistentLoad', () => {
    const call = vi.fn((args: readonly unknown[]) => ({ built: args }));
    const persistentLoad = vi.fn((id: unknown) => ({ loaded: id }));
    const w = new PickleWriter().proto().global('safe', 'make').unicode('x').int(1).tupleOf(2).reduce();
    const value = unpickle(w.unicode('id').binpersid().tupleOf(2).stop().bytes(), options([{ qualifiedName: 'safe.make', call }], persistentLoad));
    expect(call).toHaveBeenCalledWith(['x', 1]);
    expect(persistentLoad).toHaveBeenCalledWith('id');
    expect((value as PyTuple).items).toEqual([{ built: ['x', 1] }, { loaded: 'id' }]);
  });
});

describe('unpickle: refusals', () => {
  const malicious: [string, PickleWriter][] = [
    ['os.system', new PickleWriter().proto().global('os', 'system').unicode('touch /tmp/pwned').tupleOf(1).reduce().stop()],
    ['posix.system', new PickleWriter().proto().global('posix', 'system').unicode('id').tupleOf(1).reduce().stop()],
    ['builtins.eval', new PickleWriter().proto(4).stackGlobal('builtins', 'eval').shortUnicode('1+1').tupleOf(1).reduce().stop()],
    ['__builtin__.getattr', new PickleWriter().proto().global('__builtin__', 'getattr').emptyTuple().reduce().stop()],
  ];
  for (const [qualified, writer] of malicious) {
    it(`refuses ${qualified} where it is named, before any REDUCE`, () => {
      const safeCall = vi.fn();
      const persistentLoad = vi.fn();
      const error = thrown(() => unpickle(writer.bytes(), options([{ qualifiedName: 'collections.OrderedDict', call: safeCall }], persistentLoad)));
      expect(isFpdbError(error, 'FPDB_WEIGHTS_UNSAFE')).toBe(true);
      const e = error as { message: string; details: Record<string, unknown> };
      expect(e.message).toContain(qualified);
      expect(e.message).toContain('test.pth');
      expect(e.message).toContain('Nothing from the file was run');
      expect(e.details.value).toBe(qualified);
      const reduceAt = writer.bytes().lastIndexOf(0x52);
      expect(e.details.byte as number).toBeLessThan(reduceAt);
      expect(safeCall).not.toHaveBeenCalled();
      expect(persistentLoad).not.toHaveBeenCalled();
    });
  }

  it('refuses a global even when nothing calls it', () => {
    const error = thrown(() => unpickle(new PickleWriter().proto().global('subprocess', 'Popen').stop().bytes(), options()));
    expect(isFpdbError(error, 'FPDB_WEIGHTS_UNSAFE')).toBe(true);
  });

  it('refuses to call an allow-listed global that is only a value', () => {
    const error = thrown(() => unpickle(new PickleWriter().proto().global('torch', 'FloatStorage').emptyTuple().reduce().stop().bytes(), options([{ qualifiedName: 'torch.FloatStorage' }])));
    expect(isFpdbError(error, 'FPDB_WEIGHTS_UNSAFE')).toBe(true);
    expect((error as Error).message).toContain('torch.FloatStorage');
  });

  for (const [name, byte] of [
    ['INST', 0x69],
    ['OBJ', 0x6f],
    ['NEWOBJ', 0x81],
    ['EXT1', 0x82],
    ['NEWOBJ_EX', 0x92],
    ['PERSID', 0x50],
  ] as const) {
    it(`refuses opcode ${name} by name`, () => {
      const error = thrown(() => unpickle(new PickleWriter().proto().none().raw(byte, 0, 0).stop().bytes(), options()));
      expect(isFpdbError(error, 'FPDB_WEIGHTS_FORMAT')).toBe(true);
      expect((error as Error).message).toContain(name);
    });
  }
});

describe('unpickle: damaged input', () => {
  const valid = new PickleWriter().proto().global('collections', 'OrderedDict').binput(0).emptyTuple().reduce().mark();
  valid
    .unicode('w')
    .int(1)
    .unicode('x')
    .float(2.5)
    .unicode('y')
    .long(2n ** 40n)
    .setitems()
    .emptyDict()
    .unicode('_metadata')
    .binget(0)
    .setitem()
    .build()
    .stop();
  const bytes = valid.bytes();
  const ordered: PyGlobal = { qualifiedName: 'collections.OrderedDict', call: () => new PyDict() };

  it('reads the stream whole', () => {
    const value = unpickle(bytes, options([ordered]));
    expect([...(value as PyDict).items.keys()]).toEqual(['w', 'x', 'y']);
  });

  it('answers every truncation with FPDB_WEIGHTS_FORMAT', () => {
    for (let cut = 0; cut < bytes.length; cut++) {
      const error = thrown(() => unpickle(bytes.subarray(0, cut), options([ordered])));
      if (!isFpdbError(error, 'FPDB_WEIGHTS_FORMAT')) expect.fail(`cut at ${cut}: ${String(error)}`);
      expect((error as Error).message).toContain('test.pth');
    }
  });

  it('answers random corruption of a real torch.save pickle with an FpdbError, never a crash', () => {
    const archive = unzipSync(new Uint8Array(readFileSync(new URL('state-dict.pth', FIXTURES))));
    const pickle = Object.entries(archive).find(([path]) => path.endsWith('/data.pkl'))?.[1] as Uint8Array;
    const globals: PyGlobal[] = ['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter'].map((q) => ({
      qualifiedName: q,
      call: (args: readonly unknown[]) => (q === 'collections.OrderedDict' ? new PyDict() : new PyTuple(args)),
    }));
    globals.push(...['Float', 'Half', 'BFloat16', 'Double', 'Long'].map((t) => ({ qualifiedName: `torch.${t}Storage` })));
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    expect(unpickle(pickle, options(globals))).toBeInstanceOf(PyDict); // the stand-ins read the intact stream
    let failures = 0;
    for (let trial = 0; trial < 1000; trial++) {
      const damaged = pickle.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      try {
        unpickle(damaged, options(globals));
      } catch (error) {
        if (!isFpdbError(error, 'FPDB_WEIGHTS_FORMAT') && !isFpdbError(error, 'FPDB_WEIGHTS_UNSAFE')) expect.fail(`trial ${trial}: ${String(error)}`);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(100);
    expect(failures).toBeLessThan(1000);
  });
});
