import { IMAGENET_GRAY_NORMALIZATION } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, experimentPreprocess, resolveExperimentConfig } from './experiment-config.js';

describe('resolveExperimentConfig', () => {
  it('fills the defaults: a from-scratch reference CNN at 128², unit normalisation', () => {
    const c = resolveExperimentConfig({});
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(experimentPreprocess(c)).toEqual({ height: 128, width: 128, policy: 'pad', normalization: 'unit' });
  });

  it('a pretrained network name implies its architecture, 224² and ImageNet gray statistics', () => {
    const c = resolveExperimentConfig({ pretrained: 'mobilenet_v2', freezeEpochs: 1, backboneLrMultiplier: 0.1 });
    expect([c.pretrained, c.architecture, c.inputSize]).toEqual(['mobilenetv2_100', 'mobilenetv2_100', 224]);
    expect(experimentPreprocess(c).normalization).toEqual(IMAGENET_GRAY_NORMALIZATION);
    // What the user says wins.
    expect(resolveExperimentConfig({ pretrained: 'resnet18', inputSize: 160, normalization: 'unit' })).toMatchObject({ inputSize: 160, normalization: 'unit' });
  });

  it('a weights file needs its network; a checkpoint folder keeps the size it is given', () => {
    expect(() => resolveExperimentConfig({ pretrained: 'weights/resnet50.pth' })).toThrow(/architecture to its network/);
    expect(resolveExperimentConfig({ pretrained: 'w.safetensors', architecture: 'densenet121' })).toMatchObject({ architecture: 'densenet121', inputSize: 224 });
    const fromRun = resolveExperimentConfig({ pretrained: 'runs/pretrain/checkpoints/best', architecture: 'resnet', inputSize: 64 });
    expect([fromRun.inputSize, fromRun.normalization]).toEqual([64, undefined]);
  });

  it("takes workers: 'auto' (train() picks the number, the run records it)", () => {
    expect(resolveExperimentConfig({ workers: 'auto' }).workers).toBe('auto');
  });

  it.each([
    [{ pretrained: 'resnet18', architecture: 'densenet121' }, /resnet18's weights but architecture is densenet121/],
    [{ architecture: 'vgg16' }, /architecture must be reference-cnn \| resnet \| mobilenet-v2 \| densenet \| resnet18/],
    [{ freezeEpochs: -1 }, /freezeEpochs must be an integer ≥ 0/],
    [{ backboneLrMultiplier: 0 }, /backboneLrMultiplier must be a positive number/],
    [{ normalization: { mean: 0.5, std: 0 } }, /normalization must be/],
    [{ sampling: 'random' }, /sampling must be sequential \| balanced/],
    [{ workers: 'many' }, /workers must be an integer ≥ 0 or 'auto'/],
    [{ workers: 1.5 }, /workers must be an integer ≥ 0 or 'auto'/],
  ])('refuses %j with an FPDB_CONFIG naming the key', (partial, message) => {
    expect(() => resolveExperimentConfig(partial as never)).toThrow(message);
  });
});
