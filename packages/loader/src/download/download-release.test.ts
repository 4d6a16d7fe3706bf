import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import yazl from 'yazl';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../dataset/open-dataset.js';
import { makeDataset, realCsvLines, tempDir } from '../../test/fixtures.js';
import { downloadRelease, RELEASE_ZIP } from './download-release.js';
import { extractRelease } from './extract-release.js';

async function zipFolder(root: string, prefix = 'FETAL_PLANES_ZENODO/', extra: Record<string, Buffer> = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(await readFile(join(root, 'FETAL_PLANES_DB_data.csv')), `${prefix}FETAL_PLANES_DB_data.csv`);
  for (const f of await readdir(join(root, 'Images'))) zip.addBuffer(await readFile(join(root, 'Images', f)), `${prefix}Images/${f}`, { compress: false });
  for (const [name, data] of Object.entries(extra)) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface Served {
  url: string;
  requests: Array<{ range: string | undefined }>;
  server: Server;
}

/** Serves `body` with Range support; `cutFirst` closes the first response after that many bytes. */
async function serve(body: Buffer, options: { cutFirst?: number; headers?: Record<string, string>; status?: number; ignoreRange?: boolean } = {}): Promise<Served> {
  const requests: Served['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ range: req.headers.range });
    if (options.status) {
      res.writeHead(options.status).end('no');
      return;
    }
    const m = options.ignoreRange ? null : /bytes=(\d+)-/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const slice = body.subarray(start);
    res.writeHead(m ? 206 : 200, {
      'content-length': String(slice.length),
      'accept-ranges': 'bytes',
      ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      ...options.headers,
    });
    if (requests.length === 1 && options.cutFirst !== undefined) {
      // Give the client time to take the bytes in before the connection drops.
      res.write(slice.subarray(0, options.cutFirst), () => setTimeout(() => res.destroy(), 300));
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/FETAL_PLANES_ZENODO.zip?download=1`, requests, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((ok) => s.close(ok))));
});

let zipBytes: Buffer;
let md5: string;
beforeAll(async () => {
  const root = await makeDataset((await realCsvLines()).rows.slice(0, 30), { width: 320, height: 240 });
  zipBytes = await zipFolder(root);
  md5 = createHash('md5').update(zipBytes).digest('hex');
});

describe('downloadRelease (against a local HTTP server)', () => {
  it('downloads, verifies the given checksum, and extracts to the layout openDataset reads', async () => {
    const s = await serve(zipBytes);
    servers.push(s.server);
    const out = await tempDir();
    const phases = new Set<string>();
    const r = await downloadRelease({ out, url: s.url, checksum: { algorithm: 'md5', value: md5 }, onProgress: (p) => phases.add(p.phase) });
    expect(r).toMatchObject({ bytes: zipBytes.length, attempts: 1, resumed: false, checksum: { verified: true, source: 'option', value: md5 }, extracted: { images: 30, files: 31 } });
    expect([...phases]).toEqual(['download', 'verify', 'extract']);
    expect(existsSync(join(out, RELEASE_ZIP))).toBe(false);
    expect(existsSync(join(out, '.fpdb-extract'))).toBe(false);
    const ds = await openDataset(out);
    expect(ds.size).toBe(30);
    const again = await downloadRelease({ out, url: s.url }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'FPDB_OUTPUT_NOT_EMPTY' });
  });

  it('resumes an interrupted transfer with an HTTP Range request', async () => {
    const s = await serve(zipBytes, { cutFirst: 100_000 });
    servers.push(s.server);
    const out = await tempDir();
    const r = await downloadRelease({ out, url: s.url, retryDelayMs: 1, checksum: { algorithm: 'sha256', value: createHash('sha256').update(zipBytes).digest('hex') } });
    expect(r.resumed).toBe(true);
    expect(r.attempts).toBe(2);
    expect(s.requests[0]!.range).toBeUndefined();
    expect(s.requests[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(s.requests[1]!.range!)![0])).toBeGreaterThan(0);
    expect((await openDataset(out)).size).toBe(30);
  });

  it('resumes from a .part file left by an earlier run, verifying against an md5 ETag', async () => {
    const s = await serve(zipBytes, { headers: { etag: `"${md5}"` } });
    servers.push(s.server);
    const out = await tempDir();
    await writeFile(join(out, `${RELEASE_ZIP}.part`), zipBytes.subarray(0, 5000));
    const r = await downloadRelease({ out, url: s.url });
    expect(s.requests).toEqual([{ range: 'bytes=5000-' }]);
    expect(r.checksum).toMatchObject({ verified: true, source: 'etag' });
  });

  it("uses a full response's Content-MD5", async () => {
    const s = await serve(zipBytes, { headers: { 'content-md5': createHash('md5').update(zipBytes).digest('base64') } });
    servers.push(s.server);
    const r = await downloadRelease({ out: await tempDir(), url: s.url });
    expect(r.checksum).toMatchObject({ verified: true, source: 'content-md5', value: md5 });
  });

  it('says when the checksum does not match (FPDB_CHECKSUM) and deletes the file', async () => {
    const s = await serve(zipBytes, { headers: { etag: `"md5:${'0'.repeat(32)}"` } });
    servers.push(s.server);
    const out = await tempDir();
    const e = await downloadRelease({ out, url: s.url }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'FPDB_CHECKSUM', message: expect.stringContaining('from etag') });
    expect(existsSync(join(out, RELEASE_ZIP))).toBe(false);
    const e2 = await downloadRelease({ out, url: s.url, checksum: { algorithm: 'md5', value: 'f'.repeat(32) } }).catch((x: unknown) => x);
    expect(e2).toMatchObject({ code: 'FPDB_CHECKSUM' });
    const unverified = await downloadRelease({ out, url: (await serve(zipBytes).then((x) => (servers.push(x.server), x))).url });
    expect(unverified.checksum).toMatchObject({ verified: false, source: 'none', value: md5 });
  });

  it('refuses a corrupted zip (no checksum to catch it) with FPDB_DOWNLOAD and leaves no half-extracted files', async () => {
    const bad = Buffer.from(zipBytes);
    for (let i = 2000; i < 2400; i++) bad[i] = bad[i]! ^ 0x5a;
    const s = await serve(bad);
    servers.push(s.server);
    const out = await tempDir();
    const e = await downloadRelease({ out, url: s.url }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'FPDB_DOWNLOAD', message: expect.stringContaining('corrupt') });
    expect(existsSync(join(out, 'Images'))).toBe(false);
    expect(existsSync(join(out, 'FETAL_PLANES_DB_data.csv'))).toBe(false);
    const truncated = await serve(zipBytes.subarray(0, zipBytes.length - 300));
    servers.push(truncated.server);
    expect(await downloadRelease({ out: await tempDir(), url: truncated.url }).catch((x: unknown) => x)).toMatchObject({ code: 'FPDB_DOWNLOAD' });
  });

  it('says clearly when the network is unreachable (FPDB_NETWORK) and when the server refuses (FPDB_DOWNLOAD)', async () => {
    const s = await serve(zipBytes);
    const port = (s.server.address() as AddressInfo).port;
    await new Promise((ok) => s.server.close(ok));
    const e = await downloadRelease({ out: await tempDir(), url: `http://127.0.0.1:${port}/x.zip`, retries: 1, retryDelayMs: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'FPDB_NETWORK', message: expect.stringContaining('ECONNREFUSED') });
    expect((e as Error).message).toContain('--zip');
    const missing = await serve(zipBytes, { status: 404 });
    servers.push(missing.server);
    expect(await downloadRelease({ out: await tempDir(), url: missing.url }).catch((x: unknown) => x)).toMatchObject({ code: 'FPDB_DOWNLOAD', message: expect.stringContaining('404') });
  });
});

describe('extractRelease', () => {
  it('refuses a zip whose entry would escape the folder (zip slip)', async () => {
    const root = await makeDataset((await realCsvLines()).rows.slice(0, 2));
    const zip = await zipFolder(root, 'FETAL_PLANES_ZENODO/', { 'FETAL_PLANES_ZENODO/aa/evil.txt': Buffer.from('x') });
    const evil = Buffer.from(zip.toString('latin1').replaceAll('FETAL_PLANES_ZENODO/aa/evil.txt', 'FETAL_PLANES_ZENODO/../evil.txt'), 'latin1');
    const dir = await tempDir();
    await writeFile(join(dir, 'r.zip'), evil);
    const e = await extractRelease(join(dir, 'r.zip'), join(dir, 'out')).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'FPDB_PATH_ESCAPE' });
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
  });

  it('refuses a zip that is not the release', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('hi'), 'readme.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const dir = await tempDir();
    await writeFile(join(dir, 'r.zip'), Buffer.concat(chunks));
    expect(await extractRelease(join(dir, 'r.zip'), dir).catch((x: unknown) => x)).toMatchObject({ code: 'FPDB_DOWNLOAD', message: expect.stringContaining('FETAL_PLANES_DB_data.csv') });
  });
});

describe('downloads never destroy', () => {
  it('refuses an --out folder holding other files before downloading anything, and leaves them untouched', async () => {
    const s = await serve(zipBytes);
    servers.push(s.server);
    const out = await tempDir();
    await writeFile(join(out, 'notes.txt'), 'mine');
    await expect(downloadRelease({ out, url: s.url, force: true })).rejects.toMatchObject({ code: 'FPDB_OUTPUT_NOT_EMPTY', message: expect.stringContaining('notes.txt') });
    expect(s.requests).toHaveLength(0);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it("a previous release is replaced only with force; a user folder named like the release's is never deleted without it", async () => {
    const s = await serve(zipBytes);
    servers.push(s.server);
    const out = await tempDir();
    await (await import('node:fs/promises')).mkdir(join(out, 'Images'));
    await writeFile(join(out, 'Images', 'my-scan.png'), 'mine');
    await expect(downloadRelease({ out, url: s.url })).rejects.toMatchObject({ code: 'FPDB_OUTPUT_NOT_EMPTY', message: expect.stringContaining('--force') });
    expect(await readFile(join(out, 'Images', 'my-scan.png'), 'utf8')).toBe('mine');
    await expect(extractRelease(join(await tempDir(), 'none.zip'), out)).rejects.toMatchObject({ code: 'FPDB_OUTPUT_NOT_EMPTY' });
    const r = await downloadRelease({ out, url: s.url, force: true });
    expect(r.extracted.images).toBe(30);
  });

  it('a checksum mismatch with keepZip keeps the zip (and says so); without it the zip is deleted', async () => {
    const s = await serve(zipBytes);
    servers.push(s.server);
    const kept = await tempDir();
    const wrong = { algorithm: 'md5' as const, value: '0'.repeat(32) };
    await expect(downloadRelease({ out: kept, url: s.url, checksum: wrong, keepZip: true })).rejects.toMatchObject({ code: 'FPDB_CHECKSUM', message: expect.stringContaining('kept') });
    expect(await readFile(join(kept, RELEASE_ZIP))).toEqual(zipBytes);
    const gone = await tempDir();
    await expect(downloadRelease({ out: gone, url: s.url, checksum: wrong })).rejects.toMatchObject({ code: 'FPDB_CHECKSUM', message: expect.stringContaining('deleted') });
    expect(existsSync(join(gone, RELEASE_ZIP))).toBe(false);
  });

  it('reports resumed only when the server honoured the Range request', async () => {
    const s = await serve(zipBytes, { ignoreRange: true });
    servers.push(s.server);
    const out = await tempDir();
    await writeFile(join(out, `${RELEASE_ZIP}.part`), zipBytes.subarray(0, 1000));
    const r = await downloadRelease({ out, url: s.url, checksum: { algorithm: 'md5', value: md5 } });
    expect(s.requests[0]!.range).toBe('bytes=1000-');
    expect(r).toMatchObject({ resumed: false, bytes: zipBytes.length, checksum: { verified: true } });
    const honoured = await serve(zipBytes);
    servers.push(honoured.server);
    const out2 = await tempDir();
    await writeFile(join(out2, `${RELEASE_ZIP}.part`), zipBytes.subarray(0, 1000));
    expect((await downloadRelease({ out: out2, url: honoured.url, checksum: { algorithm: 'md5', value: md5 } })).resumed).toBe(true);
  });

  it('an extra top-level entry of the zip is not moved into --out', async () => {
    const root = await makeDataset((await realCsvLines()).rows.slice(0, 2));
    const zip = join(await tempDir(), 'r.zip');
    await writeFile(zip, await zipFolder(root, 'FETAL_PLANES_ZENODO/', { 'FETAL_PLANES_ZENODO/.bashrc': Buffer.from('evil') }));
    const out = await tempDir();
    await extractRelease(zip, out);
    expect((await readdir(out)).sort()).toEqual(['FETAL_PLANES_DB_data.csv', 'Images']);
  });
});
