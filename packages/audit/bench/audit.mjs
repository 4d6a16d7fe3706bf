// pnpm bench:audit — fpdb's audit of a full-size synthetic release (12,400 images at the real release's
// sizes, with planted duplicates) from its 64×64 pixel cache, against the obvious way (SSIM of every pair)
// timed on a sample in the same run and extrapolated to all pairs. The release and its cache are made once
// in $XDG_CACHE_HOME/fpdb (default ~/.cache/fpdb) and reused. Uses the built dist. Last stdout line: one JSON object.
// AUDIT_BENCH_IMAGES (default 12400) and AUDIT_BENCH_SAMPLE (default 600) change the sizes.
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildCache, fpdbCacheHome, openCache, openDataset } from '@fpdb/loader/node';
import { DUPLICATES_FILE, generateDataset, RELEASE_IMAGES, RENDERER_VERSION, SYNTH_MARKER_FILE } from '@fpdb/synth/node';
import { DEFAULT_AUDIT_SIZE, findDuplicates, readAuditPixels, ssimOf, ssimStats } from '../dist/node.js';

const IMAGES = Number(process.env.AUDIT_BENCH_IMAGES ?? RELEASE_IMAGES);
const SAMPLE = Number(process.env.AUDIT_BENCH_SAMPLE ?? 600);
const PLANTED = Math.round(IMAGES / 100);
const SEED = 1;
const log = (...a) => console.error('[bench:audit]', ...a);
const now = () => performance.now() / 1000;
const root = join(fpdbCacheHome(), `bench-audit-${IMAGES}-seed${SEED}-dup${PLANTED}`);

async function ensureRelease() {
  try {
    const marker = JSON.parse(await readFile(join(root, SYNTH_MARKER_FILE), 'utf8'));
    if (marker.complete && marker.renderer === RENDERER_VERSION && marker.images === IMAGES && marker.seed === SEED) {
      log(`reusing ${root}`);
      return { seconds: 0, reused: true, planted: JSON.parse(await readFile(join(root, DUPLICATES_FILE), 'utf8')) };
    }
  } catch {
    // Not generated yet (or from another renderer): generate it.
  }
  log(`generating ${IMAGES} images at the release's sizes into ${root} (once; minutes)`);
  const t = now();
  let last = 0;
  const r = await generateDataset({
    outDir: root,
    images: IMAGES,
    seed: SEED,
    overwrite: true,
    duplicates: { count: PLANTED },
    onProgress: (p) => {
      if (p.done - last >= 1000 || p.done === p.total) log(`generated ${(last = p.done)}/${p.total}`);
    },
  });
  return { seconds: now() - t, reused: false, planted: r.duplicates };
}

const release = await ensureRelease();
const dataset = await openDataset(root);
const key = { height: DEFAULT_AUDIT_SIZE, width: DEFAULT_AUDIT_SIZE, policy: 'stretch' };
let cacheSeconds = 0;
const existing = await openCache(dataset, key);
const complete = existing !== undefined && existing.stale.length === 0;
await existing?.close();
if (!complete) {
  log('building the 64×64 cache (once)');
  const t = now();
  await buildCache(dataset, key);
  cacheSeconds = now() - t;
}

// fpdb's way, end to end from the cache: read the cache, hash, index, SSIM on candidates, confirm exact sets.
const cpu0 = process.cpuUsage();
const t0 = now();
const result = await findDuplicates(dataset, { buildCache: false });
const auditSeconds = now() - t0;
const cpu = process.cpuUsage(cpu0);
const together = new Map();
for (const g of result.groups) for (const m of g.members) together.set(m.imageName, g.id);
const found = release.planted.filter((d) => together.has(d.source) && together.get(d.source) === together.get(d.copy)).length;

// The obvious way: SSIM (the same measure, on the same 32×32 pixels) of every pair of a sample, extrapolated.
const { pixels, size } = await readAuditPixels(dataset, { buildCache: false });
const side = size >> 1;
const n = Math.min(SAMPLE, dataset.size);
const half = new Uint8Array(n * side * side);
for (let i = 0; i < n; i++) {
  const src = pixels.subarray(i * size * size);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const p = 2 * y * size + 2 * x;
      half[i * side * side + y * side + x] = (src[p] + src[p + 1] + src[p + size] + src[p + size + 1] + 2) >> 2;
    }
  }
}
const img = (i) => half.subarray(i * side * side, (i + 1) * side * side);
const scratch = { product: new Float64Array(side * side), sums: new Float64Array((side - 6) * (side - 6)) };
const t1 = now();
const stats = Array.from({ length: n }, (_, i) => ssimStats(img(i), side, side));
let pairs = 0;
let over = 0;
for (let i = 0; i < n; i++) {
  for (let j = i + 1; j < n; j++) {
    if (ssimOf(img(i), stats[i], img(j), stats[j], scratch) >= result.threshold) over++;
    pairs++;
  }
}
const sampleSeconds = now() - t1;
const allPairs = (dataset.size * (dataset.size - 1)) / 2;
const allPairsSeconds = (sampleSeconds / pairs) * allPairs;

const out = {
  bench: 'audit',
  images: dataset.size,
  cores: availableParallelism(),
  loadavg: loadavg().map((v) => +v.toFixed(2)),
  release: { root, generatedSeconds: +release.seconds.toFixed(1), reused: release.reused, cacheBuildSeconds: +cacheSeconds.toFixed(1) },
  fpdb: {
    seconds: +auditSeconds.toFixed(2),
    cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    phases: Object.fromEntries(Object.entries(result.stats.seconds).map(([k, v]) => [k, +v.toFixed(2)])),
    hashComparisons: result.stats.hashComparisons,
    ssimComputed: result.stats.candidates,
    groups: result.groups.length,
    exactPairs: result.stats.exactPairs,
    nearPairs: result.stats.nearPairs,
    planted: release.planted.length,
    plantedFound: found,
  },
  allPairsSsim: {
    sampleImages: n,
    samplePairs: pairs,
    sampleSeconds: +sampleSeconds.toFixed(2),
    pairsOverThreshold: over,
    microsecondsPerPair: +((sampleSeconds / pairs) * 1e6).toFixed(2),
    allPairs,
    extrapolatedSeconds: Math.round(allPairsSeconds),
    extrapolated: true,
  },
  speedup: Math.round(allPairsSeconds / auditSeconds),
  underOneMinute: auditSeconds < 60,
};
console.log(JSON.stringify(out));
