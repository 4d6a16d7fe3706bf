import { relative, sep } from 'node:path';
import { escapeXml as esc } from '@fpdb/metrics';
import type { RunComparison } from './compare-runs.js';
import { REPORT_CSS } from './report-html.js';

const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);
/** A difference in percentage points, signed. */
const pp = (x: number): string => (Number.isFinite(x) ? `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(100 * x).toFixed(1)}` : '–');
const sgn = (x: number, d = 3): string => (Number.isFinite(x) ? `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(d)}` : '–');

function table(head: string[], rows: string[][], cls = ''): string {
  return `<div class="scroll"><table class="${cls}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

const value = (v: unknown): string => (v === undefined ? '<i>absent</i>' : `<code>${esc(JSON.stringify(v))}</code>`);

/**
 * The comparison page of {@link compareRuns}: the runs' test metrics side by side, the paired
 * patient-bootstrap difference of each run against the first, their training curves (each run's own SVG
 * file, referenced with `<img>` so no two figures share an id) and the config keys that differ. `out` is
 * the folder the page is written to: figure links are relative to it.
 */
export function compareHtml(c: RunComparison, options: { out: string }): string {
  const runs = c.runs;
  const head = ['', ...runs.map((r, i) => `${esc(r.name)}${i === 0 ? ' <span class="ci">(baseline)</span>' : ''}`)];
  const ival = (x: [number, number] | null, f: (v: number) => string) => (x ? ` <span class="ci">(${f(x[0])}–${f(x[1])})</span>` : '');
  const metricRows: string[][] = [
    ['data', ...runs.map((r) => (r.dataKind === 'synthetic' ? '<b>synthetic</b>' : esc(r.dataKind)))],
    ['architecture', ...runs.map((r) => esc(r.architecture))],
    ['epochs', ...runs.map((r) => (r.epochsDone === null ? '–' : String(r.epochsDone)))],
    ['accuracy', ...runs.map((r) => `${pct(r.metrics.accuracy)}${ival(r.intervals.accuracy, (v) => `${(100 * v).toFixed(1)}`)}`)],
    ['macro-F1', ...runs.map((r) => `${num(r.metrics.macroF1)}${ival(r.intervals.macroF1, (v) => num(v))}`)],
    ['balanced accuracy', ...runs.map((r) => pct(r.metrics.balancedAccuracy))],
    ['ROC-AUC (macro OvR)', ...runs.map((r) => num(r.metrics.rocAucMacro))],
    ['log loss', ...runs.map((r) => num(r.metrics.logLoss))],
    ['Brier score', ...runs.map((r) => num(r.metrics.brierScore))],
    ['ECE', ...runs.map((r) => num(r.metrics.ece))],
  ];
  const conf = Math.round(100 * (c.differences[0]?.accuracy.confidence ?? 0.95));
  const verdict = (d: { low: number; high: number }) => (d.low > 0 ? 'better' : d.high < 0 ? 'worse' : 'no clear difference');
  const diffRows = c.differences.map((d) => {
    const r = runs[d.run]!;
    return [
      `${esc(r.name)} − ${esc(runs[0]!.name)}`,
      `${pp(d.accuracy.difference)} pp <span class="ci">(${pp(d.accuracy.low)} to ${pp(d.accuracy.high)})</span>`,
      verdict(d.accuracy),
      `${sgn(d.macroF1.difference)} <span class="ci">(${sgn(d.macroF1.low)} to ${sgn(d.macroF1.high)})</span>`,
      verdict(d.macroF1),
    ];
  });
  const link = (file: string) => relative(options.out, file).split(sep).map(encodeURIComponent).join('/');
  const curves = runs
    .map(
      (r) =>
        `<figure>${r.curves ? `<img class="plot" src="${esc(link(r.curves))}"${r.curvesSize ? ` width="${r.curvesSize[0]}" height="${r.curvesSize[1]}"` : ''} alt="${esc(`training curves of ${r.name}`)}" loading="lazy">` : '<p>No training curves.</p>'}<figcaption>${esc(r.name)}</figcaption></figure>`,
    )
    .join('');
  const anySynthetic = runs.some((r) => r.dataKind === 'synthetic');
  const title = `fpdb compare: ${runs.map((r) => r.name).join(' vs ')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${REPORT_CSS}.curves{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,1070px),1fr));gap:1rem}.curves img{max-width:100%;height:auto}</style></head><body>
<h1>${esc(title)}</h1>
<p class="sub">${runs.length} runs on the same test set: ${c.testSet.images} images of ${c.testSet.patients} patients, ${esc(c.testSet.task)} task (${esc(c.testSet.classes.join(', '))}).</p>
${anySynthetic ? '<p class="warn" id="synthetic-data"><b>Synthetic data.</b> Some of these runs were trained and tested on synthetic images from @fpdb/synth; their numbers say nothing about clinical performance.</p>' : ''}
<h2>Test metrics</h2>
<p>Each run's own 95% patient-bootstrap interval in brackets, where the run computed one.</p>
${table(
  head,
  metricRows.map(([k, ...v]) => [esc(k!), ...v]),
  'runs',
)}
<h2>Differences against ${esc(runs[0]!.name)}</h2>
<p>Paired patient bootstrap (${c.bootstrap.resamples} resamples, seed ${c.bootstrap.seed}): each resample draws the test patients once and scores both runs on the same images, so the ${conf}% interval is of the difference itself. An interval that excludes 0 is a difference at that confidence; pp = percentage points.</p>
${table(['runs', 'Δ accuracy', '', 'Δ macro-F1', ''], diffRows)}
<h2>Training curves</h2>
<div class="curves">${curves}</div>
<h2>Configuration differences</h2>
${
  c.config.length === 0
    ? '<p>The configs are identical (apart from the output folder).</p>'
    : table(
        ['key', ...runs.map((r) => esc(r.name))],
        c.config.map((d) => [`<code>${esc(d.key)}</code>`, ...d.values.map(value)]),
        'kv',
      )
}
<h2>Runs</h2>
${table(
  ['run', 'folder'],
  runs.map((r) => [esc(r.name), `<code>${esc(r.dir)}</code>`]),
  'kv',
)}
<footer>Made by fpdb. Research use only; not a medical device.</footer>
</body></html>
`;
}
