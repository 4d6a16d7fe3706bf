import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildCache, decodeImage, openCache, readPngHeader, type Dataset } from '@fpdb/loader/node';
import { FpdbError } from '@fpdb/schema';
import { describeGroup, type DuplicateGroup, type DuplicateMember, type DuplicatePair } from './duplicate-group.js';
import { candidatePairs } from './hash-index.js';
import { perceptualHashInto } from './perceptual-hash.js';
import { ssimOf, ssimStats, type SsimStats } from './ssim.js';

/**
 * Default SSIM (on the 64×64 cache averaged to 32×32) a candidate pair must reach to be a near-duplicate.
 * From the data: on the real fixtures the release's near-identical frames score 0.94–0.95 and the highest
 * pair that is not a duplicate 0.78 (two different images sharing a re-saver's white letterbox; distinct
 * frames of one patient-plane ≤ 0.75); on the synthetic release planted noise, contrast and
 * re-compression copies score ≥ 0.88 and 0.5–1% shifts 0.79–0.95.
 */
export const DEFAULT_SSIM_THRESHOLD = 0.8;
/**
 * Default perceptual-hash radius of the candidate search (bits of 64). Every planted near-duplicate of the
 * synthetic release and every real near-identical pair is within 10 bits of its source; 12 leaves a margin.
 */
export const DEFAULT_MAX_HAMMING = 12;
/** Default side of the cached pixels the audit compares (stretch policy). */
export const DEFAULT_AUDIT_SIZE = 64;

/** Progress of an audit: which phase, and how far. */
export interface AuditProgress {
  phase: 'cache' | 'read' | 'hash' | 'compare' | 'exact';
  done: number;
  total: number;
}

/** Options of {@link findDuplicates} and `auditDataset`. */
export interface FindDuplicatesOptions {
  /** Minimum SSIM of a near-duplicate pair; default {@link DEFAULT_SSIM_THRESHOLD}. */
  threshold?: number;
  /** Hamming radius of the candidate search; default {@link DEFAULT_MAX_HAMMING}. */
  maxHamming?: number;
  /** Side of the cached pixels (square, `stretch`); default {@link DEFAULT_AUDIT_SIZE}. */
  size?: number;
  /** Cache folder (as `buildCache`'s `dir`); default the dataset's. */
  cacheDir?: string;
  /** Build or update the cache when it is missing or stale (default true); false throws FPDB_CACHE instead. */
  buildCache?: boolean;
  onProgress?: (progress: AuditProgress) => void;
  signal?: AbortSignal;
}

/** Counts and times of a duplicate search. */
export interface DuplicateStats {
  images: number;
  /** Hash pairs the index compared, and those within the radius (SSIM computed). */
  hashComparisons: number;
  candidates: number;
  /** Candidate pairs confirmed by SSIM, and exact pairs. */
  nearPairs: number;
  exactPairs: number;
  seconds: { cache: number; read: number; hash: number; compare: number; exact: number };
}

/** What {@link findDuplicates} returns. */
export interface DuplicateResult {
  threshold: number;
  maxHamming: number;
  size: number;
  groups: DuplicateGroup[];
  stats: DuplicateStats;
}

/** Cached pixels of every image of a dataset, `size²` bytes each, in record order. */
export interface AuditPixels {
  size: number;
  pixels: Uint8Array;
  seconds: { cache: number; read: number };
}

const now = (): number => performance.now() / 1000;

/** Reads the audit-size cache of a dataset (building it first when allowed). */
export async function readAuditPixels(dataset: Dataset, options: FindDuplicatesOptions = {}): Promise<AuditPixels> {
  const size = options.size ?? DEFAULT_AUDIT_SIZE;
  const key = { height: size, width: size, policy: 'stretch' as const, ...(options.cacheDir === undefined ? {} : { dir: options.cacheDir }) };
  const t0 = now();
  let cache = await openCache(dataset, key);
  if (!cache || cache.stale.length > 0) {
    await cache?.close();
    if (options.buildCache === false) {
      throw new FpdbError('FPDB_CACHE', `No complete ${size}×${size} stretch cache of ${dataset.root}. Run \`fpdb cache ${dataset.root} --size ${size}\` or allow the audit to build it.`, {
        details: { file: dataset.root },
      });
    }
    await buildCache(dataset, { ...key, ...(options.signal ? { signal: options.signal } : {}), onProgress: (p) => options.onProgress?.({ phase: 'cache', done: p.done, total: p.total }) });
    cache = await openCache(dataset, key);
    if (!cache) throw new FpdbError('FPDB_CACHE', `The ${size}×${size} cache of ${dataset.root} could not be opened after building it.`, { details: { file: dataset.root } });
  }
  const t1 = now();
  const slot = size * size;
  const pixels = new Uint8Array(dataset.size * slot);
  try {
    for (let i = 0; i < dataset.size; i++) {
      await cache.read(dataset.records[i]!.imageName, pixels.subarray(i * slot, (i + 1) * slot));
      if (i % 512 === 511) options.onProgress?.({ phase: 'read', done: i + 1, total: dataset.size });
    }
  } finally {
    await cache.close();
  }
  options.onProgress?.({ phase: 'read', done: dataset.size, total: dataset.size });
  return { size, pixels, seconds: { cache: t1 - t0, read: now() - t1 } };
}

function checkOptions(o: FindDuplicatesOptions): void {
  if (o.threshold !== undefined && !(o.threshold > 0 && o.threshold <= 1)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `threshold is an SSIM in (0, 1]; got ${o.threshold}.`, { details: { value: o.threshold } });
  }
  if (o.maxHamming !== undefined && !(Number.isInteger(o.maxHamming) && o.maxHamming >= 0 && o.maxHamming <= 32)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `maxHamming is a whole number of bits from 0 to 32; got ${o.maxHamming}.`, { details: { value: o.maxHamming } });
  }
  if (o.size !== undefined && !(Number.isInteger(o.size) && o.size >= 16 && o.size <= 256)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `size is a whole number of pixels from 16 to 256; got ${o.size}.`, { details: { value: o.size } });
  }
}

async function contentHash(dataset: Dataset, name: string): Promise<string> {
  const info = dataset.image(name);
  const bytes = await readFile(info.path);
  const where = { file: info.path, line: info.line, imageName: name };
  const header = readPngHeader(bytes, where);
  const gray = await decodeImage(bytes, { height: header.height, width: header.width }, where);
  return createHash('sha256').update(`${header.width}x${header.height}\n`).update(gray).digest('hex');
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Duplicate search on pixels already read (see {@link findDuplicates}); `auditDataset` shares one read.
 */
export async function duplicatesFromPixels(dataset: Dataset, data: AuditPixels, options: FindDuplicatesOptions = {}): Promise<DuplicateResult> {
  checkOptions(options);
  const { threshold = DEFAULT_SSIM_THRESHOLD, maxHamming = DEFAULT_MAX_HAMMING, onProgress, signal } = options;
  const { size, pixels } = data;
  const n = dataset.size;
  const slot = size * size;
  const image = (i: number): Uint8Array => pixels.subarray(i * slot, (i + 1) * slot);
  // SSIM runs on the cached pixels averaged over 2×2 blocks: at full cache resolution speckle makes a
  // one-pixel shift of the same frame score like an unrelated image; halved, it does not (and costs 4× less).
  const side = size >> 1;
  const half = new Uint8Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const px = image(i);
    const o = i * side * side;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const p = 2 * y * size + 2 * x;
        half[o + y * side + x] = (px[p]! + px[p + 1]! + px[p + size]! + px[p + size + 1]! + 2) >> 2;
      }
    }
  }
  const small = (i: number): Uint8Array => half.subarray(i * side * side, (i + 1) * side * side);

  // 1. Per image: a fingerprint of the cached pixels (exact candidates) and the perceptual hash.
  let t = now();
  const hashes = new Uint32Array(2 * n);
  const fingerprints = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const px = image(i);
    perceptualHashInto(px, size, size, hashes, 2 * i);
    const fp = createHash('sha1').update(px).digest('base64');
    const list = fingerprints.get(fp);
    if (list) list.push(i);
    else fingerprints.set(fp, [i]);
    if (i % 1024 === 1023) onProgress?.({ phase: 'hash', done: i + 1, total: n });
  }
  onProgress?.({ phase: 'hash', done: n, total: n });
  const hashSeconds = now() - t;

  // 2. Near candidates from the hash index, confirmed by SSIM; pixel-identical caches need no SSIM.
  t = now();
  const candidates = candidatePairs(hashes, maxHamming);
  const sameCache = new Int32Array(n).fill(-1);
  for (const list of fingerprints.values()) if (list.length > 1) for (const i of list) sameCache[i] = list[0]!;
  const stats = new Map<number, SsimStats>();
  const statsOf = (i: number): SsimStats => {
    let s = stats.get(i);
    if (!s) stats.set(i, (s = ssimStats(small(i), side, side)));
    return s;
  };
  const scratch = { product: new Float64Array(side * side), sums: new Float64Array((side - 6) * (side - 6)) };
  const links: Array<{ i: number; j: number; ssim: number; hamming: number }> = [];
  const total = candidates.a.length;
  for (let k = 0; k < total; k++) {
    const i = candidates.a[k]!;
    const j = candidates.b[k]!;
    if (sameCache[i] !== -1 && sameCache[i] === sameCache[j]) continue; // linked below, as exact candidates
    const s = ssimOf(small(i), statsOf(i), small(j), statsOf(j), scratch);
    if (s >= threshold) links.push({ i, j, ssim: s, hamming: candidates.distance[k]! });
    if (k % 4096 === 4095) {
      onProgress?.({ phase: 'compare', done: k + 1, total });
      if (signal?.aborted) throw new FpdbError('FPDB_ABORTED', `Audit stopped after ${k + 1} of ${total} comparisons.`);
    }
  }
  onProgress?.({ phase: 'compare', done: total, total });
  const compareSeconds = now() - t;

  // 3. Identical cached pixels: decode those files at full size; same decoded pixels = exact duplicates.
  t = now();
  const exactHash = new Map<number, string>();
  const groupsOfSame = [...fingerprints.values()].filter((l) => l.length > 1);
  const toDecode = groupsOfSame.flat();
  let decoded = 0;
  for (const i of toDecode) {
    exactHash.set(i, await contentHash(dataset, dataset.records[i]!.imageName));
    onProgress?.({ phase: 'exact', done: ++decoded, total: toDecode.length });
  }
  let exactPairs = 0;
  for (const list of groupsOfSame) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const i = list[x]!;
        const j = list[y]!;
        const exact = exactHash.get(i) === exactHash.get(j);
        if (exact) exactPairs++;
        const d = candidatesDistance(hashes, i, j);
        links.push({ i, j, ssim: exact ? 1 : ssimOf(small(i), statsOf(i), small(j), statsOf(j), scratch), hamming: d });
      }
    }
  }
  const exactSeconds = now() - t;

  // 4. Connected components.
  const uf = new UnionFind(n);
  for (const l of links) uf.union(l.i, l.j);
  const byRoot = new Map<number, { members: number[]; links: typeof links }>();
  for (const l of links) {
    const r = uf.find(l.i);
    let g = byRoot.get(r);
    if (!g) byRoot.set(r, (g = { members: [], links: [] }));
    g.links.push(l);
  }
  for (let i = 0; i < n; i++) byRoot.get(uf.find(i))?.members.push(i);
  const member = (i: number): DuplicateMember => {
    const r = dataset.records[i]!;
    const info = dataset.image(r);
    const hash = exactHash.get(i);
    return {
      imageName: r.imageName,
      patientId: r.patientId,
      plane: r.plane,
      brainPlane: r.brainPlane,
      operator: r.operator,
      usMachine: r.usMachine,
      split: r.split,
      width: info.width,
      height: info.height,
      ...(hash === undefined ? {} : { contentHash: hash }),
    };
  };
  const groups = [...byRoot.values()]
    .sort((a, b) => a.members[0]! - b.members[0]!)
    .map((g, index) => {
      const name = (i: number): string => dataset.records[i]!.imageName;
      const pairs: DuplicatePair[] = g.links
        .sort((a, b) => a.i - b.i || a.j - b.j)
        .map((l) => ({ a: name(l.i), b: name(l.j), ssim: Math.round(l.ssim * 1e4) / 1e4, hamming: l.hamming, exact: exactHash.has(l.i) && exactHash.get(l.i) === exactHash.get(l.j) }));
      return describeGroup(index + 1, g.members.map(member), pairs);
    });
  return {
    threshold,
    maxHamming,
    size,
    groups,
    stats: {
      images: n,
      hashComparisons: candidates.compared,
      candidates: total,
      nearPairs: links.length - exactPairs,
      exactPairs,
      seconds: { ...data.seconds, hash: hashSeconds, compare: compareSeconds, exact: exactSeconds },
    },
  };
}

function candidatesDistance(hashes: Uint32Array, i: number, j: number): number {
  let d = 0;
  for (let w = 0; w < 2; w++) for (let v = hashes[2 * i + w]! ^ hashes[2 * j + w]!; v !== 0; v &= v - 1) d++;
  return d;
}

/**
 * Finds exact and near-duplicate images of a dataset from its pixel cache (built at `size`×`size`,
 * stretch, when missing): exact = identical decoded full-size pixels (whatever the file bytes or PNG
 * mode); near = a perceptual-hash candidate (multi-index search, no all-pairs scan) whose SSIM reaches
 * `threshold`. Linked images form groups, each described by scope (within a patient, across patients,
 * across the official split, across machines) and whether its labels disagree.
 * @throws FpdbError FPDB_INVALID_ARGUMENT (options), FPDB_CACHE, FPDB_ABORTED, and decode errors of the cache build.
 * @example
 * const ds = await openDataset('/data/FETAL_PLANES_DB');
 * const { groups } = await findDuplicates(ds);
 * groups.filter((g) => g.scope.crossSplit) // leaks between train and test
 */
export async function findDuplicates(dataset: Dataset, options: FindDuplicatesOptions = {}): Promise<DuplicateResult> {
  checkOptions(options);
  return duplicatesFromPixels(dataset, await readAuditPixels(dataset, options), options);
}
