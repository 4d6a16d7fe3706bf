// Fault injection for training (pnpm test:faults, after the loader's): `fpdb train` on a tiny synthetic
// release is killed (SIGKILL) at a chosen moment (data preparation, mid-epoch, during a checkpoint write,
// during the report, or anywhere) over several seeds, sometimes killed again while resuming, and rerun
// with --resume until it finishes. The run must end with the test summary and training history of an
// uninterrupted run, no half-written file or checkpoint folder and no lock left in its folder, and no file
// changed outside its temp folder (the repo's fixtures and the user cache are compared by mtime and size).
// Children run the real CLI (packages/cli/dist). Prints one JSON line per case and a summary; exits 1 on
// any failure.
// Usage: node scripts/faults.mjs [--seeds N] [--parallel-seeds M]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const bin = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
if (!existsSync(bin)) throw new Error(`${bin} is missing: build first (npx turbo run build --filter=@fpdb/cli...).`);
const { values } = parseArgs({ options: { seeds: { type: 'string', default: '3' }, 'parallel-seeds': { type: 'string', default: '1' } } });
const SEEDS = Number(values.seeds);
const PARALLEL_SEEDS = Number(values['parallel-seeds']);
const TRAIN = ['--synth-images', '60', '--input-size', '32', '--epochs', '3', '--bootstrap', '0', '--json'];
const LOCK = '.fpdb-run.lock';
const { realFixturesDir } = await import('@fpdb/internal/testing');
const { seededRandom: rng, snapshotTree: snapshot } = await import('@fpdb/internal/testing/faults');

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const userCache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fpdb');
const guarded = () => ({ fixtures: snapshot(realFixturesDir(), { cheap: true }), userCache: snapshot(userCache, { cheap: true }) });
const guardedBefore = guarded();

const work = mkdtempSync(join(tmpdir(), 'fpdb-train-faults-'));
/** A case folder: a config whose synthetic release lives inside it, and a sentinel nothing may touch. */
function freshCase(name) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.in.json'), `${JSON.stringify({ synth: { dir: 'synth' } })}\n`);
  writeFileSync(join(dir, 'notes.txt'), "not fpdb's");
  return dir;
}

/**
 * Runs `fpdb train` in `dir`; `kill` (optional) decides when to SIGKILL it: `{ after: RegExp, delayMs }`
 * (that long after a stderr line matches) or `{ whenFile: (dir) => boolean }` (polled every ms once
 * training starts). Resolves with how it ended and the stderr lines' times.
 */
function train(dir, workers, { resume = false, kill } = {}) {
  return new Promise((resolve) => {
    const args = [bin, 'train', '--config', 'config.in.json', '--out', 'run', '--workers', String(workers), ...TRAIN, ...(resume ? ['--resume'] : [])];
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const t0 = Date.now();
    let stdout = '';
    let stderr = '';
    const marks = [];
    let timer;
    let poll;
    let armed = false;
    const fire = () => child.kill('SIGKILL');
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const line of String(d)
        .split(/[\r\n]+/)
        .filter(Boolean)) {
        marks.push({ ms: Date.now() - t0, line: line.slice(0, 60) });
        if (!kill || armed) continue;
        if (kill.after?.test(line)) {
          armed = true;
          timer = setTimeout(fire, kill.delayMs);
        } else if (kill.whenFile && /^Training /.test(line)) {
          armed = true;
          poll = setInterval(() => kill.whenFile(join(dir, 'run')) && fire(), 1);
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      let result;
      try {
        result = JSON.parse(stdout);
      } catch {}
      resolve({ killed: signal === 'SIGKILL', code, result, ms: Date.now() - t0, marks, stderr: stderr.slice(-400) });
    });
  });
}

/** The numbers a resumed run must reproduce: test evaluation, history without wall times, best epoch. */
function outcome(dir) {
  const m = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
  return {
    test: m.test,
    history: m.training.history.map(({ seconds: _s, ...h }) => h),
    bestEpoch: m.training.bestEpoch,
    epochsDone: m.training.epochsDone,
  };
}
/** Half-written files or checkpoint folders under the run folder, and whether its lock is still there. */
function leftovers(run) {
  const found = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (/\.tmp-|\.old-|\.partial$/.test(e.name)) found.push(relative(run, join(d, e.name)));
      else if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(run);
  const checkpoints = existsSync(join(run, 'checkpoints')) ? readdirSync(join(run, 'checkpoints')).sort() : [];
  if (!same(checkpoints, ['best', 'last'])) found.push(`checkpoints: [${checkpoints.join(', ')}]`);
  for (const f of ['config.json', 'metrics.json', 'predictions.json', 'report.md', 'report.html']) if (!existsSync(join(run, f))) found.push(`${f} missing`);
  return found;
}
/** True once the `nth` checkpoint save (best or last, epochs in order) is seen writing its temporary folder. */
function nthCheckpointWrite(nth) {
  const seen = new Set();
  return (run) => {
    if (existsSync(join(run, 'checkpoints'))) for (const n of readdirSync(join(run, 'checkpoints'))) if (n.includes('.tmp-')) seen.add(n);
    return seen.size >= nth;
  };
}

const cases = [];
let failures = 0;
const record = (c) => {
  cases.push(c);
  if (!c.pass) failures++;
  console.log(JSON.stringify(c));
};

const KILL_POINTS = ['data', 'epoch', 'checkpoint', 'report', 'anywhere'];
for (const workers of [0, 2]) {
  // The uninterrupted reference; its stderr times size each kill window.
  const refDir = freshCase(`ref-w${workers}`);
  const ref = await train(refDir, workers);
  if (ref.code !== 0) throw new Error(`the uninterrupted reference run (--workers ${workers}) failed: ${ref.stderr}`);
  const reference = outcome(refDir);
  const at = (re) => ref.marks.find((m) => re.test(m.line))?.ms ?? 0;
  const phase = {
    data: { after: /^(Generating|Preparing pixels)/, windowMs: Math.max(20, at(/^Training /) - at(/^Generating/)) },
    epoch: { after: /^epoch [123]\/3 \[/, windowMs: Math.max(10, (at(/^Evaluating/) - at(/^Training /)) / 3) },
    report: { after: /^Evaluating/, windowMs: Math.max(20, ref.ms - at(/^Evaluating/)) },
  };
  const seeds = workers === 0 ? SEEDS : PARALLEL_SEEDS;
  for (let seed = 1; seed <= seeds; seed++) {
    for (const [p, point] of KILL_POINTS.entries()) {
      const random = rng(seed * 100 + p + workers * 10_000);
      const dir = freshCase(`w${workers}-s${seed}-${point}`);
      const before = snapshot(dir, { skip: new Set([join(dir, 'run'), join(dir, 'synth')]) });
      const events = [];
      const killAt = (which) =>
        which === 'checkpoint'
          ? { whenFile: nthCheckpointWrite(1 + Math.floor(random() * 4)) }
          : which === 'anywhere'
            ? { after: /./, delayMs: Math.floor(random() * ref.ms * 0.9) }
            : { after: phase[which].after, delayMs: Math.floor(random() * phase[which].windowMs * 0.8) };
      // The first kill at the case's point; a second one, sometimes, anywhere in the resumed run.
      const plan = [point, ...(random() < 0.5 ? ['anywhere'] : [])];
      for (const [k, which] of plan.entries()) {
        const r = await train(dir, workers, { resume: k > 0, kill: killAt(which) });
        let damage = 'none';
        // A kill between the checkpoint's two renames (too short a window to hit by timing): `last` set aside, the new one not yet in place.
        const ck = join(dir, 'run', 'checkpoints');
        // Only the checkpoint whose save was cut short, as one kill between its renames would leave it.
        const writing = existsSync(ck)
          ? readdirSync(ck)
              .map((n) => /^\.(best|last)\.tmp-/.exec(n)?.[1])
              .find(Boolean)
          : undefined;
        const aside = writing && existsSync(join(ck, writing)) ? writing : undefined;
        if (r.killed && which === 'checkpoint' && aside && random() < 0.5) {
          renameSync(join(ck, aside), join(ck, `.${aside}.old-${2 ** 22 + seed}-${Date.now()}-0`));
          damage = `${aside} set aside mid-swap`;
        }
        events.push({
          point: which,
          killed: r.killed,
          atMs: r.ms,
          lastLine: r.marks.at(-1)?.line,
          damage,
          ...(r.killed ? {} : { code: r.code }),
          ...(r.killed || r.code === 0 ? {} : { stderr: r.stderr }),
        });
      }
      let final;
      for (let attempt = 0; attempt < 3; attempt++) {
        final = await train(dir, workers, { resume: true });
        if (final.code === 0) break;
      }
      const got = final.code === 0 ? outcome(dir) : undefined;
      const left = final.code === 0 ? leftovers(join(dir, 'run')) : ['(did not finish)'];
      const checks = {
        finished: final.code === 0,
        sameTest: got !== undefined && same(got.test, reference.test),
        sameHistory: got !== undefined && same(got.history, reference.history) && got.bestEpoch === reference.bestEpoch && got.epochsDone === reference.epochsDone,
        noLeftovers: left.length === 0,
        lockGone: !existsSync(join(dir, 'run', LOCK)),
        outsideUnchanged: same(before, snapshot(dir, { skip: new Set([join(dir, 'run'), join(dir, 'synth')]) })),
      };
      const pass = Object.values(checks).every(Boolean);
      record({
        kind: 'train',
        workers,
        seed,
        point,
        kills: events.filter((e) => e.killed).length,
        events,
        checks,
        ...(left.length ? { leftovers: left } : {}),
        ...(final.code !== 0 ? { stderr: final.stderr } : {}),
        pass,
      });
      if (pass) rmSync(dir, { recursive: true, force: true });
    }
  }
}

const guardedAfter = guarded();
const outside = { fixturesUnchanged: same(guardedBefore.fixtures, guardedAfter.fixtures), userCacheUnchanged: same(guardedBefore.userCache, guardedAfter.userCache) };
/** The paths whose size or mtime differ between two snapshots. */
const changed = (a, b) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
if (!Object.values(outside).every(Boolean)) {
  failures++;
  console.log(JSON.stringify({ changedOutside: { fixtures: changed(guardedBefore.fixtures, guardedAfter.fixtures), userCache: changed(guardedBefore.userCache, guardedAfter.userCache) } }));
}
if (failures === 0) rmSync(work, { recursive: true, force: true });
else console.log(JSON.stringify({ kept: work }));
const summary = {
  cases: cases.length,
  passed: cases.filter((c) => c.pass).length,
  kills: cases.reduce((s, c) => s + c.kills, 0),
  byPoint: Object.fromEntries(KILL_POINTS.map((p) => [p, cases.filter((c) => c.point === p).reduce((s, c) => s + (c.events[0].killed ? 1 : 0), 0)])),
  damaged: cases.reduce((s, c) => s + c.events.filter((e) => e.damage !== 'none').length, 0),
  ...outside,
};
console.log(JSON.stringify({ summary: { training: summary } }));
process.exit(failures === 0 ? 0 : 1);
