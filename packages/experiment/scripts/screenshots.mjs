// Generates a tiny synthetic run and a comparison of two runs, opens report.html and compare.html in
// headless Chromium at 1280 px and 420 px, checks that no plot text is drawn under 12 px at 1280 px and
// that nothing overflows the page horizontally at either width, and writes screenshots into docs/ (shown
// in the README). Prints the measurements as JSON; exits 1 when a check fails.
// Needs the built package (pnpm build) and the system Chromium (apt-get install chromium).
// Usage: node scripts/screenshots.mjs [--keep DIR]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compareHtml, compareRuns, resolveExperimentConfig, runExperiment } from '../dist/node.js';
import { CHROMIUM, hasChromium, launchChromium, measurePage } from './browser-checks.mjs';

if (!hasChromium()) {
  console.error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM to its path.`);
  process.exit(1);
}
const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const keep = process.argv.indexOf('--keep');
const work = keep > 0 ? process.argv[keep + 1] : mkdtempSync(join(tmpdir(), 'fpdb-screenshots-'));
mkdirSync(docs, { recursive: true });

const base = { synth: { images: 240, seed: 11, width: 96, height: 64, dir: join(work, 'synth') }, inputSize: 48, epochs: 10, learningRate: 0.003, bootstrapResamples: 200, seed: 1 };
const runA = join(work, 'run-a');
const runB = join(work, 'run-b');
await runExperiment(resolveExperimentConfig({ ...base, out: runA }));
await runExperiment(resolveExperimentConfig({ ...base, epochs: 6, out: runB }));
const cmpDir = join(work, 'compare');
mkdirSync(cmpDir, { recursive: true });
writeFileSync(join(cmpDir, 'compare.html'), compareHtml(await compareRuns([runA, runB], { resamples: 200 }), { out: cmpDir }));

const browser = await launchChromium();
const results = [];
try {
  for (const [name, file] of [
    ['report', join(runA, 'report.html')],
    ['compare', join(cmpDir, 'compare.html')],
  ]) {
    for (const width of [1280, 420]) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      await page.goto(pathToFileURL(file).href);
      const m = await measurePage(page);
      results.push({ page: name, ...m });
      if (name === 'report') {
        await page.screenshot({ path: join(docs, `report-${width}.png`), clip: { x: 0, y: 0, width, height: width === 1280 ? 1100 : 1500 } });
        // The test results: the figures whose text shrank before.
        const figs = await page.locator('.figs').first().boundingBox();
        if (width === 1280 && figs) await page.screenshot({ path: join(docs, 'report-figures-1280.png'), fullPage: true, clip: { x: 0, y: figs.y - 20, width, height: 900 } });
        const cases = await page.locator('h2', { hasText: 'Cases' }).boundingBox();
        if (cases && width === 1280) await page.screenshot({ path: join(docs, `report-gallery-${width}.png`), fullPage: true, clip: { x: 0, y: cases.y - 10, width, height: 640 } });
      } else if (width === 1280) {
        await page.screenshot({ path: join(docs, 'compare-1280.png'), fullPage: true, clip: { x: 0, y: 0, width, height: 1300 } });
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
}
const failures = results.flatMap((r) => [
  ...(r.width === 1280 && r.smallestText && r.smallestText.size < 12
    ? [`${r.page} at 1280 px: text "${r.smallestText.text}" in "${r.smallestText.figure}" is drawn at ${r.smallestText.size.toFixed(2)} px`]
    : []),
  ...(r.overflowX > 0 ? [`${r.page} at ${r.width} px overflows the page by ${r.overflowX} px`] : []),
]);
console.log(JSON.stringify({ work, docs, results, failures }, null, 2));
process.exit(failures.length ? 1 : 0);
