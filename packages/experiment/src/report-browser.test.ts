// The report drawn by headless Chromium (the system one; none is ever downloaded): plot text at least
// 12 px at 1280 px width, no horizontal page overflow at 1280 and 420 px. Skipped without /usr/bin/chromium.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs shared with scripts/screenshots.mjs, typed by use here
import { hasChromium, launchChromium, measurePage } from '../scripts/browser-checks.mjs';
import { runSummaryFixture } from '../test/run-summary-fixture.js';
import { reportHtml } from './report-html.js';

interface Measure {
  width: number;
  svgTexts: number;
  smallestText: { size: number; text: string; figure: string } | null;
  overflowX: number;
}

describe.skipIf(!hasChromium())('report.html in headless Chromium', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'fpdb-browser-')), 'report.html');
  let browser: { newPage(o: object): Promise<{ goto(u: string): Promise<unknown>; close(): Promise<void> }>; close(): Promise<void> };
  const measure = async (width: number): Promise<Measure> => {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    try {
      await page.goto(pathToFileURL(file).href);
      return (await measurePage(page)) as Measure;
    } finally {
      await page.close();
    }
  };

  beforeAll(async () => {
    writeFileSync(file, reportHtml(runSummaryFixture()));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it('draws no plot text under 12 px at 1280 px, and nothing sticks out of the page', async () => {
    const m = await measure(1280);
    expect(m.svgTexts).toBeGreaterThan(50);
    expect(m.smallestText!.size, JSON.stringify(m.smallestText)).toBeGreaterThanOrEqual(12);
    expect(m.overflowX).toBe(0);
  }, 60_000);

  it('keeps the page within 420 px (wide tables and plots scroll in their own containers)', async () => {
    const m = await measure(420);
    expect(m.overflowX).toBe(0);
    expect(m.smallestText!.size).toBeGreaterThan(6);
  }, 60_000);
});
