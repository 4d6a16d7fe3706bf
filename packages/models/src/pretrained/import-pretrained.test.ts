import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { IMAGENET_GRAY_NORMALIZATION, isFpdbError } from '@fpdb/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../checkpoint/checkpoint.js';
import { useWasmBackend } from '../../test/test-backend.js';
import { createModel } from '../model/create-model.js';
import { importPretrained } from './import-pretrained-node.js';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
// The shrunk torchvision ResNet-18 of scripts/make-pretrained-fixtures.py (same parameter names).
const SHRUNK_RESNET = { architecture: 'resnet', width: 4, blocks: [2, 2, 2, 2] } as const;

beforeAll(useWasmBackend);

const codeOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isFpdbError(e) ? e.code : e),
  );

describe('importPretrained', () => {
  it('gives the same model from .pth and safetensors, bytes or path, with provenance and ImageNet gray statistics', async () => {
    const bytes = new Uint8Array(await readFile(fixture('resnet18.safetensors')));
    const fromFile = await importPretrained(fixture('resnet18.pth'), { architecture: SHRUNK_RESNET, numClasses: 3, inputSize: 32, seed: 1 });
    const fromBytes = await importPretrained(bytes, { architecture: SHRUNK_RESNET, numClasses: 3, inputSize: 32, seed: 1, name: 'resnet18.safetensors' });
    expect(fromFile.pretrained).toMatchObject({ name: 'resnet18.pth', format: 'pytorch', architecture: 'resnet', source: fixture('resnet18.pth') });
    expect(fromBytes.pretrained).toMatchObject({ name: 'resnet18.safetensors', format: 'safetensors', source: 'bytes' });
    expect(fromBytes.pretrained.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fromFile.normalization).toEqual(IMAGENET_GRAY_NORMALIZATION);
    expect(fromFile.loaded?.foldedStem).toBe(true);
    const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    // Same weights and the same seeded head: the same logits.
    const [a, b] = [fromFile.apply(x), fromBytes.apply(x)];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    fromFile.dispose();
    fromBytes.dispose();
  });

  it('keeps the ImageNet-style head only when asked', async () => {
    const kept = await importPretrained(fixture('resnet18.safetensors'), { architecture: SHRUNK_RESNET, keepClassifier: true, numClasses: 10, inputSize: 32 });
    expect(kept.config.numClasses).toBe(10);
    expect(kept.loaded?.loaded).toContain('classifier.kernel');
    kept.dispose();
    expect(await codeOf(importPretrained(fixture('resnet18.safetensors'), { architecture: SHRUNK_RESNET, keepClassifier: true, numClasses: 4, inputSize: 32 }))).toBe('FPDB_SHAPE');
  });

  it('fine-tunes from an fpdb checkpoint folder: its network and weights, a new head for other classes', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'fpdb-import-')), 'ckpt');
    const source = createModel({ architecture: 'resnet', numClasses: 6, inputSize: 16, width: 4, blocks: [1], stem: 'compact' }, { seed: 2 });
    await saveCheckpoint(dir, { model: source, labels: { task: 'planes', classes: ['a', 'b', 'c', 'd', 'e', 'f'] }, normalization: 'symmetric' });
    const tuned = await importPretrained(dir, { numClasses: 3 });
    expect([tuned.config.numClasses, tuned.pretrained.format, tuned.normalization]).toEqual([3, 'fpdb-checkpoint', 'symmetric']);
    expect(tuned.getWeights().get('stem.conv.kernel')).toEqual(source.getWeights().get('stem.conv.kernel'));
    expect(tuned.getWeights().get('classifier.kernel')!.length).toBe(4 * 3);
    source.dispose();
    tuned.dispose();
  });

  it('refuses what is not weights, and a file without its network, with coded errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-import-'));
    await writeFile(join(dir, 'notes.pth'), 'not weights at all, just some text');
    expect(await codeOf(importPretrained(join(dir, 'notes.pth'), { architecture: 'resnet18', numClasses: 6 }))).toBe('FPDB_WEIGHTS_FORMAT');
    expect(await codeOf(importPretrained(join(dir, 'missing.pth'), { architecture: 'resnet18', numClasses: 6 }))).toBe('FPDB_WEIGHTS_FORMAT');
    expect(await codeOf(importPretrained(dir, { numClasses: 6 }))).toBe('FPDB_WEIGHTS_FORMAT');
    expect(await codeOf(importPretrained(fixture('resnet18.pth'), { numClasses: 6 }))).toBe('FPDB_INVALID_ARGUMENT');
    expect(await codeOf(importPretrained(fixture('resnet18.pth'), { architecture: 'vgg16', numClasses: 6 }))).toBe('FPDB_CONFIG');
    // Full-size ResNet-18 against the shrunk file: keys match, shapes do not.
    expect(await codeOf(importPretrained(fixture('resnet18.pth'), { architecture: 'resnet18', numClasses: 6, inputSize: 32 }))).toBe('FPDB_SHAPE');
    expect(await codeOf(importPretrained(fixture('densenet121.pth'), { architecture: 'resnet18', numClasses: 6, inputSize: 32 }))).toBe('FPDB_WEIGHTS_LAYOUT');
  });
});

describe('exportStateDict', () => {
  it('round-trips through safetensors and importPretrained to the same logits (RGB stem spread, then folded back)', async () => {
    const { exportStateDict } = await import('./export-state-dict.js');
    const { writeSafetensors } = await import('../weights/write-safetensors.js');
    const config = { ...SHRUNK_RESNET, numClasses: 4, inputSize: 32 } as const;
    const source = createModel(config, { seed: 9 });
    const state = exportStateDict(source);
    expect(state.get('conv1.weight')!.shape).toEqual([4, 3, 7, 7]);
    expect(state.get('fc.weight')!.shape).toEqual([4, 32]);
    const back = await importPretrained(writeSafetensors(state), { architecture: SHRUNK_RESNET, keepClassifier: true, numClasses: 4, inputSize: 32 });
    const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const [a, b] = [source.apply(x), back.apply(x)];
    const [va, vb] = [a.dataSync(), b.dataSync()];
    va.forEach((v, i) => expect(vb[i]).toBeCloseTo(v, 5));
    tf.dispose([x, a, b]);
    source.dispose();
    back.dispose();
  });
});
