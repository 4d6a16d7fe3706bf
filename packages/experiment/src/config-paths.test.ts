import { describe, expect, it } from 'vitest';
import { resolveConfigPaths } from './config-paths.js';

describe('resolveConfigPaths', () => {
  it('resolves data, out, synth.dir and a pretrained file against the base; names and absolute paths stay', () => {
    const c = resolveConfigPaths({ data: 'release', out: 'runs/a', synth: { images: 24, seed: 1, width: 8, height: 8, dir: 'synth' }, pretrained: 'w/resnet18.pth' }, '/exp');
    expect(c).toMatchObject({ data: '/exp/release', out: '/exp/runs/a', synth: { dir: '/exp/synth' }, pretrained: '/exp/w/resnet18.pth' });
    expect(resolveConfigPaths({ pretrained: 'mobilenet_v2', data: '/data/FPDB' }, '/exp')).toEqual({ pretrained: 'mobilenet_v2', data: '/data/FPDB' });
  });
});
