import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { openCache, type Dataset } from '@fpdb/loader/node';
import { auditHtml } from './audit-html.js';
import type { AuditReport } from './audit-dataset.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit grayscale PNG of `width`×`height` pixels (for thumbnails). */
export function grayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** Where {@link writeAudit} wrote. */
export interface WrittenAudit {
  json: string;
  html: string;
}

/**
 * Writes `audit.json` (the report) and `audit.html` (thumbnails of every group member from the audit's
 * cache, side by side with their metadata) into `outDir`, creating it.
 * @example await writeAudit(dataset, await auditDataset(dataset), 'audit');
 */
export async function writeAudit(dataset: Dataset, report: AuditReport, outDir: string, options: { cacheDir?: string } = {}): Promise<WrittenAudit> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const { size } = report.options;
  const thumbnails: Record<string, string> = {};
  const cache = await openCache(dataset, { height: size, width: size, policy: 'stretch', ...(options.cacheDir === undefined ? {} : { dir: options.cacheDir }) });
  if (cache) {
    try {
      for (const m of report.groups.flatMap((g) => g.members)) {
        if (cache.has(m.imageName)) thumbnails[m.imageName] = `data:image/png;base64,${grayPng(await cache.read(m.imageName), size, size).toString('base64')}`;
      }
    } finally {
      await cache.close();
    }
  }
  const json = join(dir, 'audit.json');
  const html = join(dir, 'audit.html');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, auditHtml(report, thumbnails));
  return { json, html };
}
