import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realCsv, realDir, run } from '../../test/run.js';

let zip: Buffer;
let server: Server;
let url: string;
let requests: Array<string | undefined> = [];
let cutNext = false;

beforeAll(async () => {
  const z = new yazl.ZipFile();
  const names = (await readdir(join(realDir, 'Images'))).slice(0, 6);
  const lines = (await readFile(realCsv, 'utf8')).split('\n');
  const rows = lines.filter((l) => names.includes(`${l.split(';')[0]}.png`));
  z.addBuffer(Buffer.from(`${lines[0]}\n${rows.join('\n')}\n`), 'FETAL_PLANES_ZENODO/FETAL_PLANES_DB_data.csv');
  for (const f of names) z.addBuffer(await readFile(join(realDir, 'Images', f)), `FETAL_PLANES_ZENODO/Images/${f}`);
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  zip = Buffer.concat(chunks);
  server = createServer((req, res) => {
    requests.push(req.headers.range);
    const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    res.writeHead(m ? 206 : 200, { 'content-length': String(zip.length - start), ...(m ? { 'content-range': `bytes ${start}-${zip.length - 1}/${zip.length}` } : {}) });
    if (cutNext) {
      cutNext = false;
      // Give the client time to take the bytes in before the connection drops.
      res.write(zip.subarray(start, start + 50_000), () => setTimeout(() => res.destroy(), 300));
      return;
    }
    res.end(zip.subarray(start));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/FETAL_PLANES_ZENODO.zip`;
});
afterAll(() => new Promise((ok) => server.close(ok)));

describe('fpdb download', () => {
  it('downloads (resuming after a dropped connection), verifies --md5, extracts, and fpdb stats reads the result', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-dl-'));
    requests = [];
    cutNext = true;
    const md5 = createHash('md5').update(zip).digest('hex');
    const r = await run('download', '--out', out, '--url', url, '--md5', md5, '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ downloaded: true, resumed: true, attempts: 2, checksum: { verified: true, value: md5 }, extracted: { images: 6 } });
    expect(requests[1]).toMatch(/^bytes=\d+-$/);
    const stats = await run('stats', out, '--json');
    expect(JSON.parse(stats.stdout)).toMatchObject({ images: 6, missingImages: 0 });
  });

  it('fails with FPDB_CHECKSUM on a wrong --md5, warns when nothing could be verified', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-dl-'));
    const bad = await run('download', '--out', out, '--url', url, '--md5', '0'.repeat(32));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('FPDB_CHECKSUM');
    const unverified = await run('download', '--out', out, '--url', url);
    expect(unverified.code).toBe(0);
    expect(unverified.stderr).toContain('NOT verified');
    expect(existsSync(join(out, 'Images'))).toBe(true);
  });

  it('extracts a local zip with --zip, says clearly when the network is unreachable, and rejects bad usage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-dl-'));
    await writeFile(join(dir, 'r.zip'), zip);
    const local = await run('download', '--out', join(dir, 'out'), '--zip', join(dir, 'r.zip'), '--json');
    expect(JSON.parse(local.stdout)).toMatchObject({ downloaded: false, extracted: { images: 6 } });
    const offline = await run('download', '--out', join(dir, 'o2'), '--url', 'http://127.0.0.1:9/x.zip', '--retries', '0');
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('FPDB_NETWORK');
    expect(offline.stderr).toContain('Cannot reach');
    expect((await run('download')).code).toBe(2);
    expect((await run('download', '--out', dir, '--md5', 'xyz')).code).toBe(2);
  });

  it('never destroys: --out with other files is refused before any request (--zip too), --keep-zip keeps a zip that fails --md5', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-dl-'));
    await writeFile(join(out, 'thesis.tex'), 'mine');
    requests = [];
    const refused = await run('download', '--out', out, '--url', url, '--force');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FPDB_OUTPUT_NOT_EMPTY');
    expect(refused.stderr).toContain('thesis.tex');
    expect(requests).toHaveLength(0);
    await writeFile(join(out, 'r.zip'), zip);
    expect((await run('download', '--out', out, '--zip', join(out, 'r.zip'))).stderr).toContain('FPDB_OUTPUT_NOT_EMPTY');
    expect(await readFile(join(out, 'thesis.tex'), 'utf8')).toBe('mine');
    const kept = await mkdtemp(join(tmpdir(), 'fpdb-dl-'));
    const bad = await run('download', '--out', kept, '--url', url, '--md5', '0'.repeat(32), '--keep-zip');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('FPDB_CHECKSUM');
    expect(existsSync(join(kept, 'FETAL_PLANES_ZENODO.zip'))).toBe(true);
  });
});
