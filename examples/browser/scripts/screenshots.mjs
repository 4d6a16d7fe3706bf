// Screenshots of the page for the README, taken by the headless system Chromium the e2e test uses:
// screenshot-desktop.png (1280 px wide) and screenshot-phone.png (390 px, a phone), each after
// classifying a few real fixture scans and one file that is not an image. Builds the site first.
//   pnpm --filter browser screenshots
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realFixture } from '@fpdb/internal/testing';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });

const scans = ['Patient00881_Plane3_1_of_2.png', 'Patient01648_Plane6_1_of_2.png', 'Patient00097_Plane4_1_of_1.png', 'Patient01630_Plane2_1_of_1.png'];
const files = [
  ...scans.map((name) => ({ name, mimeType: 'image/png', buffer: readFileSync(realFixture('Images', name)) })),
  { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image\n') },
];
const server = await serveStatic({ '/': join(root, 'dist') });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const { name, viewport, count } of [
    { name: 'desktop', viewport: { width: 1280, height: 900 }, count: files.length },
    { name: 'phone', viewport: { width: 390, height: 844 }, count: 2 },
  ]) {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1, colorScheme: 'light' });
    await page.goto(server.url);
    const done = (n) =>
      page.waitForFunction((k) => {
        const r = JSON.parse(document.getElementById('fpdb-result').textContent);
        return r.status === 'done' && r.predictions.length + r.errors.length >= k;
      }, n);
    await done(0);
    const picked = count === files.length ? files : [files[0], files.at(-1)];
    await page.setInputFiles('#image-files', picked);
    await done(picked.length);
    const out = join(root, `screenshot-${name}.png`);
    await page.screenshot({ path: out, fullPage: true });
    console.log(out);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
