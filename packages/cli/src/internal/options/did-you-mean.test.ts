import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('didYouMean', () => {
  it('finds a typo, a transposition, a missing letter and a unique prefix', () => {
    expect(editDistance('trian', 'train')).toBe(1);
    expect(didYouMean('trian', ['train', 'predict', 'stats'])).toBe('train');
    expect(didYouMean('epoch', ['epochs', 'seed'])).toBe('epochs');
    expect(didYouMean('pred', ['predict', 'train'])).toBe('predict');
    expect(didYouMean('learning-rat', ['learning-rate', 'label-smoothing'])).toBe('learning-rate');
  });

  it('suggests nothing when nothing is close', () => {
    expect(didYouMean('banana', ['train', 'predict', 'stats'])).toBeUndefined();
    expect(didYouMean('x', ['train'])).toBeUndefined();
  });
});
