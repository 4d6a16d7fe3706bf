import { zipSync } from 'fflate';

/**
 * Test helper: writes pickles opcode by opcode (the protocol 2 subset `torch.save` emits), so tests can
 * build state dicts, malformed streams and malicious ones without Python. Not part of the package API.
 */
export class PickleWriter {
  private readonly out: number[] = [];

  /** Raw bytes (an opcode and its argument). */
  raw(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }

  proto(version = 2): this {
    return this.raw(0x80, version);
  }

  mark(): this {
    return this.raw(0x28);
  }

  stop(): this {
    return this.raw(0x2e);
  }

  none(): this {
    return this.raw(0x4e);
  }

  bool(value: boolean): this {
    return this.raw(value ? 0x88 : 0x89);
  }

  emptyDict(): this {
    return this.raw(0x7d);
  }

  emptyList(): this {
    return this.raw(0x5d);
  }

  emptyTuple(): this {
    return this.raw(0x29);
  }

  /** TUPLE (to the last MARK). */
  tuple(): this {
    return this.raw(0x74);
  }

  /** TUPLE1, TUPLE2 or TUPLE3. */
  tupleOf(count: 1 | 2 | 3): this {
    return this.raw(0x84 + count);
  }

  setitem(): this {
    return this.raw(0x73);
  }

  setitems(): this {
    return this.raw(0x75);
  }

  appends(): this {
    return this.raw(0x65);
  }

  reduce(): this {
    return this.raw(0x52);
  }

  build(): this {
    return this.raw(0x62);
  }

  binpersid(): this {
    return this.raw(0x51);
  }

  binput(index: number): this {
    return this.raw(0x71, index);
  }

  binget(index: number): this {
    return this.raw(0x68, index);
  }

  /** GLOBAL `module\nname\n`. */
  global(module: string, name: string): this {
    return this.raw(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }

  /** SHORT_BINUNICODE module, SHORT_BINUNICODE name, STACK_GLOBAL (protocol 4). */
  stackGlobal(module: string, name: string): this {
    return this.shortUnicode(module).shortUnicode(name).raw(0x93);
  }

  /** BINUNICODE. */
  unicode(text: string): this {
    const bytes = new TextEncoder().encode(text);
    return this.raw(0x58, ...u32(bytes.length), ...bytes);
  }

  shortUnicode(text: string): this {
    const bytes = new TextEncoder().encode(text);
    return this.raw(0x8c, bytes.length, ...bytes);
  }

  /** BININT1, BININT2 or BININT as the value needs. */
  int(value: number): this {
    if (value >= 0 && value < 256) return this.raw(0x4b, value);
    if (value >= 0 && value < 65536) return this.raw(0x4d, value & 0xff, value >> 8);
    return this.raw(0x4a, ...u32(value >>> 0));
  }

  /** LONG1, little-endian two's complement in as few bytes as it takes. */
  long(value: bigint): this {
    const bytes: number[] = [];
    let rest = value;
    while (true) {
      bytes.push(Number(rest & 0xffn));
      rest >>= 8n;
      const sign = ((bytes[bytes.length - 1] as number) & 0x80) !== 0;
      if ((rest === 0n && !sign) || (rest === -1n && sign)) break;
    }
    return this.raw(0x8a, bytes.length, ...bytes);
  }

  /** BINFLOAT (big-endian float64). */
  float(value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, false);
    return this.raw(0x47, ...bytes);
  }

  /** A tuple of small non-negative integers (sizes, strides). */
  ints(values: readonly number[]): this {
    this.mark();
    for (const value of values) this.int(value);
    return this.tuple();
  }

  /**
   * `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())` with the
   * storage as a persistent id `('storage', torch.<type>, key, 'cpu', numel)`.
   */
  tensor(storage: { type: string; key: string; numel: number }, offset: number, size: readonly number[], stride: readonly number[]): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark().unicode('storage').global('torch', storage.type).unicode(storage.key).unicode('cpu').int(storage.numel).tuple().binpersid();
    this.int(offset).ints(size).ints(stride).bool(false);
    this.global('collections', 'OrderedDict').emptyTuple().reduce();
    return this.tuple().reduce();
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.out);
  }
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

/** Test helper: a torch.save-style zip (stored, not deflated) of `data.pkl`, storages and `version`. */
export function torchZip(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}, options: { prefix?: string; byteorder?: string } = {}): Uint8Array {
  const prefix = options.prefix ?? 'archive';
  const files: Record<string, Uint8Array> = { [`${prefix}/data.pkl`]: pickle };
  if (options.byteorder !== undefined) files[`${prefix}/byteorder`] = new TextEncoder().encode(options.byteorder);
  for (const [key, bytes] of Object.entries(storages)) files[`${prefix}/data/${key}`] = bytes;
  files[`${prefix}/version`] = new TextEncoder().encode('3\n');
  return zipSync(files, { level: 0 });
}

/** Test helper: float32 values as little-endian bytes (or big-endian). */
export function float32Bytes(values: readonly number[], littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(4 * i, value, littleEndian));
  return bytes;
}

/** Test helper: the float32 bit patterns of `data`, to compare NaNs and signed zeros exactly. */
export function bitsOf(data: Float32Array): number[] {
  return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
}
