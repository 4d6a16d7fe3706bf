import { FpdbError, RESIZE_POLICIES, type ResizePolicy } from '@fpdb/schema';
import { GRAY_FORMULA } from '../pixels/gray.js';
import { DEFAULT_KERNEL, type ResizeKernel } from '../pixels/decode-image.js';

/** Data file magic: 8 ASCII bytes. */
export const CACHE_MAGIC = 'FPDBCACH';
/** Bumped whenever the bytes a cache holds for an image would change (format, gray formula, geometry). */
export const CACHE_VERSION = 3; // 2: the default kernel became fpdb's own `linear`; 3: a CRC-32 per image
/**
 * Bytes before the pixels. Layout (little-endian): magic[8] · version u32 · height u32 · width u32 ·
 * count u32 · policy u8 · pad[3] · buildId[16] · reserved to 64. Image `slot` occupies
 * `[64 + slot·H·W, 64 + (slot+1)·H·W)`, row-major uint8.
 */
export const CACHE_HEADER_BYTES = 64;

/** What identifies one cache: output size, policy and kernel. */
export interface CacheKey {
  height: number;
  width: number;
  policy: ResizePolicy;
  kernel: ResizeKernel;
}

/** The header of a cache data file. */
export interface CacheHeader extends Omit<CacheKey, 'kernel'> {
  version: number;
  count: number;
  buildId: string;
}

/** One source image's identity, slot and the CRC-32 of its cached pixels: `[slot, size in bytes, mtime in ms, crc32]`. */
export type CacheEntry = [slot: number, size: number, mtimeMs: number, crc32: number];

/** An image that could not be decoded when the cache was built (onError `skip`): `[size, mtime in ms, error code, message]`. */
export type CacheFailure = [size: number, mtimeMs: number, code: string, message: string];

/** True when `e` is a well-formed entry of a cache of `count` slots (a damaged index line is not trusted). */
export function isCacheEntry(e: unknown, count: number): e is CacheEntry {
  return (
    Array.isArray(e) &&
    e.length === 4 &&
    Number.isInteger(e[0]) &&
    e[0] >= 0 &&
    e[0] < count &&
    Number.isFinite(e[1]) &&
    Number.isFinite(e[2]) &&
    Number.isInteger(e[3]) &&
    e[3] >= 0 &&
    e[3] <= 0xffffffff
  );
}

/** The index JSON beside a data file. */
export interface CacheIndex extends CacheKey {
  format: 'fpdb-cache';
  version: number;
  gray: string;
  buildId: string;
  count: number;
  dataFile: string;
  createdAt: string;
  entries: Record<string, CacheEntry>;
  /** Images left out because they could not be decoded, so a rerun skips them without decoding again. */
  failed?: Record<string, CacheFailure>;
}

/** File stem of a cache: `128x128-pad` (plus `-<kernel>` when not the default, `linear`). */
export function cacheStem(key: CacheKey): string {
  return `${key.height}x${key.width}-${key.policy}${key.kernel === DEFAULT_KERNEL ? '' : `-${key.kernel}`}`;
}

/** Encodes a data file header. */
export function encodeHeader(h: CacheHeader): Uint8Array {
  const buf = new Uint8Array(CACHE_HEADER_BYTES);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < 8; i++) buf[i] = CACHE_MAGIC.charCodeAt(i);
  view.setUint32(8, h.version, true);
  view.setUint32(12, h.height, true);
  view.setUint32(16, h.width, true);
  view.setUint32(20, h.count, true);
  buf[24] = RESIZE_POLICIES.indexOf(h.policy);
  for (let i = 0; i < 16; i++) buf[28 + i] = parseInt(h.buildId.slice(i * 2, i * 2 + 2), 16);
  return buf;
}

/**
 * Decodes a data file header.
 * @throws FpdbError FPDB_CACHE when the bytes are not an fpdb cache header.
 */
export function decodeHeader(buf: Uint8Array, file: string): CacheHeader {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = String.fromCharCode(...buf.subarray(0, 8));
  const policy = RESIZE_POLICIES[buf[24] ?? 255];
  if (buf.length < CACHE_HEADER_BYTES || magic !== CACHE_MAGIC || !policy) {
    throw new FpdbError('FPDB_CACHE', `${file} is not an fpdb cache file (bad header). Delete it and run \`fpdb cache\` again.`, { details: { file } });
  }
  const buildId = Array.from(buf.subarray(28, 44), (b) => b.toString(16).padStart(2, '0')).join('');
  return { version: view.getUint32(8, true), height: view.getUint32(12, true), width: view.getUint32(16, true), count: view.getUint32(20, true), policy, buildId };
}

/** Describes the pixel recipe stored with every cache, so a formula change never reuses old bytes. */
export const CACHE_GRAY = GRAY_FORMULA;
