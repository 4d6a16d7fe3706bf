// The page in a real browser: build the site, serve dist/ on 127.0.0.1, drive the system Chromium
// (playwright-core, never a downloaded browser) and check that scans classified on the page get the
// probabilities `fpdb predict --json` gives for the same checkpoint and files, through a shared link
// (?checkpoint=…&image=…) and through file upload; that a non-image and a truncated PNG get a clear
// message while the other files still get results; that the page fits a phone's width; and that it
// works offline once loaded (the server stopped, the service worker answers).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { realFixturesDir } from '@fpdb/internal/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveStatic } from '../scripts/static-server.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
/** The CLI whose numbers the page must equal: the workspace's build (turbo builds it first), or FPDB_CLI. */
const cli = process.env.FPDB_CLI ?? join(root, '../../packages/cli/dist/bin.js');
const planes = join(root, 'public/models/planes');
const brain = join(root, 'public/models/brain');
const TOLERANCE = 1e-5;

interface Prediction {
  file: string;
  class: string;
  probability: number;
  probabilities: Record<string, number>;
  brain?: Omit<Prediction, 'file' | 'brain'>;
}
interface PageResult {
  status: string;
  checkpoint: string | null;
  classes: string[];
  backend: string;
  predictions: Prediction[];
  errors: { file: string; code: string; message: string }[];
}

/** An image to classify: the name the page sees and the file on disk. */
interface Scan {
  name: string;
  path: string;
}

/** `fpdb predict <checkpoint> <files> --json` with the built CLI, by the page's file name. */
async function cliPredict(checkpoint: string, scans: Scan[]): Promise<Map<string, Prediction>> {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'predict', checkpoint, ...scans.map((s) => s.path), '--json'], { maxBuffer: 64 << 20 });
  const out = JSON.parse(stdout) as { predictions: Prediction[]; errors: unknown[] };
  expect(out.errors).toEqual([]);
  expect(out.predictions.map((p) => p.file)).toEqual(scans.map((s) => s.path));
  return new Map(out.predictions.map((p, i) => [scans[i]!.name, p]));
}

/** Files as setInputFiles takes them, under the page's names. */
const upload = (scans: Scan[]) => scans.map((s) => ({ name: s.name, mimeType: s.name.endsWith('.png') ? 'image/png' : 'text/plain', buffer: readFileSync(s.path) }));

/** The largest |p_page − p_cli| over every class of every file, after checking labels agree. */
function maxDelta(page: Prediction[], expected: Map<string, Prediction>, pick: (p: Prediction) => Omit<Prediction, 'file' | 'brain'> | undefined = (p) => p): number {
  let max = 0;
  for (const p of page) {
    const want = pick(expected.get(p.file)!);
    const got = pick(p);
    expect(want, p.file).toBeDefined();
    expect(got!.class, p.file).toBe(want!.class);
    expect(Object.keys(got!.probabilities)).toEqual(Object.keys(want!.probabilities));
    for (const [c, v] of Object.entries(want!.probabilities)) max = Math.max(max, Math.abs(got!.probabilities[c]! - v));
  }
  return max;
}

async function readResult(page: Page, count: number): Promise<PageResult> {
  const handle = await page.waitForFunction(
    (n) => {
      const r = JSON.parse(document.getElementById('fpdb-result')!.textContent!);
      return (r.status === 'done' || r.status === 'error') && r.predictions.length + r.errors.length >= n ? r : false;
    },
    count,
    { timeout: 60_000, polling: 100 },
  );
  return (await handle.jsonValue()) as PageResult;
}

describe('examples/browser in headless Chromium', () => {
  const fixtures = realFixturesDir();
  const images: Scan[] = [
    ...readdirSync(join(fixtures, 'Images'))
      .sort()
      .map((name) => ({ name, path: join(fixtures, 'Images', name) })),
    // Third parties' RGB/RGBA re-saves (other PNG modes through the same decoder), named apart from the originals.
    ...readdirSync(join(fixtures, 'resaved'))
      .sort()
      .map((name) => ({ name: `resaved-${name}`, path: join(fixtures, 'resaved', name) })),
  ];
  const bad = mkdtempSync(join(tmpdir(), 'fpdb-browser-bad-'));
  const truncated = join(bad, 'truncated.png');
  const notAnImage = join(bad, 'notes.txt');
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let expectedPlanes: Map<string, Prediction>;
  const deltas: number[] = [];

  beforeAll(async () => {
    const png = readFileSync(images[0]!.path);
    writeFileSync(truncated, png.subarray(0, Math.floor(png.length / 3)));
    writeFileSync(notAnImage, 'Patient notes: this is not an image.\n');
    // The site exactly as `pnpm --filter browser build` writes it (vitest's NODE_ENV=test would change it).
    const buildSite = promisify(execFile)(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const [cliResult] = await Promise.all([cliPredict(planes, images), buildSite]);
    expectedPlanes = cliResult;
    server = await serveStatic({ '/': join(root, 'dist'), '/fixtures/': join(fixtures, 'Images'), '/bad/': bad });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('classifies images given as ?checkpoint=…&image=… like fpdb predict, and says why a truncated PNG fails', async () => {
    const names = ['Patient00012_Plane1_16_of_16.png', 'Patient00168_Plane3_1_of_3.png', 'Patient01648_Plane6_1_of_2.png'];
    const query = new URLSearchParams([['checkpoint', 'models/planes/'], ...names.map((n) => ['image', `fixtures/${n}`]), ['image', 'bad/truncated.png']]);
    const page = await context.newPage();
    await page.goto(`${server.url}?${query}`);
    const result = await readResult(page, names.length + 1);
    expect(result.checkpoint).toBe(`${server.url}models/planes/`);
    expect(result.backend).toMatch(/^wasm/);
    expect(result.predictions.map((p) => p.file)).toEqual(names);
    deltas.push(maxDelta(result.predictions, expectedPlanes));
    expect(Math.max(...deltas)).toBeLessThanOrEqual(TOLERANCE);
    expect(result.errors).toEqual([expect.objectContaining({ file: 'truncated.png', code: 'FPDB_IMAGE_DECODE' })]);
    expect(await page.locator('#results .card.failed').textContent()).toMatch(/truncated\.png.*(truncated|corrupt)/);
    await page.close();
  });

  it('classifies uploaded files like fpdb predict (planes and brain sub-planes); a non-image and a truncated PNG get a message, the others results', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await readResult(page, 0);
    const bads = [
      { name: 'notes.txt', path: notAnImage },
      { name: 'truncated.png', path: truncated },
    ];
    await page.setInputFiles('#image-files', upload([...images.slice(0, 30), ...bads, ...images.slice(30)]));
    const result = await readResult(page, images.length + 2);
    expect(result.predictions.map((p) => p.file)).toEqual(images.map((s) => s.name));
    deltas.push(maxDelta(result.predictions, expectedPlanes));
    expect(result.errors.map((e) => [e.file, e.code])).toEqual([
      ['notes.txt', 'FPDB_IMAGE_NOT_PNG'],
      ['truncated.png', 'FPDB_IMAGE_DECODE'],
    ]);
    expect(await page.locator('#results .card.failed').first().textContent()).toContain('notes.txt is not an image');
    expect(await page.locator('#summary tbody tr').count()).toBe(images.length + 2);
    expect(await page.locator('#results img[alt^="Grad-CAM"]').count()).toBe(images.length);

    // The brain sub-plane model ran on the images predicted "Fetal brain", with the CLI's numbers.
    const brainImages = result.predictions.filter((p) => p.class === 'Fetal brain');
    expect(result.predictions.filter((p) => p.brain).length).toBe(brainImages.length);
    if (brainImages.length > 0) {
      const expectedBrain = await cliPredict(
        brain,
        brainImages.map((p) => images.find((s) => s.name === p.file)!),
      );
      deltas.push(
        maxDelta(
          brainImages.map((p) => ({ ...p.brain!, file: p.file })),
          expectedBrain,
        ),
      );
    }
    expect(Math.max(...deltas)).toBeLessThanOrEqual(TOLERANCE);

    // CSV export: a header and one line per file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toMatch(/^file,class,probability,p\(/);
    expect(csv).toHaveLength(images.length + 3);

    // Every control has a name (a label, or its own text), images have alt text, results are announced.
    expect(
      await page.evaluate(() =>
        [...document.querySelectorAll('input, button, select, textarea')]
          .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.textContent!.trim()))
          .map((el) => el.outerHTML),
      ),
    ).toEqual([]);
    expect(await page.locator('img:not([alt])').count()).toBe(0);
    expect(await page.locator('#progress[aria-live="polite"]').count()).toBe(1);

    // Phone width: nothing sticks out of the page (wide tables scroll in their own box).
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("classifies a JPEG with the loader's gray formula and resize: the CLI's numbers on a lossless PNG of the same decoded pixels", async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await readResult(page, 0);
    // A real scan re-encoded as JPEG by the browser (no JPEG encoder needed here), and the JPEG decoded as the
    // page decodes it, saved as PNG: fpdb predict reads PNGs only, so that PNG is its view of the JPEG.
    const { jpeg, png } = await page.evaluate(async (url) => {
      const encode = async (source: ImageBitmap, type: string) => {
        const canvas = new OffscreenCanvas(source.width, source.height);
        canvas.getContext('2d')!.drawImage(source, 0, 0);
        return canvas.convertToBlob({ type, quality: 0.9 });
      };
      const jpegBlob = await encode(await createImageBitmap(await (await fetch(url)).blob()), 'image/jpeg');
      const decoded = await createImageBitmap(jpegBlob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const bytes = async (b: Blob) => Array.from(new Uint8Array(await b.arrayBuffer()));
      return { jpeg: await bytes(jpegBlob), png: await bytes(await encode(decoded, 'image/png')) };
    }, `${server.url}fixtures/${images[40]!.name}`);
    const pngFile = join(bad, 'scan-as-decoded.png');
    writeFileSync(pngFile, Uint8Array.from(png));
    await page.setInputFiles('#image-files', [{ name: 'scan.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(Uint8Array.from(jpeg)) }]);
    const result = await readResult(page, 1);
    expect(result.errors).toEqual([]);
    const expected = await cliPredict(planes, [{ name: 'scan.jpg', path: pngFile }]);
    deltas.push(maxDelta(result.predictions, expected));
    expect(Math.max(...deltas)).toBeLessThanOrEqual(TOLERANCE);
    await page.close();
  });

  it('loads a checkpoint from files picked on this machine and from a URL typed in the form', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await readResult(page, 0);
    const files = ['model.json', 'group1-shard1of1.bin', 'fpdb.json'].map((name) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(join(planes, name)) }));
    await page.setInputFiles('#checkpoint-files', files);
    await page.waitForFunction(() => JSON.parse(document.getElementById('fpdb-result')!.textContent!).checkpoint?.startsWith('files:'));
    await page.setInputFiles('#image-files', upload(images.slice(0, 2)));
    const picked = await readResult(page, 2);
    expect(picked.checkpoint).toBe('files: model.json, group1-shard1of1.bin, fpdb.json');
    deltas.push(maxDelta(picked.predictions, expectedPlanes));
    expect(Math.max(...deltas)).toBeLessThanOrEqual(TOLERANCE);

    await page.click('#checkpoint-picker summary');
    await page.fill('#checkpoint-url', `${server.url}models/brain/`);
    await page.press('#checkpoint-url', 'Enter');
    await page.waitForFunction(() => JSON.parse(document.getElementById('fpdb-result')!.textContent!).task === 'brain');
    await page.setInputFiles('#image-files', upload(images.slice(0, 1)));
    const typed = await readResult(page, 1);
    expect(typed.classes).toEqual(['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular']);
    expect(typed.predictions).toHaveLength(1);
    // A URL that holds no checkpoint: a message, and the loaded model stays.
    await page.fill('#checkpoint-url', `${server.url}nothing-here/`);
    await page.press('#checkpoint-url', 'Enter');
    const failed = (await (
      await page.waitForFunction(() => {
        const r = JSON.parse(document.getElementById('fpdb-result')!.textContent!);
        return r.status === 'error' ? r : false;
      })
    ).jsonValue()) as PageResult;
    expect(failed.errors[0]!.message).toMatch(/nothing-here/);
    expect(await page.locator('#model-status').textContent()).toMatch(/Could not load the checkpoint .*Still using .*models\/brain\//);
    await page.close();
  });

  it('works offline once loaded: with the server stopped, the service worker serves the page, wasm and model', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await readResult(page, 0);
    // The service worker has cached the site once it is active.
    await page.evaluate(() => Promise.race([navigator.serviceWorker.ready, new Promise((_, reject) => setTimeout(() => reject(new Error('no active service worker after 30 s')), 30_000))]));
    await server.close();
    await page.reload();
    const loaded = await readResult(page, 0);
    expect(loaded.status).toBe('done');
    await page.setInputFiles('#image-files', upload(images.slice(-2)));
    const result = await readResult(page, 2);
    deltas.push(maxDelta(result.predictions, expectedPlanes));
    expect(Math.max(...deltas)).toBeLessThanOrEqual(TOLERANCE);
    console.log(`examples/browser e2e: max |Δp| vs fpdb predict = ${Math.max(...deltas).toExponential(2)} (${result.backend})`);
    await page.close();
  });
});
