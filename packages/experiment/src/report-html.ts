import { escapeXml as esc, reportSvgs, summaryRows, trainingCurvesSvg, type ClinicalValue } from '@fpdb/metrics';
import { classFailureWarnings } from './report-checks.js';
import type { GalleryItem, RunSummary, SplitSize } from './run-summary.js';

const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);

/** A share as a percentage with one decimal, and its interval in the same unit: `91.2% (85.0–95.1%)`. */
export function pctWithInterval(x: ClinicalValue | { value: number | null; low: number | null; high: number | null }): string {
  if (x.value === null) return '–';
  return x.low === null || x.high === null ? pct(x.value) : `${pct(x.value)} <span class="ci">(${(100 * x.low).toFixed(1)}–${pct(x.high)})</span>`;
}

function table(head: string[], rows: (string | number)[][], cls = ''): string {
  return `<div class="scroll"><table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? esc(c) : c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

/**
 * Prefixes every id of an inline SVG (and its `url(#…)`, `href="#…"` and `aria-labelledby` references)
 * so that several figures in one page never share an id.
 */
export function uniqueSvgIds(svg: string, prefix: string): string {
  const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  if (ids.length === 0) return svg;
  const known = new Set(ids);
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_, a: string, id: string) => `${a}${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (known.has(id) ? `url(#${prefix}-${id})` : m))
    .replace(/href="#([^"]+)"/g, (m, id: string) => (known.has(id) ? `href="#${prefix}-${id}"` : m))
    .replace(
      /aria-labelledby="([^"]+)"/g,
      (_, list: string) =>
        `aria-labelledby="${list
          .split(/\s+/)
          .map((id) => (known.has(id) ? `${prefix}-${id}` : id))
          .join(' ')}"`,
    );
}

/**
 * Rounds the root `<svg>`'s width and height attributes up to whole pixels. The browser lays a fractional
 * width (1066.32) out at 1/64 px, a hair under the viewBox, which would draw 12 px text at 11.999 px; a
 * whole-pixel box keeps the scale at exactly 1 (the viewBox is fitted by its height).
 */
export function wholePixelSvg(svg: string): string {
  return svg.replace(/<svg\b[^>]*>/, (tag) => tag.replace(/\s(width|height)="([\d.]+)"/g, (_, attr: string, v: string) => ` ${attr}="${Math.ceil(Number(v))}"`));
}

/** The glossary under the test results: the terms a clinical reader may not know, in one sentence each. */
export const GLOSSARY: readonly (readonly [string, string])[] = [
  ['Sensitivity', 'of the images of a class, the share the model calls that class (recall).'],
  ['Specificity', 'of the images of the other classes, the share the model does not call that class.'],
  ['PPV', 'positive predictive value: of the images the model calls a class, the share that truly are (precision).'],
  ['NPV', 'negative predictive value: of the images the model does not call a class, the share that truly are not.'],
  ['Macro-F1', 'the F1 score (harmonic mean of PPV and sensitivity) averaged over classes with equal weight, so rare classes count as much as common ones.'],
  ['OvR AUC', 'one-vs-rest area under the ROC curve: the chance that an image of a class gets a higher score for that class than an image of another class; 0.5 is chance, 1 is perfect.'],
  ['ECE', 'expected calibration error: the average gap between the confidence the model states and the accuracy it achieves, over confidence bins; 0 is perfectly calibrated.'],
  ['Brier score', 'the mean squared difference between the predicted probabilities and the true one-hot label; lower is better, 0 is perfect.'],
  ['95% CI', 'the patient bootstrap interval: patients are resampled with all their images, since images of one patient are not independent.'],
];

function gallery(items: readonly GalleryItem[], kind: GalleryItem['kind']): string {
  const chosen = items.filter((g) => g.kind === kind);
  if (chosen.length === 0) return '<p>None.</p>';
  return `<div class="gallery">${chosen
    .map(
      (g) =>
        `<figure class="case${g.trueClass === g.predictedClass ? '' : ' wrong'}"><div class="pair"><img src="${esc(g.image)}" alt="${esc(`input image, true ${g.trueClass}`)}" width="${g.size}" height="${g.size}"><img src="${esc(g.gradCam)}" alt="${esc(`Grad-CAM overlay for ${g.predictedClass}`)}" width="${g.size}" height="${g.size}"></div>` +
        `<figcaption><b>true</b> ${esc(g.trueClass)}<br><b>predicted</b> ${esc(g.predictedClass)} (${pct(g.probability)})<br><span class="file">${esc(g.file)}</span></figcaption></figure>`,
    )
    .join('')}</div>`;
}

function splitRow(name: string, s: SplitSize, classes: readonly string[]): (string | number)[] {
  return [esc(name), s.images, s.patients, ...classes.map((c) => s.byClass[c] ?? 0)];
}

/** The pretrained weights of a run as one line of the model card: name, format, source, digest, fine-tuning. */
export function pretrainedText(p: NonNullable<RunSummary['model']['pretrained']>): string {
  const tuning = p.freezeEpochs > 0 || p.backboneLrMultiplier !== 1 ? `; backbone frozen ${p.freezeEpochs} epoch(s), then at ${p.backboneLrMultiplier}× the learning rate` : '';
  return `${p.name} (${p.architecture}, ${p.format}) from ${p.source}, sha256 ${p.sha256}${tuning}`;
}

/** The figures of a run, as standalone SVG strings keyed by file stem. */
export function runFigures(run: RunSummary): Record<string, string> {
  const svgs = reportSvgs(run.evaluation);
  return {
    'training-curves': trainingCurvesSvg({
      title: 'Training curves',
      epochs: run.training.history.map((h) => ({
        epoch: h.epoch + 1,
        trainLoss: h.trainLoss,
        valLoss: h.valLoss,
        trainAccuracy: h.trainAccuracy,
        valAccuracy: h.valAccuracy,
        trainMacroF1: h.trainMacroF1,
        valMacroF1: h.valMacroF1,
      })),
    }),
    'confusion-matrix': svgs.confusionMatrix,
    'confusion-matrix-counts': svgs.confusionMatrixCounts,
    'roc-curves': svgs.rocCurves,
    'pr-curves': svgs.prCurves,
    'reliability-diagram': svgs.reliabilityDiagram,
  };
}

/** The stylesheet of the run report, shared by the comparison page. */
export const REPORT_CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;max-width:1100px;margin:2rem auto;padding:0 1.25rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #d9dde5;padding-bottom:.3rem}
.sub{color:#5b6475;margin-top:0;overflow-wrap:anywhere}.warn{background:#fff6e0;border-left:4px solid #e69f00;padding:.5rem .8rem}
.alert{background:#fdecea;border-left:4px solid #c0392b;padding:.5rem .8rem}.alert ul{margin:.2rem 0;padding-left:1.2rem}
.scroll{overflow-x:auto;max-width:100%}.ci{color:#5b6475;white-space:nowrap}dl.glossary dt{font-weight:600;float:left;clear:left;margin-right:.4rem}dl.glossary dd{margin:0 0 .4rem}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.8rem}.case{margin:0;border:1px solid #d9dde5;border-radius:6px;padding:.4rem}.case.wrong{border-color:#c0392b}
.pair{display:flex;gap:2px}.pair img{width:50%;height:auto;image-rendering:pixelated}.case figcaption{font-size:.85rem;overflow-wrap:anywhere}.file{color:#5b6475;font-size:.8rem}
code{overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}.card{border:1px solid #d9dde5;border-radius:8px;padding:.6rem 1rem;min-width:150px}
.card b{display:block;font-size:1.5rem}.card span{color:#5b6475;font-size:.85rem}
table{border-collapse:collapse;margin:.6rem 0;font-variant-numeric:tabular-nums}th,td{border-bottom:1px solid #e6e9ef;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f6f9}
figure{margin:1rem 0;overflow-x:auto}figure svg{max-width:100%;height:auto}.fig2{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,800px),1fr));gap:1rem;align-items:start}
table.kv td,table.kv th{text-align:left}pre{background:#f4f6f9;padding:.8rem;overflow:auto;font-size:.8rem}footer{margin-top:3rem;color:#5b6475;font-size:.85rem}
@media (max-width:800px){.fig2{grid-template-columns:1fr}}
@media (max-width:480px){body{margin:1rem auto;padding:0 .6rem}.card{min-width:0;flex:1 1 40%}figure svg,figure img.plot{min-width:720px}}`;

/**
 * The run's self-contained `report.html`: dataset summary, split sizes, training curves, test metrics
 * with bootstrap intervals, per-class table, confusion matrix, calibration, ROC/PR curves, per-machine and
 * per-operator breakdown, and the model card. No external resources: figures are inline SVG.
 */
export function reportHtml(run: RunSummary, figures: Record<string, string> = runFigures(run)): string {
  const e = run.evaluation;
  const s = e.summary;
  const b = e.bootstrap;
  const ci = (i: { low: number | null; high: number | null } | null | undefined): string => (i ? `${num(i.low)}–${num(i.high)}` : '–');
  const classes = run.classes;
  const fig = (key: string, caption: string): string => (figures[key] ? `<figure>${wholePixelSvg(uniqueSvgIds(figures[key], key))}<figcaption>${esc(caption)}</figcaption></figure>` : '');
  const synthetic = run.data.kind === 'synthetic';
  const failures = classFailureWarnings(e);
  const clinical = e.clinical ?? [];
  const groups = Object.entries(e.by)
    .map(
      ([key, rows]) =>
        `<h3>By ${esc(key)}</h3>` +
        table(
          [key, 'images', 'accuracy', 'balanced acc.', 'macro-F1', ...classes.map((c) => `recall ${c}`)],
          rows.map((g) => [esc(g.group), g.count, num(g.accuracy), num(g.balancedAccuracy), num(g.macroF1), ...g.recall.map((r) => num(r))]),
        ),
    )
    .join('');
  const history = table(
    ['epoch', 'train loss', 'train acc.', 'train macro-F1', 'val loss', 'val acc.', 'val macro-F1', 'learning rate', 'seconds'],
    run.training.history.map((h) => [
      `${h.epoch + 1}${h.epoch === run.training.bestEpoch ? ' ★' : ''}`,
      num(h.trainLoss),
      num(h.trainAccuracy),
      num(h.trainMacroF1),
      num(h.valLoss),
      num(h.valAccuracy),
      num(h.valMacroF1),
      h.learningRate.toExponential(2),
      h.seconds.toFixed(1),
    ]),
  );
  const stats = run.data.stats;
  const countTable = (title: string, counts: Record<string, number>): string =>
    table(
      [title, 'images'],
      Object.entries(counts).map(([k, v]) => [esc(k), v]),
    );

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(run.title)}</title><style>${REPORT_CSS}</style></head><body>
<h1>${esc(run.title)}</h1>
<p class="sub">${esc(run.task)} task · ${classes.length} classes · ${synthetic ? '<b>synthetic</b> FETAL_PLANES_DB (@fpdb/synth), not patient data' : 'FETAL_PLANES_DB release'} at <code>${esc(run.data.root)}</code> · ${esc(run.finishedAt)} · ${run.seconds.toFixed(0)} s</p>
${synthetic ? '<p class="warn" id="synthetic-data"><b>Synthetic data.</b> These numbers come from synthetic images generated by @fpdb/synth. They show the pipeline works; they say nothing about clinical performance. Run with <code>--data</code> on the real release for real figures.</p>' : ''}
${failures.length ? `<div class="alert" role="alert" id="class-failures"><b>The model fails ${failures.length === 1 ? 'a class' : 'classes'}.</b><ul>${failures.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>Read the overall metrics with this in mind; see the per-class table and the confusion matrix.</div>` : ''}
<div class="cards">
<div class="card"><span>test accuracy</span><b>${pct(s.accuracy)}</b><span>${b ? `95% CI ${pct(b.accuracy.low)}–${pct(b.accuracy.high)}` : ''}</span></div>
<div class="card"><span>test macro-F1</span><b>${num(s.macroF1)}</b><span>${b ? `95% CI ${ci(b.macroF1)}` : ''}</span></div>
<div class="card"><span>balanced accuracy</span><b>${pct(s.balancedAccuracy)}</b><span>${b ? `95% CI ${pct(b.balancedAccuracy.low)}–${pct(b.balancedAccuracy.high)}` : ''}</span></div>
<div class="card"><span>ROC-AUC (macro OvR)</span><b>${num(s.rocAucMacro)}</b><span>ECE ${num(s.ece)}</span></div>
<div class="card"><span>test images / patients</span><b>${e.n}</b><span>${e.patients ?? '–'} patients</span></div>
</div>

<h2>Dataset</h2>
<p>${stats.images} images from ${stats.patients} patients used by this run${run.data.missingSkipped ? ` (${run.data.missingSkipped} rows skipped: image missing)` : ''}. Split: ${esc(run.data.split)}; the validation set is carved out of train by patient, so no patient is in two sets.</p>
${table(['set', 'images', 'patients', ...classes], [splitRow('train', run.splits.train, classes), splitRow('validation', run.splits.validation, classes), splitRow('test', run.splits.test, classes)])}
<div class="fig2"><div>${countTable('US machine', stats.byMachine)}</div><div>${countTable('operator', stats.byOperator)}</div></div>

<h2>Training</h2>
<p>${esc(run.model.architecture)}, ${run.model.parameters.toLocaleString('en')} parameters, input ${run.model.inputSize}×${run.model.inputSize}×1; ${esc(run.training.optimizer)}, learning rate ${run.training.learningRate}, batch ${run.training.batchSize}, ${run.training.epochsDone} of ${run.training.epochs} epochs on ${esc(run.training.backend)} × ${run.training.workers} worker${run.training.workers === 1 ? '' : 's'}: ${run.training.trainSeconds.toFixed(0)} s, ${run.training.imagesPerSecond.toFixed(1)} images/s. Best epoch by validation macro-F1: ${run.training.bestEpoch === null ? '–' : run.training.bestEpoch + 1} (★); its weights are the checkpoint evaluated below.</p>
${fig('training-curves', 'Loss (left) and accuracy / macro-F1 (right) per epoch; train solid, validation dashed.')}
${history}

<h2>Test results</h2>
${table(
  ['metric', 'value', b ? `95% CI (${b.resamples} ${b.unit} resamples)` : 'CI'],
  summaryRows(e).map((r) => [esc(r.label), num(r.value), ci(r.interval)]),
)}
<h3>Per class, as a clinician reads it</h3>
<p>Each class against the rest, in percent, with ${b ? `95% ${b.unit} bootstrap intervals (${b.resamples} resamples)` : 'no intervals (bootstrap off)'}.</p>
${table(
  ['class', 'sensitivity', 'specificity', 'PPV', 'NPV', 'TP', 'FP', 'FN', 'TN'],
  clinical.map((c) => [esc(c.name), pctWithInterval(c.sensitivity), pctWithInterval(c.specificity), pctWithInterval(c.ppv), pctWithInterval(c.npv), c.tp, c.fp, c.fn, c.tn]),
  'clinical',
)}
<h3>Per class, as a model developer reads it</h3>
${table(
  ['class', 'precision', 'recall', 'F1', 'support', 'ROC-AUC', 'AP'],
  e.perClass.map((c) => [esc(c.name), num(c.precision), num(c.recall), num(c.f1), c.support, num(c.rocAuc), num(c.averagePrecision)]),
)}
<div class="figs">${fig('confusion-matrix', 'Confusion matrix, each row normalised by the true class.')}${fig('confusion-matrix-counts', 'Confusion matrix, counts.')}</div>
<div class="figs">${fig('roc-curves', 'ROC curves, one-vs-rest per class.')}${fig('pr-curves', 'Precision–recall curves per class.')}</div>
${fig('reliability-diagram', 'Reliability diagram: confidence vs accuracy per bin.')}
<h3>Glossary</h3>
<dl class="glossary">${GLOSSARY.map(([term, text]) => `<dt>${esc(term)}</dt><dd>${esc(text)}</dd>`).join('')}</dl>
${
  run.gallery && run.gallery.length > 0
    ? `<h2>Cases</h2><p>Test images with the Grad-CAM heat map of the predicted class (right of each pair): where the model looked. A few per true class, then the errors the model was most sure of.</p><h3>Examples per class</h3>${gallery(run.gallery, 'class')}<h3>Most confident errors</h3>${gallery(run.gallery, 'error')}`
    : ''
}

<h2>Device and operator shift</h2>
${groups || '<p>No breakdown.</p>'}
${e.warnings.length ? `<h3>Warnings</h3><ul>${e.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}

<h2>Model card</h2>
${table(
  ['field', 'value'],
  [
    ['architecture', esc(run.model.architecture)],
    ['parameters', run.model.parameters.toLocaleString('en')],
    ...(run.model.pretrained ? [['pretrained weights', esc(pretrainedText(run.model.pretrained))] as [string, string]] : []),
    ['input', `${run.model.inputSize}×${run.model.inputSize}×1, resize ${esc(run.model.resize)}, normalisation ${esc(run.model.normalization)}`],
    ['classes', esc(classes.join(', '))],
    ['intended use', 'research on maternal-fetal ultrasound plane classification; not a medical device'],
    [
      'training data',
      `${run.splits.train.images} images / ${run.splits.train.patients} ${synthetic ? 'synthetic patients: <b>synthetic data</b> (@fpdb/synth), not patient images' : 'patients of the FETAL_PLANES_DB release'}`,
    ],
    ['seed', run.seed],
    ['training time', `${run.training.trainSeconds.toFixed(0)} s on ${esc(run.training.backend)} × ${run.training.workers}`],
    ['machine', esc(`${run.machine.cpus} × ${run.machine.cpuModel}, ${run.machine.memoryGiB} GiB, Node ${run.machine.node}, ${run.machine.platform}`)],
    ['started / finished', esc(`${run.startedAt} / ${run.finishedAt}`)],
  ],
  'kv',
)}
<details><summary>Layer summary</summary><pre>${esc(run.model.summary)}</pre></details>
<details><summary>Augmentation pipeline</summary><pre>${esc(JSON.stringify(run.training.augmentation, null, 2))}</pre></details>
<footer>Made by fpdb. Data: Burgos-Artizzu et al., Scientific Reports 10:10200 (2020), doi:10.1038/s41598-020-67076-5 (FETAL_PLANES_DB, Zenodo 3904280, CC BY 4.0). Research use only; not a medical device.</footer>
</body></html>
`;
}
