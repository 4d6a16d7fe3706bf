import { createRng, labelSpace } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { findAll, parseXml, textOf, type XmlElement } from '../../test/xml.js';
import { evaluationReport } from '../evaluation-report.js';
import { perClassPrCurves } from '../average-precision.js';
import { reliabilityBins } from '../calibration.js';
import { perClassRocCurves } from '../roc.js';
import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { prCurvesSvg } from './pr-curves-svg.js';
import { reliabilityDiagramSvg } from './reliability-diagram-svg.js';
import { reportSvgs } from './report-svgs.js';
import { rocCurvesSvg } from './roc-curves-svg.js';
import { trainingCurvesSvg } from './training-curves-svg.js';

const classes = labelSpace('planes').classes;
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'];

function data(n = 300) {
  const rng = createRng(4);
  const yTrue: number[] = [];
  const yProb: number[][] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 6;
    const l = Array.from({ length: 6 }, () => rng.normal());
    l[y]! += 2;
    const e = l.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    yTrue.push(y);
    yProb.push(e.map((v) => v / s));
  }
  return { yTrue, yProb };
}

/** Parses and checks what every figure must have: size, viewBox, title, description, white background. */
function checkFigure(svg: string): XmlElement {
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
  const w = Number(root.attributes.width);
  const h = Number(root.attributes.height);
  expect(w).toBeGreaterThan(300);
  expect(h).toBeGreaterThan(250);
  expect(w).toBeLessThan(2000);
  expect(root.attributes.viewBox).toBe(`0 0 ${root.attributes.width} ${root.attributes.height}`);
  expect(textOf(findAll(root, 'title')[0]!).length).toBeGreaterThan(3);
  expect(findAll(root, 'desc')).toHaveLength(1);
  for (const el of [...findAll(root, 'path'), ...findAll(root, 'rect'), ...findAll(root, 'line')]) {
    for (const [k, v] of Object.entries(el.attributes)) expect(v, `${el.name}.${k}`).not.toMatch(/NaN|undefined|Infinity/);
  }
  return root;
}

function texts(root: XmlElement): string[] {
  return findAll(root, 'text').map(textOf);
}

describe('confusionMatrixSvg', () => {
  const counts = [
    [50, 3, 0],
    [4, 40, 6],
    [0, 0, 0],
  ];
  it('draws K×K cells with counts, row shares, class names and axis titles', () => {
    const root = checkFigure(confusionMatrixSvg({ counts, classes: ['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular'] }));
    const cells = findAll(root, 'g').find((g) => g.attributes.class === 'cells')!;
    expect(findAll(cells, 'rect')).toHaveLength(9);
    const t = texts(root);
    expect(t).toContain('50');
    expect(t).toContain('94.3%');
    expect(t.filter((x) => x === 'Trans-cerebellum')).toHaveLength(2);
    expect(t).toContain('True class');
    expect(t).toContain('Predicted class');
  });
  it('colours by row share by default and by count with normalize: null', () => {
    const fills = (svg: string): string[] => findAll(findAll(parseXml(svg), 'g').find((g) => g.attributes.class === 'cells')!, 'rect').map((r) => r.attributes.fill!);
    const byRow = fills(confusionMatrixSvg({ counts }));
    const byCount = fills(confusionMatrixSvg({ counts, normalize: null }));
    // 50 is the largest count (top of the scale) but only 94 % of its row.
    expect(byCount[0]).toBe('#fde725');
    expect(byRow[0]).not.toBe('#fde725');
    expect(byRow.slice(6)).toEqual(['#440154', '#440154', '#440154']);
  });
  it('escapes class names', () => {
    const svg = confusionMatrixSvg({
      counts: [
        [1, 0],
        [0, 1],
      ],
      classes: ['<b>&"x"', "it's\u0001"],
    });
    const root = checkFigure(svg);
    expect(texts(root)).toContain('<b>&"x"');
    expect(svg).not.toContain('<b>');
  });
  it('rejects a non-square matrix or a wrong number of names', () => {
    expect(() => confusionMatrixSvg({ counts: [[1, 2]] })).toThrow(/square/);
    expect(() => confusionMatrixSvg({ counts, classes: ['a'] })).toThrow(/classes has 1 names/);
  });
});

describe('rocCurvesSvg and prCurvesSvg', () => {
  const d = data();
  it('draw one path per class in distinct Okabe–Ito colours with the area in the legend', () => {
    const roc = perClassRocCurves(d.yTrue, d.yProb, { classes });
    const root = checkFigure(rocCurvesSvg(roc));
    const paths = findAll(root, 'path');
    expect(paths).toHaveLength(6);
    const colors = paths.map((p) => p.attributes.stroke!);
    expect(new Set(colors).size).toBe(6);
    for (const c of colors) expect(OKABE_ITO).toContain(c);
    const legend = texts(root).filter((t) => t.includes('AUC'));
    expect(legend).toHaveLength(6);
    expect(legend[0]).toBe(`Fetal abdomen (AUC ${roc[0]!.auc!.toFixed(3)})`);
    expect(texts(root)).toContain('chance');
  });
  it('PR curves are drawn as steps and labelled with AP', () => {
    const pr = perClassPrCurves(d.yTrue, d.yProb, { classes });
    const root = checkFigure(prCurvesSvg(pr, { title: 'PR & friends' }));
    expect(findAll(root, 'path')).toHaveLength(6);
    expect(texts(root)).toContain('PR & friends');
    expect(texts(root).filter((t) => t.includes('(AP '))).toHaveLength(6);
    // A step curve has about twice the points of the curve.
    const segments = (findAll(root, 'path')[0]!.attributes.d!.match(/L/g) ?? []).length;
    expect(segments).toBeGreaterThan(pr[0]!.curve.recall.length);
  });
  it('accept report curves and fail on nothing to draw', () => {
    const report = evaluationReport({ yTrue: d.yTrue, yProb: d.yProb, classes, bootstrap: false });
    checkFigure(rocCurvesSvg(report.curves.roc));
    expect(() => rocCurvesSvg([])).toThrow(/Nothing to plot/);
    expect(() => prCurvesSvg([{ name: 'x', x: [0, 1], y: [1] }])).toThrow(/2 x values but 1 y values/);
  });
});

describe('reliabilityDiagramSvg', () => {
  it('draws a bar per non-empty bin, the diagonal, ECE and a histogram', () => {
    const d = data();
    const cal = reliabilityBins(d.yTrue, d.yProb, { numBins: 10 });
    const root = checkFigure(reliabilityDiagramSvg(cal));
    const bins = findAll(root, 'g').find((g) => g.attributes.class === 'bins')!;
    const nonEmpty = cal.bins.filter((b) => b.count > 0).length;
    expect(findAll(bins, 'rect')).toHaveLength(2 * nonEmpty);
    expect(texts(root)).toContain(`ECE ${cal.ece.toFixed(3)}`);
    const hist = findAll(root, 'g').find((g) => g.attributes.class === 'histogram')!;
    expect(findAll(hist, 'rect')).toHaveLength(1 + nonEmpty);
  });
  it('rejects a non-calibration', () => {
    expect(() => reliabilityDiagramSvg({} as never)).toThrow(/reliabilityBins/);
  });
});

describe('trainingCurvesSvg', () => {
  const epochs = Array.from({ length: 12 }, (_, i) => ({
    epoch: i + 1,
    trainLoss: 1 / (i + 1),
    valLoss: 1.2 / (i + 1) + (i > 8 ? 0.1 : 0),
    trainAccuracy: 0.5 + i * 0.04,
    valAccuracy: 0.45 + i * 0.035,
    valMacroF1: 0.4 + i * 0.035,
  }));
  it('puts losses and scores in two panels, train solid and validation dashed, same colour per metric', () => {
    const root = checkFigure(trainingCurvesSvg({ epochs }));
    const paths = findAll(root, 'path');
    expect(paths).toHaveLength(5);
    const byLabel = Object.fromEntries(findAll(findAll(root, 'g').find((g) => g.attributes.class === 'legend')!, 'line').map((l, i) => [i, l.attributes]));
    expect(byLabel[0]!.stroke).toBe(byLabel[1]!.stroke);
    expect(byLabel[0]!['stroke-dasharray']).toBeUndefined();
    expect(byLabel[1]!['stroke-dasharray']).toBeDefined();
    const t = texts(root);
    for (const label of ['train loss', 'validation loss', 'train accuracy', 'validation accuracy', 'validation macro-F1', 'Epoch', 'Loss', 'Score']) expect(t).toContain(label);
    expect(t.some((x) => x.startsWith('best val loss (epoch 9)'))).toBe(true);
  });
  it('works with a single epoch and a single series', () => {
    checkFigure(trainingCurvesSvg({ epochs: [{ epoch: 1, trainLoss: 0.7 }] }));
  });
  it('fails clearly without epochs or metrics', () => {
    expect(() => trainingCurvesSvg({ epochs: [] })).toThrow(/at least one epoch/);
    expect(() => trainingCurvesSvg({ epochs: [{ epoch: 1 }] })).toThrow(/no metric/);
    expect(() => trainingCurvesSvg({ epochs: [{ epoch: NaN, trainLoss: 1 }] })).toThrow(/numeric epoch/);
  });
});

describe('reportSvgs', () => {
  it('draws every standard figure of a report as valid SVG', () => {
    const d = data(200);
    const figs = reportSvgs(evaluationReport({ yTrue: d.yTrue, yProb: d.yProb, classes, bootstrap: false }));
    expect(Object.keys(figs).sort()).toEqual(['confusionMatrix', 'confusionMatrixCounts', 'prCurves', 'reliabilityDiagram', 'rocCurves']);
    for (const svg of Object.values(figs)) checkFigure(svg);
  });
});

describe('plot legibility', () => {
  it('puts epoch ticks on whole numbers only, even for two epochs', async () => {
    const { trainingCurvesSvg } = await import('./training-curves-svg.js');
    const svg = trainingCurvesSvg({
      epochs: [
        { epoch: 1, trainLoss: 1, valLoss: 1.1 },
        { epoch: 2, trainLoss: 0.8, valLoss: 0.9 },
      ],
    });
    const xTicks = [...svg.matchAll(/<text[^>]*text-anchor="middle"[^>]*>(\d+(?:\.\d+)?)<\/text>/g)].map((m) => m[1]);
    expect(xTicks.length).toBeGreaterThan(0);
    for (const t of xTicks) expect(Number.isInteger(Number(t)), t).toBe(true);
  });

  it('writes no text smaller than 12 px in any plot', async () => {
    const { reportSvgs } = await import('./report-svgs.js');
    const { evaluationReport } = await import('../evaluation-report.js');
    const report = evaluationReport({
      yTrue: [0, 1, 2, 0, 1, 2],
      yProb: [
        [0.8, 0.1, 0.1],
        [0.1, 0.8, 0.1],
        [0.2, 0.2, 0.6],
        [0.5, 0.4, 0.1],
        [0.3, 0.6, 0.1],
        [0.1, 0.1, 0.8],
      ],
      classes: ['a', 'b', 'c'],
      bootstrap: false,
    });
    for (const svg of Object.values(reportSvgs(report))) for (const m of svg.matchAll(/font-size="(\d+(?:\.\d+)?)"/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(12);
  });
});
