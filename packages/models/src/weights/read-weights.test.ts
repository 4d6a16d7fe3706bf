import { readFileSync } from 'node:fs';
import { isFpdbError } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { readWeights } from './read-weights.js';
import { bitsOf } from '../../test/pickle-writer.js';
import { writeSafetensors } from './write-safetensors.js';

/** Made by scripts/make-weight-fixtures.py with PyTorch; expected.json holds PyTorch's own float32 bits. */
const FIXTURES = new URL('../../test/fixtures/weights/', import.meta.url);

interface Expected {
  format: 'safetensors' | 'pytorch';
  stateDictKey: string | null;
  metadata?: Record<string, string>;
  tensors: { name: string; dtype: string; shape: number[]; bits: number[] }[];
  skipped: { name: string; dtype: string; shape: number[]; reason: string }[];
}

const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Record<string, Expected>;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

function errorOf(bytes: Uint8Array, name: string): Error & { code: string } {
  try {
    readWeights(bytes, { name });
  } catch (error) {
    if (!isFpdbError(error)) throw error;
    return error as Error & { code: string };
  }
  throw new Error('expected an FpdbError');
}

describe('readWeights on files PyTorch wrote', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`reads ${name} exactly as PyTorch converts it to float32`, () => {
      const file = readWeights(fixture(name), { name });
      expect(file.format).toBe(want.format);
      expect(file.stateDictKey).toBe(want.stateDictKey ?? undefined);
      expect(file.metadata).toEqual(want.metadata);
      expect(file.skipped).toEqual(want.skipped);
      const got = [...file.tensors].map(([tensorName, t]) => ({ name: tensorName, dtype: t.dtype, shape: t.shape, bits: bitsOf(t.data) }));
      expect(got).toEqual(want.tensors);
    });
  }

  it('covers what the brief asks of the fixtures', () => {
    const dtypes = new Set(expected['state-dict.pth']?.tensors.map((t) => t.dtype));
    expect(dtypes).toEqual(new Set(['F32', 'F16', 'BF16', 'F64']));
    expect(expected['state-dict.pth']?.tensors.map((t) => t.name)).toEqual(expect.arrayContaining(['fc.weight_t', 'grid_view', 'half_t', 'expanded', 'param', 'scalar', 'empty']));
    expect(expected['checkpoint.pth']?.stateDictKey).toBe('state_dict');
  });

  it('reads the same values from the .pth and the .safetensors of one state dict', () => {
    const pth = readWeights(fixture('state-dict.pth'));
    const st = readWeights(fixture('state-dict.safetensors'));
    expect([...st.tensors.keys()]).toEqual([...pth.tensors.keys()]);
    for (const [name, t] of pth.tensors) expect(bitsOf(st.tensors.get(name)?.data as Float32Array), name).toEqual(bitsOf(t.data));
  });

  it('re-exports a .pth as F32 safetensors that reads back bit for bit', () => {
    const pth = readWeights(fixture('state-dict.pth'));
    const back = readWeights(writeSafetensors(pth.tensors));
    for (const [name, t] of pth.tensors) {
      expect(back.tensors.get(name)?.shape).toEqual(t.shape);
      expect(bitsOf(back.tensors.get(name)?.data as Float32Array), name).toEqual(bitsOf(t.data));
    }
  });

  it('refuses the malicious pickle (os.system) with FPDB_WEIGHTS_UNSAFE, naming it', () => {
    const error = errorOf(fixture('evil.pth'), 'evil.pth');
    expect(error.code).toBe('FPDB_WEIGHTS_UNSAFE');
    expect(error.message).toMatch(/^evil\.pth asks Python to import posix\.system/);
  });

  it('answers truncation at many cut points of every file with FPDB_WEIGHTS_FORMAT naming the file', () => {
    for (const name of Object.keys(expected)) {
      const bytes = fixture(name);
      const cuts = new Set<number>([0, 1, 3, 4, 7, 8, 9, 12, 16, 30, 64, bytes.length - 1, bytes.length - 2, bytes.length - 22, bytes.length - 23]);
      for (let i = 1; i < 40; i++) cuts.add(Math.floor((bytes.length * i) / 40));
      for (const cut of cuts) {
        const error = errorOf(bytes.subarray(0, cut), name);
        expect(error.code, `${name} cut at ${cut}`).toBe('FPDB_WEIGHTS_FORMAT');
        expect(error.message).toContain(name);
      }
    }
  });
});

describe('readWeights sniffing', () => {
  it('names the file and the two formats it reads when the bytes are neither', () => {
    const error = errorOf(new TextEncoder().encode('<!DOCTYPE html><html>'), 'resnet18.pth');
    expect(error.code).toBe('FPDB_WEIGHTS_FORMAT');
    expect(error.message).toMatch(/^resnet18\.pth cannot be read as weights: its 21 bytes start with 3c 21 44 4f/);
    expect(error.message).toMatch(/\.safetensors file from the Hugging Face hub, or a torchvision \.pth/);
    expect(errorOf(new Uint8Array(0), 'x').message).toMatch(/start with nothing/);
  });

  it('explains the legacy (pre-1.6) PyTorch format', () => {
    const legacy = new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
    const error = errorOf(legacy, 'old.pth');
    expect(error.code).toBe('FPDB_WEIGHTS_FORMAT');
    expect(error.message).toMatch(/legacy PyTorch format/);
  });
});
