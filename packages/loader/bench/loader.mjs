// pnpm bench:loader — decode/resize throughput vs Python PIL, cache build, streaming from the cache,
// and peak RSS while streaming without a cache. Uses the built dist. Last stdout line: one JSON object.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cp, link, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { realFixturesDir } from '@fpdb/internal/testing';
import { generateDataset } from '@fpdb/synth/node';
import { buildCache, createBatches, decodeImage, decodeWorkerCount, openDataset, readImageInPool } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const REAL = realFixturesDir();
const PYTHON = '/usr/bin/python3';
const log = (...a) => console.error('[bench:loader]', ...a);

function peakRssMiB() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

async function measure(label, files, size, inFlight, repeat, kernel) {
  const list = Array.from({ length: repeat }, () => files).flat();
  let next = 0;
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const start = performance.now();
  // Reading the file is part of the work, as in PIL's Image.open.
  // Sequential: read + decode on the main thread, one image at a time. Parallel: the decode worker pool
  // (one worker per core), 2 images per core in flight.
  const worker = async () => {
    while (next < list.length) {
      const f = list[next++];
      if (inFlight === 1) await decodeImage(await readFile(f), { height: size, width: size, policy: 'stretch', kernel }, { file: f });
      else await readImageInPool(f, { height: size, width: size, policy: 'stretch', kernel }, { file: f });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // Main-thread busy time: the part of the work that cannot move to another core (the rest — inflate,
  // file reads — runs on libuv's thread pool).
  const mainSeconds = performance.eventLoopUtilization(elu0).active / 1000;
  const r = {
    label,
    size,
    inFlight,
    images: list.length,
    seconds: +seconds.toFixed(3),
    imagesPerSecond: +(list.length / seconds).toFixed(1),
    imagesPerCpuSecond: +(list.length / cpuSeconds).toFixed(1),
    cpuMsPerImage: +((cpuSeconds * 1000) / list.length).toFixed(2),
    coresUsed: +(cpuSeconds / seconds).toFixed(2),
    mainThreadMsPerImage: +((mainSeconds * 1000) / list.length).toFixed(2),
  };
  log(JSON.stringify(r));
  return r;
}

function pil(files, size, repeat, dir, filter) {
  const listing = join(dir, `files-${size}.txt`);
  writeFileSync(listing, files.join('\n'));
  const r = spawnSync(PYTHON, [join(here, 'pil_decode.py'), String(size), String(repeat), listing, filter], { encoding: 'utf8' });
  if (r.status !== 0) {
    log('PIL peer unavailable:', (r.stderr || r.error?.message || '').split('\n').slice(-2).join(' '));
    return undefined;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  log(JSON.stringify({ label: `pil ${filter}`, size, ...out }));
  return { images: out.images, seconds: +out.seconds.toFixed(3), imagesPerSecond: +out.imagesPerSecond.toFixed(1), imagesPerCpuSecond: +out.imagesPerCpuSecond.toFixed(1), pil: out.pil };
}

/** Mean and max |fpdb − PIL| gray levels over a few images: both run the same triangle filter. */
async function agreement(files, size, dir) {
  const out = join(dir, 'pil-pixels.bin');
  const listing = join(dir, 'agreement.txt');
  writeFileSync(listing, files.join('\n'));
  const r = spawnSync(PYTHON, [join(here, 'pil_decode.py'), String(size), '1', listing, 'BILINEAR', out], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const theirs = readFileSync(out);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < files.length; i++) {
    const ours = await decodeImage(await readFile(files[i]), { height: size, width: size, policy: 'stretch' });
    for (let k = 0; k < ours.length; k++) {
      const d = Math.abs(ours[k] - theirs[i * size * size + k]);
      sum += d;
      if (d > max) max = d;
    }
  }
  return { meanAbsDiff: +(sum / (files.length * size * size)).toFixed(3), maxAbsDiff: max };
}

/** Runs a stage in a child process so its peak RSS is its own. */
function child(stage, args) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--stage', stage, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`stage ${stage} failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function stage(name, root, cacheDir) {
  const ds = await openDataset(root);
  const start = performance.now();
  if (name === 'cache-build') {
    const r = await buildCache(ds, { height: 128, width: 128, policy: 'stretch', dir: cacheDir, concurrency: 4 });
    return { images: r.total, decoded: r.decoded, seconds: (performance.now() - start) / 1000, peakRssMiB: peakRssMiB(), bytes: r.bytes };
  }
  if (name === 'stream-cache') {
    const stream = await createBatches(ds, { height: 128, width: 128, policy: 'stretch', cacheDir, batchSize: 32, seed: 1, prefetch: 2 });
    let batches = 0;
    let images = 0;
    for (let e = 0; e < 2; e++) for await (const b of stream.epoch(e)) batches++, (images += b.batchSize);
    await stream.close();
    const seconds = (performance.now() - start) / 1000;
    return { epochs: 2, batches, images, seconds, batchesPerSecond: batches / seconds, imagesPerSecond: images / seconds, decoded: 0, peakRssMiB: peakRssMiB() };
  }
  if (name === 'stream-nocache-224') {
    const stream = await createBatches(ds, { height: 224, width: 224, policy: 'stretch', cache: 'off', batchSize: 32, seed: 1, prefetch: 2, concurrency: 8 });
    let batches = 0;
    let images = 0;
    for await (const b of stream.epoch(0)) batches++, (images += b.batchSize);
    await stream.close();
    const seconds = (performance.now() - start) / 1000;
    return { batches, images, seconds, imagesPerSecond: images / seconds, peakRssMiB: peakRssMiB() };
  }
  throw new Error(`unknown stage ${name}`);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--stage') {
    console.log(JSON.stringify(await stage(argv[1], argv[2], argv[3])));
    return;
  }
  const work = await mkdtemp(join(tmpdir(), 'fpdb-bench-loader-'));
  const cores = cpus().length;
  log(`work dir ${work}; ${cores} cores; sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, sharp.concurrency() = ${sharp.concurrency()}`);
  const realFiles = (await readdir(join(REAL, 'Images'))).map((f) => join(REAL, 'Images', f));

  // Synth images at the release's real sizes (drawn per device, as @fpdb/synth does): 60 distinct files.
  const synthRoot = join(work, 'synth-pool');
  await generateDataset({ outDir: synthRoot, images: 60, seed: 7 });
  const synthFiles = (await readdir(join(synthRoot, 'Images'))).sort().map((f) => join(synthRoot, 'Images', f));
  const synthSizes = new Set(
    await Promise.all(
      synthFiles.map(async (f) => {
        const m = await sharp(f).metadata();
        return `${m.width}×${m.height}`;
      }),
    ),
  );
  log(`synthetic pool: ${synthFiles.length} images from @fpdb/synth, sizes ${[...synthSizes].join(', ')}`);

  // The default path (kernel linear: node:zlib inflate off the main thread + wasm unfilter and
  // triangle resize) against PIL's BILINEAR, the same antialiased triangle filter; and sharp's
  // lanczos3 against PIL's LANCZOS. Sequential = one image in flight; parallel = 2 per core.
  const setups = {};
  const ratioToPil = {};
  const perCpuSecond = {};
  const cpuRatioToPil = {};
  const agreementWithPil = {};
  const idleEstimate = {};
  const loadBefore = loadavg();
  // Warm-up: the wasm kernels start in V8's baseline tier and are optimised after a few calls.
  for (const f of realFiles.slice(0, 20)) await decodeImage(await readFile(f), { height: 128, width: 128 });
  await Promise.all(realFiles.map((f) => readImageInPool(f, { height: 128, width: 128 }, { file: f })));
  log(`decode workers: ${decodeWorkerCount()}`);
  for (const [set, files, repeat] of [
    ['real60', realFiles, 4],
    ['synthRealSizes', synthFiles, 4],
  ]) {
    for (const size of [224, 128]) {
      for (const [kernel, filter] of [
        ['linear', 'BILINEAR'],
        ['lanczos3', 'LANCZOS'],
      ]) {
        const seq = await measure(`${set} ${kernel} 1-in-flight`, files, size, 1, repeat, kernel);
        const par = await measure(`${set} ${kernel} ${2 * cores}-in-flight`, files, size, 2 * cores, repeat, kernel);
        const p = pil(files, size, repeat, work, filter);
        const key = `${set}_${size}${kernel === 'linear' ? '' : `_${kernel}`}`;
        setups[`${key}_sequential`] = seq.imagesPerSecond;
        setups[`${key}_parallel`] = par.imagesPerSecond;
        perCpuSecond[`${key}_fpdb`] = seq.imagesPerCpuSecond;
        if (p) {
          perCpuSecond[`${key}_pil`] = p.imagesPerCpuSecond;
          cpuRatioToPil[key] = +(seq.imagesPerCpuSecond / p.imagesPerCpuSecond).toFixed(2);
          setups[`${key}_pil`] = p.imagesPerSecond;
          ratioToPil[key] = +(par.imagesPerSecond / p.imagesPerSecond).toFixed(2);
          ratioToPil[`${key}_sequential`] = +(seq.imagesPerSecond / p.imagesPerSecond).toFixed(2);
          if (kernel === 'linear') {
            agreementWithPil[key] = await agreement(files.slice(0, 8), size, work);
            // On free cores the parallel setup (decoding on worker threads, the main thread only
            // dispatching) is bounded by its CPU time spread over the cores: cores / (CPU ms per image) —
            // an estimate for an idle machine from measured CPU time, against PIL's single-process rate
            // (its images per CPU second).
            const bound = Math.min(1000 / par.mainThreadMsPerImage, (1000 * cores) / par.cpuMsPerImage);
            idleEstimate[key] = { imagesPerSecond: +bound.toFixed(1), ratioToPil: +(bound / p.imagesPerCpuSecond).toFixed(2) };
          }
        }
      }
    }
  }

  // A 12,400-image synth release: the real CSV, every name a hard link to one of the pool's files.
  const root = join(work, 'release');
  await mkdir(join(root, 'Images'), { recursive: true });
  await cp(join(REAL, 'FETAL_PLANES_DB_data.csv'), join(root, 'FETAL_PLANES_DB_data.csv'));
  const names = (await readFile(join(root, 'FETAL_PLANES_DB_data.csv'), 'utf8'))
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(';')[0]);
  await Promise.all(names.map((n, i) => link(synthFiles[i % synthFiles.length], join(root, 'Images', `${n}.png`))));
  const cacheDir = join(work, 'cache');
  log('building the 128×128 cache of 12,400 synth images…');
  const build = child('cache-build', [root, cacheDir]);
  log(JSON.stringify(build));
  log('streaming 2 epochs from the cache, B=32, 128×128…');
  const stream = child('stream-cache', [root, cacheDir]);
  log(JSON.stringify(stream));
  log('streaming 1 epoch of 12,400 images at 224×224 without a cache…');
  const nocache = child('stream-nocache-224', [root, cacheDir]);
  log(JSON.stringify(nocache));
  await rm(work, { recursive: true, force: true });

  const python = spawnSync(PYTHON, ['-c', 'import PIL, numpy; print(PIL.__version__, numpy.__version__)'], { encoding: 'utf8' }).stdout?.trim();
  const result = {
    bench: 'loader',
    node: process.version,
    cores,
    sharp: sharp.versions.sharp,
    pilNumpy: python || null,
    work: 'read file → decode PNG → 1 gray channel → resize (stretch) → uint8; default kernel linear (fpdb: node:zlib + wasm) vs PIL BILINEAR, and sharp lanczos3 vs PIL LANCZOS; ratioToPil = fpdb with 2 images per core in flight ÷ PIL single process',
    agreementWithPil,
    loadAverage: { before: loadBefore.map((x) => +x.toFixed(1)), after: loadavg().map((x) => +x.toFixed(1)) },
    imagesPerSecond: setups,
    ratioToPil,
    idleTwoCoreEstimate: idleEstimate,
    imagesPerCpuSecond: perCpuSecond,
    cpuRatioToPil,
    cacheBuild128: {
      images: build.images,
      seconds: +build.seconds.toFixed(1),
      imagesPerSecond: +(build.images / build.seconds).toFixed(1),
      peakRssMiB: Math.round(build.peakRssMiB),
      bytes: build.bytes,
    },
    streamFromCache128: { batchSize: 32, batchesPerSecond: +stream.batchesPerSecond.toFixed(1), imagesPerSecond: Math.round(stream.imagesPerSecond), peakRssMiB: Math.round(stream.peakRssMiB) },
    streamNoCache224: {
      images: nocache.images,
      seconds: +nocache.seconds.toFixed(1),
      imagesPerSecond: +nocache.imagesPerSecond.toFixed(1),
      peakRssMiB: Math.round(nocache.peakRssMiB),
      underOneGiB: nocache.peakRssMiB < 1024,
    },
  };
  console.log(JSON.stringify(result));
}

await main();
