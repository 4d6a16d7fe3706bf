import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, exportStateDict, presetConfig, setupBackend, writeSafetensors } from '@fpdb/models';
import { IMAGENET_GRAY_NORMALIZATION } from '@fpdb/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDir, run } from '../../test/run.js';

const work = mkdtempSync(join(tmpdir(), 'fpdb-weights-'));
let file: Uint8Array;
let server: Server;
let url: string;

beforeAll(async () => {
  await setupBackend({ backend: 'auto' });
  // A full-size MobileNetV2 with ImageNet's 1,000 classes, written in torchvision's layout as a hub file would be.
  const model = createModel(presetConfig('mobilenetv2_100', { numClasses: 1000 }), { seed: 1 });
  file = writeSafetensors(exportStateDict(model));
  model.dispose();
  server = createServer((_req, res) => res.writeHead(200, { 'content-length': String(file.length) }).end(file));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.safetensors`;
}, 120_000);
afterAll(() => new Promise((ok) => server.close(ok)));

describe('fpdb weights', () => {
  it('pull downloads once, records the sha256, verifies a kept file, and refuses a tampered one', async () => {
    const dir = join(work, 'cache');
    const sha256 = createHash('sha256').update(file).digest('hex');
    const first = await run('weights', 'pull', 'mobilenet_v2', '--url', url, '--out', dir, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ name: 'mobilenetv2_100', sha256, downloaded: true, bytes: file.length });
    expect(JSON.parse(readFileSync(join(dir, 'mobilenetv2_100.safetensors.json'), 'utf8')).sha256).toBe(sha256);
    expect(JSON.parse((await run('weights', 'pull', 'mobilenetv2_100', '--url', url, '--out', dir, '--json')).stdout).downloaded).toBe(false);
    await writeFile(join(dir, 'mobilenetv2_100.safetensors'), 'tampered');
    const tampered = await run('weights', 'pull', 'mobilenetv2_100', '--url', url, '--out', dir);
    expect([tampered.code, tampered.stderr]).toEqual([1, expect.stringContaining('FPDB_CHECKSUM')]);
    expect((await run('weights', 'pull', 'vgg16', '--out', dir)).stderr).toContain('mobilenetv2_100');
    expect((await run('weights', 'pull', 'resnet18', '--sha256', 'abc')).code).toBe(2);
  }, 120_000);

  it('import writes a checkpoint that predict uses with ImageNet gray normalisation, recording where the weights came from', async () => {
    const weights = join(work, 'mobilenet_v2.safetensors');
    await writeFile(weights, file);
    const out = join(work, 'imported');
    const r = await run('weights', 'import', weights, '--architecture', 'mobilenet_v2', '--out', out, '--task', 'brain', '--input-size', '96', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'safetensors', layout: 'torchvision', foldedStem: true, classes: 3, ignored: ['classifier.1.weight', 'classifier.1.bias'] });
    const metadata = JSON.parse(readFileSync(join(out, 'fpdb.json'), 'utf8'));
    expect(metadata.normalization).toEqual(IMAGENET_GRAY_NORMALIZATION);
    expect(metadata.pretrained).toMatchObject({ name: 'mobilenet_v2.safetensors', architecture: 'mobilenet_v2', format: 'safetensors' });
    expect(metadata.labels).toEqual({ task: 'brain', classes: ['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular'] });
    const p = await run('predict', out, join(realDir, 'Images', 'Patient00012_Plane1_16_of_16.png'), '--json');
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).classes).toHaveLength(3);
    const wrong = await run('weights', 'import', weights, '--architecture', 'resnet18', '--out', join(work, 'wrong'));
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining('FPDB_WEIGHTS_LAYOUT')]);
    expect(existsSync(join(work, 'wrong'))).toBe(false);
  }, 120_000);
});
