import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, isFpdbError } from '@fpdb/schema';
import type { ModelConfig } from '../architectures/config.js';
import { createModel } from '../model/create-model.js';
import { useCpuBackend } from '../../test/test-backend.js';
import { loadStateDict, type StateDictTensor } from './load-state-dict.js';
import { presetConfig, PRETRAINED_PRESETS, type PretrainedPresetName } from './presets.js';
import { stateDictMapping } from './state-dict-layouts.js';
import { pytorchShape, toFpdbLayout } from './convert-tensor.js';

beforeAll(useCpuBackend);

// Key → shape of the real torchvision state dicts (and timm's mobilenetv2_100), from
// scripts/make-pretrained-fixtures.py: every preset must map onto them exactly, shapes included.
const REAL = JSON.parse(readFileSync(new URL('./fixtures/real-state-dict-keys.json', import.meta.url), 'utf8')) as Record<string, { keys: Record<string, number[]> }>;

/** A random state dict in a layout, built from the mapping: what a PyTorch file of `config` holds (3-channel stem). */
function randomStateDict(config: ModelConfig, layout: 'torchvision' | 'timm', seed = 1): Map<string, StateDictTensor> {
  const model = createModel(config);
  const keys = stateDictMapping(config, layout);
  const rng = createRng(seed);
  const out = new Map<string, StateDictTensor>();
  for (const spec of model.specs) {
    const role = spec.name.endsWith('.kernel') ? (spec.shape.length === 2 ? 'dense' : spec.name.includes('.dw.') ? 'depthwise' : 'conv') : 'vector';
    const shape = pytorchShape(role, spec.shape);
    if (spec.name === 'stem.conv.kernel') shape[1] = 3;
    const n = shape.reduce((a, b) => a * b, 1);
    const positive = spec.name.endsWith('movingVariance');
    out.set(keys.get(spec.name)!, { shape, data: Float32Array.from({ length: n }, () => (positive ? rng.uniform(0.5, 1.5) : rng.normal() * 0.1)) });
  }
  model.dispose();
  return out;
}

function thrown(f: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isFpdbError(e)) return { code: e.code, message: e.message, details: e.details };
    throw e;
  }
  throw new Error('expected an FpdbError');
}

const TINY_RESNET: ModelConfig = { architecture: 'resnet', numClasses: 5, inputSize: 32, width: 2, blocks: [1, 1, 1, 1] };

describe('presets', () => {
  it('name the torchvision/timm networks and build their exact layouts', () => {
    expect(Object.keys(PRETRAINED_PRESETS)).toEqual(['resnet18', 'resnet34', 'resnet50', 'densenet121', 'densenet169', 'mobilenetv2_100']);
    expect(presetConfig('resnet50', { numClasses: 6 })).toEqual({ architecture: 'resnet', block: 'bottleneck', blocks: [3, 4, 6, 3], width: 64, stem: 'imagenet', numClasses: 6, inputSize: 224 });
    expect(presetConfig('mobilenet_v2', { numClasses: 3, inputSize: 128 })).toEqual(presetConfig('mobilenetv2_100', { numClasses: 3, inputSize: 128 }));
    // A fresh copy every time: mutating it never changes the preset.
    const c = presetConfig('densenet121', { numClasses: 2 }) as unknown as { blocks: number[] };
    c.blocks.push(1);
    expect(PRETRAINED_PRESETS.densenet121.blocks).toEqual([6, 12, 24, 16]);
  });

  it('an unknown name is FPDB_CONFIG listing the known names', () => {
    const e = thrown(() => presetConfig('resnet101', { numClasses: 6 }));
    expect(e.code).toBe('FPDB_CONFIG');
    expect(e.message).toBe('Unknown pretrained network "resnet101"; use one of resnet18, resnet34, resnet50, densenet121, densenet169, mobilenetv2_100 (or mobilenet_v2 for mobilenetv2_100).');
    expect(thrown(() => presetConfig('toString', { numClasses: 6 })).code).toBe('FPDB_CONFIG');
  });

  // The real networks' keys and shapes, checked without their hundreds of MB of weights.
  it.each(Object.keys(PRETRAINED_PRESETS) as PretrainedPresetName[])('%s maps one-to-one onto the real state dict, shapes included', (name) => {
    const config = presetConfig(name, { numClasses: 1000 });
    for (const layout of name.startsWith('mobilenet') ? (['torchvision', 'timm'] as const) : (['torchvision'] as const)) {
      const real = REAL[layout === 'timm' ? `${name}-timm` : name]!.keys;
      const model = createModel(config);
      const mapping = stateDictMapping(config, layout);
      expect([...mapping.values()].sort()).toEqual(Object.keys(real).sort());
      const tensors = new Map(Object.entries(real).map(([key, shape]) => [key, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
      expect(loadStateDict(model, tensors, { keepClassifier: true })).toMatchObject({ layout, foldedStem: true });
      model.dispose();
    }
  });
});

describe('loadStateDict', () => {
  it('converts layouts, folds the RGB stem, and leaves a fresh head by default', () => {
    const before = tf.memory().numTensors;
    const tensors = randomStateDict(TINY_RESNET, 'torchvision');
    const model = createModel(TINY_RESNET, { seed: 4 });
    const fresh = model.getWeights();
    const result = loadStateDict(model, tensors);
    expect(result.layout).toBe('torchvision');
    expect(result.ignored).toEqual(['fc.weight', 'fc.bias']);
    expect(result.loaded).toEqual(model.specs.map((s) => s.name).filter((n) => !n.startsWith('classifier.')));
    const w = model.getWeights();
    expect(w.get('classifier.kernel')).toEqual(fresh.get('classifier.kernel'));
    // conv OIHW → HWIO: fpdb [kh, kw, in, out][1, 2, 1, 0] is PyTorch [out, in, kh, kw][0, 1, 1, 2].
    const conv = tensors.get('layer2.0.conv2.weight')!; // [4, 4, 3, 3]
    expect(w.get('layer2.0.conv2.kernel')![((1 * 3 + 2) * 4 + 1) * 4 + 0]).toBe(conv.data[((0 * 4 + 1) * 3 + 1) * 3 + 2]);
    // The stem: fpdb [7, 7, 1, 2][3, 4, 0, 1] is the sum over RGB of PyTorch [2, 3, 7, 7][1, c, 3, 4].
    const stem = tensors.get('conv1.weight')!;
    const sum = [0, 1, 2].reduce((s, c) => s + stem.data[((1 * 3 + c) * 7 + 3) * 7 + 4]!, 0);
    expect(w.get('stem.conv.kernel')![(3 * 7 + 4) * 2 + 1]).toBeCloseTo(sum, 6);
    expect(w.get('stem.bn.movingVariance')).toEqual(tensors.get('bn1.running_var')!.data);
    expect(w.get('layer2.0.down.bn.gamma')).toEqual(tensors.get('layer2.0.downsample.1.weight')!.data);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the classifier on request (linear [out, in] → [in, out]) and accepts readWeights-style objects and module. prefixes', () => {
    const tensors = randomStateDict(TINY_RESNET, 'torchvision');
    const prefixed = new Map([...tensors].map(([k, v]) => [`module.${k}`, v]));
    const model = createModel(TINY_RESNET);
    loadStateDict(model, { tensors: prefixed }, { keepClassifier: true });
    const fc = tensors.get('fc.weight')!; // [5, 16]
    expect(model.getWeights().get('classifier.kernel')![3 * 5 + 2]).toBe(fc.data[2 * 16 + 3]);
    model.dispose();
  });

  it('reads timm MobileNetV2 keys (detected) and depthwise [C, 1, kh, kw] → [kh, kw, C, 1]', () => {
    const config: ModelConfig = {
      architecture: 'mobilenet-v2',
      numClasses: 4,
      inputSize: 32,
      alpha: 0.25,
      stages: [
        [1, 16, 1, 1],
        [6, 24, 2, 2],
      ],
      lastChannels: 16,
    };
    const tensors = randomStateDict(config, 'timm');
    expect([...tensors.keys()].slice(0, 8)).toEqual([
      'conv_stem.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'blocks.0.0.conv_dw.weight',
      'blocks.0.0.bn1.weight',
      'blocks.0.0.bn1.bias',
    ]);
    expect(tensors.has('blocks.1.1.conv_pwl.weight') && tensors.has('conv_head.weight') && tensors.has('classifier.weight')).toBe(true);
    const model = createModel(config);
    expect(loadStateDict(model, tensors).layout).toBe('timm');
    const dw = tensors.get('blocks.1.0.conv_dw.weight')!; // [48, 1, 3, 3]
    expect(model.getWeights().get('block2.dw.conv.kernel')![(2 * 3 + 1) * 48 + 5]).toBe(dw.data[(5 * 3 + 2) * 3 + 1]);
    expect(thrown(() => loadStateDict(model, tensors, { layout: 'torchvision' })).message).toContain('Tried layouts: torchvision.');
    model.dispose();
  });

  it('missing and unexpected keys are FPDB_WEIGHTS_LAYOUT naming a few of each and the layouts tried; the model is unchanged', () => {
    const tensors = randomStateDict(TINY_RESNET, 'torchvision');
    tensors.delete('layer3.0.conv1.weight');
    tensors.set('layer5.0.conv1.weight', { shape: [1], data: new Float32Array(1) });
    const model = createModel(TINY_RESNET);
    const weights = model.getWeights();
    const e = thrown(() => loadStateDict(model, tensors));
    expect(e.code).toBe('FPDB_WEIGHTS_LAYOUT');
    expect(e.message).toBe(
      'The state dict (62 tensors) does not match this resnet model: in the closest layout, torchvision, it has 1 missing key(s) (layer3.0.conv1.weight) and 1 unexpected key(s) (layer5.0.conv1.weight). ' +
        "Tried layouts: torchvision, timm. Build the model with the preset of the file's network (e.g. presetConfig('resnet50', { numClasses }) for resnet50 weights), or pass the file's layout as { layout }.",
    );
    expect(e.details).toMatchObject({ missing: ['layer3.0.conv1.weight'], unexpected: ['layer5.0.conv1.weight'], layouts: ['torchvision', 'timm'] });
    expect(model.getWeights()).toEqual(weights);
    // A ResNet-34 file in a ResNet-18 model: unexpected blocks.
    const deeper = randomStateDict({ ...TINY_RESNET, blocks: [1, 2, 1, 1] }, 'torchvision');
    expect(thrown(() => loadStateDict(model, deeper)).message).toMatch(/1[0-9] unexpected key\(s\) \(layer2\.1\.conv1\.weight, layer2\.1\.bn1\.weight, /);
    // A headless file with keepClassifier: say so.
    tensors.delete('layer5.0.conv1.weight');
    tensors.set('layer3.0.conv1.weight', randomStateDict(TINY_RESNET, 'torchvision').get('layer3.0.conv1.weight')!);
    tensors.delete('fc.weight');
    tensors.delete('fc.bias');
    expect(thrown(() => loadStateDict(model, tensors, { keepClassifier: true })).message).toContain('The file has no classifier: pass { keepClassifier: false }');
    expect(loadStateDict(model, tensors).ignored).toEqual([]);
    model.dispose();
  });

  it('a shape mismatch is FPDB_SHAPE naming the tensor and both shapes; a classifier of another size says what to do', () => {
    const tensors = randomStateDict({ ...TINY_RESNET, width: 3 }, 'torchvision');
    const model = createModel(TINY_RESNET);
    const e = thrown(() => loadStateDict(model, tensors));
    expect(e.code).toBe('FPDB_SHAPE');
    expect(e.message).toMatch(
      /^Tensor conv1\.weight is \[3, 3, 7, 7\] in the state dict but the model's stem\.conv\.kernel needs \[2, 1, 7, 7\] \(PyTorch order\) \(\d+ more tensor\(s\) differ: bn1\.weight, bn1\.bias, bn1\.running_mean, …/,
    );
    const wide = randomStateDict({ ...TINY_RESNET, numClasses: 1000 }, 'torchvision');
    const c = thrown(() => loadStateDict(model, wide, { keepClassifier: true }));
    expect(c).toMatchObject({ code: 'FPDB_SHAPE', details: { value: 'fc.weight', shape: [1000, 16], expected: [5, 16] } });
    expect(c.message).toBe(
      "Tensor fc.weight is [1000, 16] in the state dict but the model's classifier.kernel needs [5, 16] (PyTorch order) (1 more tensor(s) differ: fc.bias). Build the model with numClasses: 1000 to keep the file's classifier, or pass { keepClassifier: false } for a fresh head.",
    );
    expect(() => loadStateDict(model, wide)).not.toThrow();
    model.dispose();
  });

  it('the reference CNN has no PyTorch counterpart (FPDB_WEIGHTS_LAYOUT)', () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 2, inputSize: 16 });
    expect(thrown(() => loadStateDict(model, new Map())).code).toBe('FPDB_WEIGHTS_LAYOUT');
    model.dispose();
  });

  it('toFpdbLayout leaves 1-channel stems and vectors as they are and rejects other ranks', () => {
    expect(toFpdbLayout('conv', [1, 1, 1, 2], { shape: [2, 1, 1, 1], data: Float32Array.of(1, 2) })).toEqual({ values: Float32Array.of(1, 2), folded: false });
    expect(toFpdbLayout('vector', [2], { shape: [2], data: Float32Array.of(3, 4) })).toEqual({ values: Float32Array.of(3, 4), folded: false });
    expect(toFpdbLayout('dense', [2, 3], { shape: [2, 3], data: new Float32Array(6) })).toEqual({ expected: [3, 2] });
  });
});
