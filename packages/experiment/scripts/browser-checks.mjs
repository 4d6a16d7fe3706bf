// Legibility checks of an HTML page in headless Chromium, shared by scripts/screenshots.mjs and the
// browser test. Never downloads a browser: it drives the system Chromium at CHROMIUM (default /usr/bin/chromium).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the system Chromium is, and whether it is there. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

/** Launches the system Chromium headless, sandbox off, no network chatter. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Measures the page open in `page`: the smallest drawn size (CSS px on screen) of any visible SVG text,
 * inline (font size × the SVG's scale) or in an <img> SVG (smallest font-size attribute × the image's
 * scale); the page's horizontal overflow (scrollWidth − viewport width, 0 when nothing sticks out).
 */
export async function measurePage(page) {
  const m = await page.evaluate(() => {
    const drawn = [];
    for (const t of document.querySelectorAll('svg text')) {
      const box = t.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const ctm = t.getScreenCTM();
      const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
      drawn.push({ size, text: t.textContent.slice(0, 40), figure: t.closest('figure')?.querySelector('figcaption')?.textContent.slice(0, 40) ?? '' });
    }
    const images = [...document.querySelectorAll('img')]
      .filter((img) => /\.svg$/.test(img.src) && img.getBoundingClientRect().width > 0)
      .map((img) => ({ src: img.src, width: img.getBoundingClientRect().width, alt: img.alt }));
    return { width: window.innerWidth, drawn, images, overflowX: Math.max(0, document.documentElement.scrollWidth - window.innerWidth) };
  });
  // An <img> SVG is not in the DOM: its smallest font size is read from the file, scaled as drawn.
  for (const img of m.images) {
    if (!img.src.startsWith('file:')) continue;
    const svg = readFileSync(fileURLToPath(img.src), 'utf8');
    const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((x) => Number(x[1]));
    const natural = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
    if (sizes.length && natural > 0) m.drawn.push({ size: (Math.min(...sizes) * img.width) / natural, text: '(svg image)', figure: img.alt });
  }
  m.drawn.sort((a, b) => a.size - b.size);
  return { width: m.width, svgTexts: m.drawn.length, smallestText: m.drawn[0] ?? null, overflowX: m.overflowX };
}
