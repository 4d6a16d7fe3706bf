// Benchmark: the full @fpdb/metrics evaluation report (every metric, curves, calibration, per-group
// breakdowns, 1,000 patient-level bootstrap resamples, Markdown) on 5,271 predictions × 6 classes —
// the official test split's size — against scikit-learn doing the same work on the same data, in
// the same run. Last stdout line: one JSON object { fpdbMs, sklearnMs, ratio, … }, where
// ratio = sklearnMs / fpdbMs (> 1: fpdb is faster). Run: pnpm bench:metrics
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, labelSpace } from '@fpdb/schema';
import { evaluationReport, reportSvgs, reportToMarkdown } from '../dist/index.js';

const RUNS = 3;
// scikit-learn needs about a minute per report; one timed run keeps the bench short.
const PY_RUNS = 1;
const RESAMPLES = 1000;
const classes = [...labelSpace('planes').classes];
// Test-split counts per plane (dataset.md): abdomen, brain, femur, thorax, cervix, other.
const COUNTS = [358, 1472, 524, 660, 645, 1612];
const MACHINES = ['Voluson E6', 'Aloka', 'Voluson S10', 'Other'];
const OPERATORS = ['Op. 1', 'Op. 2', 'Op. 3', 'Other'];

function synth() {
  const rng = createRng('bench-metrics');
  const K = classes.length;
  const yTrue = [];
  COUNTS.forEach((c, k) => {
    for (let i = 0; i < c; i++) yTrue.push(k);
  });
  const n = yTrue.length;
  const yProb = new Float64Array(n * K);
  const patients = [];
  const usMachine = [];
  const operator = [];
  for (let i = 0; i < n; i++) {
    const machine = rng.next() < 0.2 ? 2 : rng.next() < 0.55 ? 0 : 1;
    const logits = Array.from({ length: K }, () => rng.normal() * 1.2);
    logits[yTrue[i]] += machine === 2 ? 2.2 : 3.4;
    const max = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - max));
    const s = e.reduce((a, b) => a + b, 0);
    for (let j = 0; j < K; j++) yProb[i * K + j] = e[j] / s;
    patients.push(`P${1 + rng.int(896)}`);
    usMachine.push(MACHINES[rng.next() < 0.03 ? 3 : machine]);
    operator.push(OPERATORS[rng.int(4)]);
  }
  return { yTrue, yProb, patients, by: { usMachine, operator } };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const data = synth();
const input = { yTrue: data.yTrue, yProb: data.yProb, classes, groups: data.patients, by: data.by, bootstrap: { resamples: RESAMPLES, seed: 1 } };

evaluationReport({ ...input, bootstrap: { resamples: 20, seed: 1 } }); // warm-up (JIT)
const fpdbRuns = [];
let report;
let markdown;
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  report = evaluationReport(input);
  markdown = reportToMarkdown(report);
  fpdbRuns.push(performance.now() - t0);
}
const t1 = performance.now();
const svgs = reportSvgs(report);
const svgMs = performance.now() - t1;
const fpdbMs = median(fpdbRuns);
console.log(
  `fpdb: ${data.yTrue.length} predictions × ${classes.length} classes, ${RESAMPLES} patient-bootstrap resamples: ${fpdbRuns.map((t) => t.toFixed(0)).join(', ')} ms (median ${fpdbMs.toFixed(0)}); markdown ${markdown.length} chars; SVGs ${svgMs.toFixed(1)} ms (${Object.keys(svgs).length} figures, not in fpdbMs)`,
);

let sklearnMs = null;
let sklearn = 'not installed';
let agree = null;
const python = '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import sklearn, numpy; print(sklearn.__version__)'], { encoding: 'utf8' });
if (probe.status === 0) {
  sklearn = probe.stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'fpdb-bench-metrics-'));
  try {
    const file = join(dir, 'data.json');
    writeFileSync(file, JSON.stringify({ yTrue: data.yTrue, yProb: Array.from(data.yProb), patients: data.patients, by: data.by, resamples: RESAMPLES, classes }));
    const script = fileURLToPath(new URL('./metrics_sklearn.py', import.meta.url));
    const run = spawnSync(python, [script, file, String(PY_RUNS)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (run.status !== 0) throw new Error(`sklearn peer failed: ${run.stderr}`);
    const out = JSON.parse(run.stdout.trim().split('\n').pop());
    sklearnMs = median(out.ms);
    console.log(`scikit-learn ${sklearn}: ${out.ms.map((t) => t.toFixed(0)).join(', ')} ms (median ${sklearnMs.toFixed(0)})`);
    // Same data, same semantics: the point estimates must agree (bootstrap CIs differ only by RNG).
    const s = report.summary;
    const mine = {
      accuracy: s.accuracy,
      balancedAccuracy: s.balancedAccuracy,
      macroF1: s.macroF1,
      weightedF1: s.weightedF1,
      rocAucMacro: s.rocAucMacro,
      averagePrecisionMacro: s.averagePrecisionMacro,
      logLoss: s.logLoss,
      brierScore: s.brierScore,
      ece: s.ece,
      cohenKappa: s.cohenKappa,
      matthewsCorrcoef: s.matthewsCorrcoef,
    };
    const diffs = Object.entries(mine).map(([k, v]) => [k, Math.abs(v - out.values[k])]);
    agree = diffs.every(([, d]) => d < 1e-9);
    for (const [k, d] of diffs) if (d >= 1e-9) console.log(`  disagreement on ${k}: ${d}`);
    const b = report.bootstrap;
    console.log(`  95% CI macro-F1 fpdb ${b.macroF1.low.toFixed(4)}–${b.macroF1.high.toFixed(4)} vs sklearn ${out.values.bootstrap.macroF1.map((x) => x.toFixed(4)).join('–')} (different RNGs)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('scikit-learn not installed (apt-get install -y python3-sklearn); skipping the peer.');
}

console.log(
  JSON.stringify({
    bench: 'metrics',
    predictions: data.yTrue.length,
    classes: classes.length,
    bootstrapResamples: RESAMPLES,
    bootstrapUnit: 'patient',
    runs: RUNS,
    sklearnRuns: PY_RUNS,
    fpdbMs: Math.round(fpdbMs * 10) / 10,
    sklearnMs: sklearnMs === null ? null : Math.round(sklearnMs * 10) / 10,
    ratio: sklearnMs === null ? null : Math.round((sklearnMs / fpdbMs) * 100) / 100,
    ratioDefinition: 'sklearnMs / fpdbMs (> 1 means @fpdb/metrics is faster)',
    pointEstimatesAgree: agree,
    sklearn,
    svgMs: Math.round(svgMs * 10) / 10,
  }),
);
