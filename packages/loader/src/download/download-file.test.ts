import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/fixtures.js';
import { downloadFile } from './download-file.js';

const body = randomBytes(50_000);
const sha256 = createHash('sha256').update(body).digest('hex');
let server: Server;
let url: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/missing') return void res.writeHead(404).end('no');
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/weights.safetensors`;
});
afterAll(() => new Promise((ok) => server.close(ok)));

describe('downloadFile', () => {
  it('downloads, records the sha256 when none is known, and only verifies a file already there', async () => {
    const file = join(await tempDir(), 'w', 'weights.safetensors');
    const first = await downloadFile(url, file);
    expect(first.checksum).toEqual({ algorithm: 'sha256', value: sha256, source: 'none', verified: false });
    expect(await readFile(file)).toEqual(body);
    const before = requests;
    const again = await downloadFile(url, file, { checksum: { algorithm: 'sha256', value: sha256.toUpperCase() } });
    expect(requests).toBe(before);
    expect(again).toMatchObject({ attempts: 0, checksum: { verified: true, source: 'option' } });
  });

  it('deletes a file whose digest is not the pinned one, and says so', async () => {
    const file = join(await tempDir(), 'weights.safetensors');
    await writeFile(file, 'tampered');
    const error = await downloadFile(url, file, { checksum: { algorithm: 'sha256', value: sha256 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FPDB_CHECKSUM', message: expect.stringContaining(sha256) });
    expect(existsSync(file)).toBe(false);
  });

  it('names the URL and the remedy on an HTTP error', async () => {
    const file = join(await tempDir(), 'x.bin');
    const error = await downloadFile(url.replace('/weights.safetensors', '/missing'), file, { remedy: 'pass the file with --file' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FPDB_DOWNLOAD', message: expect.stringMatching(/HTTP 404.*--file/) });
  });
});
