import * as tf from '@tensorflow/tfjs-core';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/test-backend.js';
import { predict } from '../inference/predict.js';
import { createModel, type Model } from '../model/create-model.js';
import { createOptimizer } from '../training/optimizer.js';
import type { CheckpointFiles } from './checkpoint-reader.js';
import { loadCheckpoint as loadFromFolder, saveCheckpoint } from './checkpoint.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { CHECKPOINT_FILES } from './read-checkpoint.js';
import type { WeightsManifestFile } from './weights-manifest.js';

const config = { architecture: 'resnet', numClasses: 3, inputSize: 16, width: 4, blocks: [1, 1], stem: 'compact' } as const;
const labels = { task: null, classes: ['x', 'y', 'z'] };

let root: string;
let server: Server;
let origin: string;
/** Paths the server was asked for, in order. */
const requests: string[] = [];
/** Served instead of the file: path → [status, body]. */
const overrides = new Map<string, [number, Uint8Array | string]>();

async function filesOf(dir: string): Promise<CheckpointFiles> {
  const names = await readdir(dir);
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, new Uint8Array(await readFile(join(dir, name)))] as const)));
}

const codeOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'fpdb-load-'));
  const model = createModel(config, { seed: 3 });
  const opt = createOptimizer('adam');
  const grads = new Map(model.trainableNames.map((n) => [n, tf.onesLike(model.variables.get(n)!)]));
  opt.apply(model.variables, grads, 0.01);
  tf.dispose([...grads.values()]);
  await saveCheckpoint(join(root, 'best'), {
    model,
    labels,
    normalization: { mean: 0.2, std: 0.3 },
    resize: 'pad',
    epoch: 1,
    optimizer: opt.getState(),
    training: { epochsDone: 1, globalStep: 1, bestEpoch: 1, bestScore: 0.5, sinceBest: 0, history: [] },
  });
  await saveCheckpoint(join(root, 'plain'), { model, labels });
  model.dispose();
  opt.dispose();
  // A static file server over `root`, as a page's host would be.
  server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname);
    requests.push(path);
    const override = overrides.get(path);
    if (override) {
      response.writeHead(override[0]).end(override[1]);
      return;
    }
    readFile(join(root, path)).then(
      (bytes) => response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes),
      () => response.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

async function probabilities(model: Model): Promise<Float32Array> {
  const x = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, 2 * 16 * 16), [2, 16, 16, 1])) as tf.Tensor4D);
  const result = await predict(model, x);
  x.dispose();
  return result.probabilities;
}

describe('loadCheckpoint from a URL or from bytes', () => {
  it('gives the same model, metadata, optimizer state and predictions as from the folder', async () => {
    const fromFolder = await loadFromFolder(join(root, 'best'));
    const fromBytes = await loadCheckpoint(await filesOf(join(root, 'best')));
    const fromUrl = await loadCheckpoint(`${origin}/best`);
    const fromModelJsonUrl = await loadCheckpoint(new URL(`${origin}/best/model.json`));
    const want = await probabilities(fromFolder.model);
    for (const loaded of [fromBytes, fromUrl, fromModelJsonUrl]) {
      expect(loaded.model.getWeights()).toEqual(fromFolder.model.getWeights());
      expect(loaded.metadata).toEqual(fromFolder.metadata);
      expect(loaded.optimizer?.slots).toEqual(fromFolder.optimizer?.slots);
      expect(await probabilities(loaded.model)).toEqual(want);
      loaded.model.dispose();
    }
    fromFolder.model.dispose();
    expect(requests).toContain('/best/fpdb.json');
  });

  it('resolves a relative URL against the page, and the Node entry reads a file: URL as a folder', async () => {
    const page = globalThis as { location?: { href: string } };
    page.location = { href: `${origin}/app/index.html` };
    try {
      const loaded = await loadCheckpoint('../plain/');
      expect(loaded.metadata.labels).toEqual(labels);
      expect(loaded.optimizer).toBeUndefined();
      loaded.model.dispose();
    } finally {
      delete page.location;
    }
    // Without training state fpdb saves no optimizer: over HTTP it is not asked for (no 404 in a page's console).
    expect(requests.filter((r) => r.startsWith('/plain/'))).not.toContain(`/plain/${CHECKPOINT_FILES.optimizer}`);
    const fromFileUrl = await loadFromFolder(pathToFileURL(join(root, 'plain')));
    expect(fromFileUrl.metadata.labels).toEqual(labels);
    fromFileUrl.model.dispose();
  });

  it('accepts picked files whose names carry their folder, and takes the optional files as absent', async () => {
    const files = Object.fromEntries(Object.entries(await filesOf(join(root, 'plain'))).map(([name, bytes]) => [`plain/${name}`, bytes]));
    const loaded = await loadCheckpoint(files);
    expect(loaded.optimizer).toBeUndefined();
    loaded.model.dispose();
    const twice = { ...files, [`other/${CHECKPOINT_FILES.model}`]: files[`plain/${CHECKPOINT_FILES.model}`]! };
    expect(await codeOf(loadCheckpoint(twice))).toMatchObject({ code: 'FPDB_INVALID_ARGUMENT' });
  });

  it('a 404 is a coded error naming the URL and the status', async () => {
    const error = await codeOf(loadCheckpoint(`${origin}/nothing-here/`));
    expect(error).toMatchObject({ code: 'FPDB_CHECKPOINT', details: { file: `${origin}/nothing-here/fpdb.json`, status: 404 } });
    expect((error as Error).message).toContain(`${origin}/nothing-here/fpdb.json answered HTTP 404`);
    overrides.set('/best/group1-shard1of1.bin', [500, 'boom']);
    try {
      expect(await codeOf(loadCheckpoint(`${origin}/best/`))).toMatchObject({ code: 'FPDB_CHECKPOINT', details: { status: 500 } });
    } finally {
      overrides.clear();
    }
  });

  it('a truncated shard is a coded error, from a URL and from bytes', async () => {
    const files = await filesOf(join(root, 'plain'));
    const short = files[CHECKPOINT_FILES.shard]!.subarray(0, 100);
    expect(await codeOf(loadCheckpoint({ ...files, [CHECKPOINT_FILES.shard]: short }))).toMatchObject({ code: 'FPDB_CHECKPOINT', message: expect.stringContaining('truncated') });
    overrides.set(`/plain/${CHECKPOINT_FILES.shard}`, [200, short]);
    try {
      expect(await codeOf(loadCheckpoint(`${origin}/plain/`))).toMatchObject({ code: 'FPDB_CHECKPOINT', message: expect.stringContaining('truncated') });
    } finally {
      overrides.clear();
    }
  });

  it('refuses a missing file, NaN weights, bad metadata and a shard outside the folder, reading nothing there', async () => {
    const files = await filesOf(join(root, 'plain'));
    const { [CHECKPOINT_FILES.shard]: _shard, ...noShard } = files;
    expect(await codeOf(loadCheckpoint(noShard))).toMatchObject({ code: 'FPDB_CHECKPOINT', details: { file: CHECKPOINT_FILES.shard } });
    const nan = new Float32Array(files[CHECKPOINT_FILES.shard]!.slice().buffer);
    nan[5] = Number.POSITIVE_INFINITY;
    expect(await codeOf(loadCheckpoint({ ...files, [CHECKPOINT_FILES.shard]: new Uint8Array(nan.buffer) }))).toMatchObject({
      code: 'FPDB_CHECKPOINT',
      message: expect.stringContaining('Infinity at index 5'),
    });
    const metadata = JSON.parse(new TextDecoder().decode(files[CHECKPOINT_FILES.metadata]));
    const bad = new TextEncoder().encode(JSON.stringify({ ...metadata, normalization: { mean: 0, std: 0 } }));
    expect(await codeOf(loadCheckpoint({ ...files, [CHECKPOINT_FILES.metadata]: bad }))).toMatchObject({ code: 'FPDB_CHECKPOINT', message: expect.stringContaining('preprocessing') });
    const manifest = JSON.parse(new TextDecoder().decode(files[CHECKPOINT_FILES.model])) as WeightsManifestFile;
    for (const path of ['../best/group1-shard1of1.bin', `${origin}/best/group1-shard1of1.bin`, '/best/group1-shard1of1.bin']) {
      manifest.weightsManifest[0]!.paths = [path];
      const escaping = new TextEncoder().encode(JSON.stringify(manifest));
      expect(await codeOf(loadCheckpoint({ ...files, [CHECKPOINT_FILES.model]: escaping }))).toMatchObject({ code: 'FPDB_PATH_ESCAPE' });
      overrides.set(`/plain/${CHECKPOINT_FILES.model}`, [200, escaping]);
      requests.length = 0;
      try {
        expect(await codeOf(loadCheckpoint(`${origin}/plain/`))).toMatchObject({ code: 'FPDB_PATH_ESCAPE' });
      } finally {
        overrides.clear();
      }
      expect(requests.filter((r) => r.startsWith('/best'))).toEqual([]);
    }
  });

  it('a failed request is FPDB_NETWORK; a source that is neither URL nor files is FPDB_INVALID_ARGUMENT', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await codeOf(loadCheckpoint(`http://127.0.0.1:${port}/best/`))).toMatchObject({ code: 'FPDB_NETWORK' });
    expect(await codeOf(loadCheckpoint('relative/without/a/page/'))).toMatchObject({ code: 'FPDB_INVALID_ARGUMENT' });
    expect(await codeOf(loadCheckpoint(42 as unknown as string))).toMatchObject({ code: 'FPDB_INVALID_ARGUMENT' });
    expect(await codeOf(loadCheckpoint({ 'model.json': 'text' } as unknown as CheckpointFiles))).toMatchObject({ code: 'FPDB_INVALID_ARGUMENT' });
  });

  it('leaves no tensors behind on success or failure', async () => {
    const files = await filesOf(join(root, 'plain'));
    const before = tf.memory().numTensors;
    const loaded = await loadCheckpoint(files);
    loaded.model.dispose();
    await codeOf(loadCheckpoint({ ...files, [CHECKPOINT_FILES.shard]: files[CHECKPOINT_FILES.shard]!.subarray(0, 100) }));
    expect(tf.memory().numTensors).toBe(before);
  });
});
