/**
 * A small deterministic DEFLATE encoder (RFC 1951) for PNG image data: dynamic Huffman blocks with
 * run-length matches at distance 1 (zlib's Z_RLE strategy). Written here, not taken from node:zlib,
 * because zlib builds (Chromium's, zlib-ng) pick different matches on different CPUs and versions;
 * this one gives the same bytes everywhere, which the synthetic dataset promises.
 */

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/** Symbols per block: small enough to adapt to black borders vs speckle, large enough to amortise the tables. */
const BLOCK_SYMBOLS = 1 << 15;
const MAX_RUN = 258;

// length (3..258) → code index 0..28
const LENGTH_CODE = new Uint8Array(259);
for (let c = 0; c < 29; c++) {
  const end = c === 28 ? 259 : LENGTH_BASE[c + 1]!;
  for (let l = LENGTH_BASE[c]!; l < end; l++) LENGTH_CODE[l] = c;
}
LENGTH_CODE[258] = 28;

class BitWriter {
  buf: Uint8Array;
  pos = 0;
  /** Pending bits (fewer than 8 between calls) and how many. */
  bits = 0;
  count = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 1024));
  }
  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
  }
  /** Makes room for `bytes` more bytes, so a caller may write into `buf` directly. */
  reserve(bytes: number): void {
    while (this.pos + bytes > this.buf.length) this.grow();
  }
  /** Writes `n` (≤ 24) bits of `value`, least significant first. */
  write(value: number, n: number): void {
    this.bits |= value << this.count;
    this.count += n;
    while (this.count >= 8) {
      if (this.pos >= this.buf.length) this.grow();
      this.buf[this.pos++] = this.bits & 0xff;
      this.bits >>>= 8;
      this.count -= 8;
    }
  }
  flush(): void {
    if (this.count > 0) this.write(0, 8 - this.count);
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Huffman code lengths for `freq`, limited to `maxBits`, deterministic (ties broken by symbol). */
export function codeLengths(freq: ArrayLike<number>, maxBits: number): Uint8Array {
  const n = freq.length;
  const lengths = new Uint8Array(n);
  let f = Array.from(freq);
  for (;;) {
    const used: number[] = [];
    for (let i = 0; i < n; i++) if (f[i]! > 0) used.push(i);
    if (used.length === 0) return lengths;
    if (used.length === 1) {
      lengths[used[0]!] = 1;
      return lengths;
    }
    // Two-queue Huffman construction over symbols sorted by (freq, symbol).
    used.sort((a, b) => f[a]! - f[b]! || a - b);
    const m = used.length;
    const weight = new Float64Array(2 * m);
    const parent = new Int32Array(2 * m).fill(-1);
    for (let i = 0; i < m; i++) weight[i] = f[used[i]!]!;
    let leaf = 0;
    let inner = m;
    let next = m;
    const take = (): number => {
      if (leaf < m && (inner >= next || weight[leaf]! <= weight[inner]!)) return leaf++;
      return inner++;
    };
    while (next < 2 * m - 1) {
      const a = take();
      const b = take();
      weight[next] = weight[a]! + weight[b]!;
      parent[a] = next;
      parent[b] = next;
      next++;
    }
    const depth = new Int32Array(2 * m);
    let longest = 0;
    for (let i = 2 * m - 3; i >= 0; i--) {
      depth[i] = depth[parent[i]!]! + 1;
      if (i < m && depth[i]! > longest) longest = depth[i]!;
    }
    if (longest <= maxBits) {
      for (let i = 0; i < m; i++) lengths[used[i]!] = depth[i]!;
      return lengths;
    }
    // Too deep: flatten the distribution and retry (zlib-style, simple and deterministic).
    f = f.map((v) => (v > 0 ? (v >> 1) | 1 : 0));
  }
}

/** Canonical codes for `lengths`, bit-reversed for LSB-first output. */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const count = new Uint16Array(16);
  for (const l of lengths) if (l) count[l]!++;
  const nextCode = new Uint16Array(16);
  let code = 0;
  for (let bits = 1; bits < 16; bits++) {
    nextCode[bits] = code;
    code = (code + count[bits]!) << 1;
  }
  const codes = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s]!;
    if (!l) continue;
    let c = nextCode[l]!++;
    let r = 0;
    for (let i = 0; i < l; i++) {
      r = (r << 1) | (c & 1);
      c >>= 1;
    }
    codes[s] = r;
  }
  return codes;
}

/** Writes one dynamic-Huffman block of `count` symbols; `litFreq` holds their counts (the end-of-block symbol is added). */
function writeBlock(out: BitWriter, syms: Uint16Array, extras: Uint16Array, count: number, litFreq: Uint32Array, last: boolean): void {
  litFreq[256] = 1;
  const litLen = codeLengths(litFreq, 15);
  // Only distance 1 is used; two 1-bit distance codes make a complete tree every inflater accepts.
  const distLen = new Uint8Array([1, 1]);
  let hlit = 286;
  while (hlit > 257 && litLen[hlit - 1] === 0) hlit--;
  const hdist = 2;
  const all = new Uint8Array(hlit + hdist);
  all.set(litLen.subarray(0, hlit));
  all.set(distLen, hlit);
  // Run-length encode the code lengths with symbols 16 (repeat previous), 17 and 18 (zeros).
  const clSyms: number[] = [];
  const clExtra: number[] = [];
  for (let i = 0; i < all.length; ) {
    const v = all[i]!;
    let run = 1;
    while (i + run < all.length && all[i + run] === v) run++;
    if (v === 0 && run >= 3) {
      const r = Math.min(run, 138);
      if (r >= 11) {
        clSyms.push(18);
        clExtra.push(r - 11);
      } else {
        clSyms.push(17);
        clExtra.push(r - 3);
      }
      i += r;
    } else if (v !== 0 && run >= 4) {
      clSyms.push(v);
      clExtra.push(0);
      const r = Math.min(run - 1, 6);
      clSyms.push(16);
      clExtra.push(r - 3);
      i += r + 1;
    } else {
      clSyms.push(v);
      clExtra.push(0);
      i += 1;
    }
  }
  const clFreq = new Uint32Array(19);
  for (const s of clSyms) clFreq[s]!++;
  const clLen = codeLengths(clFreq, 7);
  const clCodes = canonicalCodes(clLen);
  let hclen = 19;
  while (hclen > 4 && clLen[CODE_LENGTH_ORDER[hclen - 1]!] === 0) hclen--;

  out.write(last ? 1 : 0, 1);
  out.write(2, 2);
  out.write(hlit - 257, 5);
  out.write(hdist - 1, 5);
  out.write(hclen - 4, 4);
  for (let i = 0; i < hclen; i++) out.write(clLen[CODE_LENGTH_ORDER[i]!]!, 3);
  for (let i = 0; i < clSyms.length; i++) {
    const s = clSyms[i]!;
    out.write(clCodes[s]!, clLen[s]!);
    if (s === 16) out.write(clExtra[i]!, 2);
    else if (s === 17) out.write(clExtra[i]!, 3);
    else if (s === 18) out.write(clExtra[i]!, 7);
  }
  const litCodes = canonicalCodes(litLen);
  // The symbols, with the bit buffer in locals: at most 15 + 5 + 1 bits (3 bytes) per symbol.
  out.reserve(3 * count + 8);
  const buf = out.buf;
  let pos = out.pos;
  let bits = out.bits;
  let nbits = out.count;
  for (let i = 0; i < count; i++) {
    const s = syms[i]!;
    let v = litCodes[s]!;
    let n = litLen[s]!;
    if (s > 256) {
      // Length extra bits, then distance code 0 (distance 1): one 0 bit.
      v |= extras[i]! << n;
      n += LENGTH_EXTRA[s - 257]! + 1;
    }
    bits |= v << nbits;
    nbits += n;
    while (nbits >= 8) {
      buf[pos++] = bits & 0xff;
      bits >>>= 8;
      nbits -= 8;
    }
  }
  out.pos = pos;
  out.bits = bits;
  out.count = nbits;
  out.write(litCodes[256]!, litLen[256]!);
}

/** Appends the DEFLATE stream of `data` to `out` (run-length matches at distance 1, dynamic Huffman blocks). */
function deflateInto(out: BitWriter, data: Uint8Array): void {
  const syms = new Uint16Array(BLOCK_SYMBOLS);
  const extras = new Uint16Array(BLOCK_SYMBOLS);
  const litFreq = new Uint32Array(286);
  let count = 0;
  let i = 0;
  const n = data.length;
  while (i < n) {
    const v = data[i]!;
    let run = 0;
    if (i > 0 && data[i - 1] === v) {
      const limit = Math.min(MAX_RUN, n - i);
      while (run < limit && data[i + run] === v) run++;
    }
    if (run >= 3) {
      const c = LENGTH_CODE[run]!;
      syms[count] = 257 + c;
      litFreq[257 + c]!++;
      extras[count] = run - LENGTH_BASE[c]!;
      i += run;
    } else {
      syms[count] = v;
      litFreq[v]!++;
      i += 1;
    }
    count++;
    if (count === BLOCK_SYMBOLS) {
      writeBlock(out, syms, extras, count, litFreq, i >= n);
      litFreq.fill(0);
      count = 0;
    }
  }
  if (count > 0 || n === 0) writeBlock(out, syms, extras, count, litFreq, true);
  out.flush();
}

/**
 * Compresses `data` to a raw DEFLATE stream (no zlib header). Same input, same bytes, on any machine.
 * @example const raw = deflateRaw(new Uint8Array(1000)); // inflateRawSync(raw) gives the zeros back
 */
export function deflateRaw(data: Uint8Array): Uint8Array {
  const out = new BitWriter((data.length >> 1) + 1024);
  deflateInto(out, data);
  return out.bytes();
}

/** Adler-32 checksum (zlib trailer). */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = data.length;
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + 3800);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The zlib stream (RFC 1950) of `data` in a buffer with `before` free bytes in front of it and at least
 * `after` free bytes behind it, so a container (a PNG chunk) can be written around it without a copy.
 * The stream is `buf[start, end)`.
 */
export function zlibCompressFramed(data: Uint8Array, before: number, after: number): { buf: Uint8Array; start: number; end: number } {
  const out = new BitWriter(before + (data.length >> 1) + 1024 + after);
  out.buf[before] = 0x78;
  out.buf[before + 1] = 0x01;
  out.pos = before + 2;
  deflateInto(out, data);
  out.reserve(4 + after);
  const buf = out.buf;
  const k = out.pos;
  const sum = adler32(data);
  buf[k] = sum >>> 24;
  buf[k + 1] = (sum >>> 16) & 0xff;
  buf[k + 2] = (sum >>> 8) & 0xff;
  buf[k + 3] = sum & 0xff;
  return { buf, start: before, end: k + 4 };
}

/** zlib stream (RFC 1950) around {@link deflateRaw}. */
export function zlibCompress(data: Uint8Array): Uint8Array {
  const { buf, end } = zlibCompressFramed(data, 0, 0);
  return buf.slice(0, end);
}
