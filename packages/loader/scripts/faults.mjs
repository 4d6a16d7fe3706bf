// Fault injection (pnpm test:faults): cache builds and release downloads are killed (SIGKILL) at random
// points, over several seeds, sometimes with their journal torn or a finished slot damaged afterwards;
// the rerun must finish with results identical to an uninterrupted run, and no file outside the cache /
// output folder may change. Child processes run the real library (dist/); a local HTTP server plays
// Zenodo. Prints one JSON line per case and a summary; exits 1 on any failure.
// Usage: node scripts/faults.mjs [--seeds N] [--kills K]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const dist = new URL('../dist/node.js', import.meta.url).href;
const SIZE = { height: 48, width: 64, policy: 'pad' };

// ---- child mode: one operation, its result as JSON on stdout -------------------------------------
if (process.argv[2] === 'child') {
  const loader = await import(dist);
  const [, , , op, a, b, c] = process.argv;
  try {
    if (op === 'cache') {
      const ds = await loader.openDataset(a, { missing: 'skip' });
      process.stderr.write('S\n');
      const r = await loader.buildCache(ds, { ...SIZE, concurrency: 1, workers: false, onError: 'skip' });
      process.stdout.write(
        JSON.stringify({ ok: true, decoded: r.decoded, reused: r.reused, resumed: r.resumed, repaired: r.repaired.length, dropped: r.journalLinesDropped, skipped: r.skipped.length }),
      );
    } else if (op === 'download') {
      process.stderr.write('S\n');
      const r = await loader.downloadRelease({ out: a, url: b, checksum: { algorithm: 'md5', value: c }, retryDelayMs: 20 });
      process.stdout.write(JSON.stringify({ ok: true, resumed: r.resumed, attempts: r.attempts, images: r.extracted.images }));
    }
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, code: e.code, message: String(e.message).slice(0, 300) }));
  }
  process.exit(0);
}

// ---- parent ------------------------------------------------------------------------------------
const { values } = parseArgs({ options: { seeds: { type: 'string', default: '5' }, kills: { type: 'string', default: '4' } } });
const SEEDS = Number(values.seeds);
const KILLS = Number(values.kills);
const { realFixturesDir } = await import('@fpdb/internal/testing');
const { seededRandom: rng, snapshotTree } = await import('@fpdb/internal/testing/faults');
/** Every file under `dir` (except `skip` folders) → sha1 of its bytes. */
const snapshot = (dir, skip = new Set()) => snapshotTree(dir, { skip });
const yazl = (await import('yazl')).default;
const { generateDataset } = await import('@fpdb/synth/node');

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Runs the child; kills it with SIGKILL after `killAfterMs` unless it ends first. */
function runChild(args, killAfterMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [self, 'child', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // The kill clock starts when the child says it begins the operation (after module loading).
    let started = Date.now();
    let timer;
    child.stderr.on('data', () => {
      if (timer !== undefined || !stderr.startsWith('S')) return;
      started = Date.now();
      timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      let result;
      try {
        result = JSON.parse(stdout);
      } catch {
        result = undefined;
      }
      resolve({ killed: signal === 'SIGKILL', code, result, stderr: stderr.slice(-500), ms: Date.now() - started });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'fpdb-faults-'));
const cases = [];
let failures = 0;
const record = (c) => {
  cases.push(c);
  if (!c.pass) failures++;
  console.log(JSON.stringify(c));
};

// ---- cache builds ----------------------------------------------------------------------------------
const real = realFixturesDir();
// 600 synthetic images (several journal flushes) plus one undecodable (skipped and recorded).
const synthRoot = join(work, 'synth');
await generateDataset({ outDir: synthRoot, images: 600, seed: 7, size: { width: 200, height: 150 } });
const firstImage = readdirSync(join(synthRoot, 'Images')).sort()[0];
const good = readFileSync(join(synthRoot, 'Images', firstImage));
writeFileSync(join(synthRoot, 'Images', firstImage), good.subarray(0, good.length - 50));
function freshData(name) {
  const root = join(work, name);
  cpSync(synthRoot, root, { recursive: true });
  // A sentinel beside the dataset: the build may touch nothing outside <root>/.fpdb-cache.
  writeFileSync(join(root, 'notes.txt'), "not fpdb's");
  return root;
}
const cacheFiles = (root) => {
  const dir = join(root, '.fpdb-cache');
  const stem = `${SIZE.height}x${SIZE.width}-${SIZE.policy}`;
  const index = JSON.parse(readFileSync(join(dir, `${stem}.json`), 'utf8'));
  return {
    dir,
    stem,
    entries: Object.fromEntries(Object.entries(index.entries).map(([n, e]) => [n, [e[0], e[1], e[3]]])),
    failed: Object.keys(index.failed ?? {}),
    pixels: createHash('sha1')
      .update(readFileSync(join(dir, `${stem}.bin`)).subarray(64))
      .digest('hex'),
    leftovers: readdirSync(dir).filter((f) => !f.endsWith('.bin') && !f.endsWith('.json')),
  };
};

const refRoot = freshData('cache-ref');
const ref = await runChild(['cache', refRoot]);
if (!ref.result?.ok) throw new Error(`the uninterrupted reference build failed: ${JSON.stringify(ref)}`);
const reference = cacheFiles(refRoot);
// A second, warm uninterrupted build times the kill window (the first pays for cold caches).
const warm = await runChild(['cache', freshData('cache-ref2')]);
const buildMs = Math.min(ref.ms, warm.ms);

for (let seed = 1; seed <= SEEDS; seed++) {
  const random = rng(seed);
  const root = freshData(`cache-${seed}`);
  const before = snapshot(root, new Set([join(root, '.fpdb-cache')]));
  const events = [];
  for (let k = 0; k < KILLS; k++) {
    // Kill points spread over process start-up, decoding, journal flushes and the final renames.
    const r = await runChild(['cache', root], Math.floor(random() * buildMs * 0.8));
    const partial = join(root, '.fpdb-cache', `${reference.stem}.bin.partial`);
    const journal = join(root, '.fpdb-cache', `${reference.stem}.journal`);
    let damage = 'none';
    if (r.killed && existsSync(journal) && random() < 0.4) {
      truncateSync(journal, Math.floor(statSync(journal).size * (0.5 + random() / 2)));
      damage = 'journal torn';
    } else if (r.killed && existsSync(partial) && random() < 0.3) {
      const fd = openSync(partial, 'r+');
      const at = 64 + Math.floor(random() * (statSync(partial).size - 64));
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, at);
      b[0] ^= 0x5a;
      writeSync(fd, b, 0, 1, at);
      closeSync(fd);
      damage = `partial byte ${at} flipped`;
    }
    events.push({ killed: r.killed, atMs: r.ms, damage, ...(r.killed ? {} : { result: r.result }) });
  }
  const final = await runChild(['cache', root]);
  const got = final.result?.ok ? cacheFiles(root) : undefined;
  const after = snapshot(root, new Set([join(root, '.fpdb-cache')]));
  const checks = {
    finished: final.result?.ok === true,
    identicalPixels: got?.pixels === reference.pixels,
    identicalIndex: got !== undefined && same(got.entries, reference.entries) && same(got.failed, reference.failed),
    noLeftovers: got !== undefined && got.leftovers.length === 0,
    outsideUnchanged: same(before, after),
  };
  record({ kind: 'cache', seed, kills: events.filter((e) => e.killed).length, events, final: final.result, checks, pass: Object.values(checks).every(Boolean) });
}

// ---- downloads -------------------------------------------------------------------------------------
const zip = new yazl.ZipFile();
zip.addBuffer(readFileSync(join(real, 'FETAL_PLANES_DB_data.csv')), 'FETAL_PLANES_ZENODO/FETAL_PLANES_DB_data.csv');
for (const f of readdirSync(join(real, 'Images'))) zip.addBuffer(readFileSync(join(real, 'Images', f)), `FETAL_PLANES_ZENODO/Images/${f}`, { compress: false });
zip.end();
const chunks = [];
for await (const c of zip.outputStream) chunks.push(c);
const body = Buffer.concat(chunks);
const md5 = createHash('md5').update(body).digest('hex');
// Throttled (64 KiB every 5 ms) so kills land mid-transfer too; Range honoured.
const server = createServer((req, res) => {
  const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  res.writeHead(m ? 206 : 200, { 'content-length': String(body.length - start), 'accept-ranges': 'bytes', ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
  let at = start;
  const pump = () => {
    if (at >= body.length) return void res.end();
    const next = Math.min(body.length, at + 65536);
    res.write(body.subarray(at, next));
    at = next;
    setTimeout(pump, 5);
  };
  pump();
  res.on('close', () => (at = body.length));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/FETAL_PLANES_ZENODO.zip`;

const dlRef = join(work, 'dl-ref', 'out');
const refRun = await runChild(['download', dlRef, url, md5]);
if (!refRun.result?.ok) throw new Error(`the uninterrupted reference download failed: ${JSON.stringify(refRun)}`);
const dlReference = snapshot(dlRef);
for (let seed = 1; seed <= SEEDS; seed++) {
  const random = rng(1000 + seed);
  const parent = join(work, `dl-${seed}`);
  const out = join(parent, 'out');
  cpSync(join(real, 'FETAL_PLANES_DB_data.csv'), join(parent, 'sibling.csv'));
  const before = snapshot(parent, new Set([out]));
  const events = [];
  for (let k = 0; k < KILLS; k++) {
    const r = await runChild(['download', out, url, md5], Math.floor(random() * refRun.ms * 0.9));
    events.push({ killed: r.killed, atMs: r.ms, ...(r.killed ? {} : { result: r.result }) });
  }
  const final = await runChild(['download', out, url, md5]);
  // A run that finished before the last kill point leaves a complete release: the rerun then refuses
  // to overwrite it (FPDB_OUTPUT_NOT_EMPTY), which is the expected outcome.
  const completedEarlier = events.some((e) => e.result?.ok);
  const checks = {
    finished: final.result?.ok === true || (completedEarlier && final.result?.code === 'FPDB_OUTPUT_NOT_EMPTY'),
    identicalRelease: same(snapshot(out), dlReference),
    outsideUnchanged: same(before, snapshot(parent, new Set([out]))),
  };
  record({ kind: 'download', seed, kills: events.filter((e) => e.killed).length, events, final: final.result, checks, pass: Object.values(checks).every(Boolean) });
}
server.close();

rmSync(work, { recursive: true, force: true });
const summary = {
  cases: cases.length,
  passed: cases.length - failures,
  kills: cases.reduce((s, c) => s + c.kills, 0),
  damaged: cases.reduce((s, c) => s + c.events.filter((e) => e.damage && e.damage !== 'none').length, 0),
};
console.log(JSON.stringify({ summary }));
process.exit(failures === 0 ? 0 : 1);
