import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNTH_MARKER_FILE } from '@fpdb/synth';
import { describe, expect, it } from 'vitest';
import { runSummaryFixture } from '../test/run-summary-fixture.js';
import { dataKindOf } from './data-kind.js';
import { classFailures, classFailureWarnings } from './report-checks.js';
import { pctWithInterval, reportHtml, uniqueSvgIds } from './report-html.js';
import { runMarkdown } from './report-md.js';

describe('dataKindOf', () => {
  it('says synthetic when the folder carries the synth marker, however it was passed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpdb-kind-'));
    expect(await dataKindOf(dir)).toBe('release');
    writeFileSync(join(dir, SYNTH_MARKER_FILE), '{}');
    expect(await dataKindOf(dir)).toBe('synthetic');
  });
});

describe('class failures', () => {
  it('names a class never predicted, and a model that predicts one class for everything', () => {
    expect(classFailures(runSummaryFixture().evaluation)).toMatchObject({ onlyClass: null, neverPredicted: ['Fetal abdomen'], zeroRecall: ['Fetal abdomen'] });
    expect(classFailureWarnings(runSummaryFixture().evaluation)).toEqual(['The model never predicts "Fetal abdomen", although the test set has images of it.']);
    expect(classFailureWarnings(runSummaryFixture({ onlyClass: true }).evaluation)[0]).toContain('predicts one class, "Fetal brain", for every test image');
    expect(classFailureWarnings(runSummaryFixture({ healthy: true }).evaluation)).toEqual([]);
  });
});

describe('reportHtml', () => {
  it('puts the synthetic banner and says synthetic in the model card; no banner for the release', () => {
    const html = reportHtml(runSummaryFixture({ kind: 'synthetic', healthy: true }));
    expect(html).toContain('id="synthetic-data"');
    expect(html).toMatch(/<td>training data<\/td><td>[^<]*<b>synthetic data<\/b>/);
    const real = reportHtml(runSummaryFixture({ kind: 'release', healthy: true }));
    expect(real).not.toContain('id="synthetic-data"');
    expect(real).not.toMatch(/synthetic/i);
  });

  it('warns at the top, naming the failed class, before the headline numbers', () => {
    const html = reportHtml(runSummaryFixture());
    const alert = html.indexOf('id="class-failures"');
    expect(alert).toBeGreaterThan(0);
    expect(alert).toBeLessThan(html.indexOf('class="cards"'));
    expect(html.slice(alert, html.indexOf('</div>', alert))).toContain('never predicts &quot;Fetal abdomen&quot;');
    expect(reportHtml(runSummaryFixture({ healthy: true }))).not.toContain('id="class-failures"');
  });

  it('shows per-class sensitivity, specificity, PPV and NPV with their intervals in percent, and a glossary', () => {
    const run = runSummaryFixture({ healthy: true });
    const html = reportHtml(run);
    const c = run.evaluation.clinical[1]!;
    expect(html).toContain('<th>sensitivity</th><th>specificity</th><th>PPV</th><th>NPV</th>');
    expect(html).toContain(pctWithInterval(c.sensitivity));
    expect(pctWithInterval(c.sensitivity)).toMatch(/^\d+\.\d% <span class="ci">\(\d+\.\d–\d+\.\d%\)<\/span>$/);
    for (const term of ['Macro-F1', 'OvR AUC', 'ECE', 'Brier score']) expect(html).toContain(`<dt>${term}</dt>`);
    // The accuracy card: a percentage and its interval in percent too.
    expect(html).toMatch(/<span>test accuracy<\/span><b>\d+\.\d%<\/b><span>95% CI \d+\.\d%–\d+\.\d%<\/span>/);
    expect(html).not.toMatch(/undefined|NaN/);
  });

  it('gives every SVG id in the page one owner, and wraps every table in a scroll container', () => {
    const html = reportHtml(runSummaryFixture());
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(5);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
    expect(html.match(/<table/g)!.length).toBe(html.match(/<div class="scroll"><table/g)!.length);
    expect(uniqueSvgIds('<svg aria-labelledby="t d"><title id="t"/><g clip-path="url(#a)"/><clipPath id="a"/></svg>', 'x')).toBe(
      '<svg aria-labelledby="x-t d"><title id="x-t"/><g clip-path="url(#x-a)"/><clipPath id="x-a"/></svg>',
    );
  });
});

describe('runMarkdown', () => {
  it('carries the banner, the class warning, the clinician table and the glossary', () => {
    const md = runMarkdown(runSummaryFixture(), '# Test set\n');
    expect(md).toContain('> **Synthetic data.**');
    expect(md).toContain('> **Warning:** The model never predicts "Fetal abdomen"');
    expect(md).toContain('| class | sensitivity | specificity | PPV | NPV |');
    expect(md).toContain('- **ECE**:');
    expect(runMarkdown(runSummaryFixture({ kind: 'release', healthy: true }), '# Test set\n')).not.toMatch(/synthetic|Warning/i);
  });

  it('shows the gallery with true and predicted labels, in the HTML and the Markdown', () => {
    const gallery = [
      {
        kind: 'class',
        file: 'Patient00001_Plane2_1_of_1.png',
        image: 'gallery/1-image.png',
        gradCam: 'gallery/1-gradcam.png',
        size: 32,
        trueClass: 'Fetal brain',
        predictedClass: 'Fetal brain',
        probability: 0.91,
      },
      {
        kind: 'error',
        file: 'Patient00002_Plane1_1_of_1.png',
        image: 'gallery/2-image.png',
        gradCam: 'gallery/2-gradcam.png',
        size: 32,
        trueClass: 'Other',
        predictedClass: 'Fetal femur',
        probability: 0.88,
      },
    ] as const;
    const run = { ...runSummaryFixture({ healthy: true }), gallery: gallery.map((g) => ({ ...g })) };
    const html = reportHtml(run);
    const errors = html.slice(html.indexOf('<h3>Most confident errors</h3>'));
    expect(errors).toContain('<figure class="case wrong">');
    expect(errors).toContain('<b>true</b> Other<br><b>predicted</b> Fetal femur (88.0%)');
    expect(errors).toContain('src="gallery/2-gradcam.png"');
    expect(html.slice(html.indexOf('<h3>Examples per class</h3>'), html.indexOf('<h3>Most confident errors</h3>'))).toContain('src="gallery/1-image.png"');
    expect(runMarkdown(run, '')).toContain('| error | ![Patient00002_Plane1_1_of_1.png](gallery/2-image.png) | ![Grad-CAM](gallery/2-gradcam.png) | Other | Fetal femur (88.0%) |');
  });
});
