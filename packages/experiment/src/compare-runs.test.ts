import { describe, expect, it } from 'vitest';
import { configDifferences } from './compare-runs.js';

describe('configDifferences', () => {
  it('lists the keys whose values differ, nested keys by dotted path, ignoring the output folder', () => {
    const a = { out: 'runs/a', epochs: 2, learningRate: 0.001, synth: { images: 60, seed: 1 }, augment: 'default' };
    const b = { out: 'runs/b', epochs: 2, learningRate: 0.003, synth: { images: 60, seed: 2 }, widths: [8, 16] };
    expect(configDifferences([a, b])).toEqual([
      { key: 'augment', values: ['default', undefined] },
      { key: 'learningRate', values: [0.001, 0.003] },
      { key: 'synth.seed', values: [1, 2] },
      { key: 'widths', values: [undefined, [8, 16]] },
    ]);
    expect(configDifferences([a, { ...a, out: 'elsewhere' }])).toEqual([]);
  });
});
