import { describe, expect, it } from 'vitest';
import { accuracy, f1 } from './index.js';
import { groupBy } from './group-by.js';

describe('groupBy', () => {
  const yTrue = [0, 1, 2, 0, 1, 2, 0, 1];
  const yPred = [0, 1, 2, 1, 1, 0, 0, 2];
  const machine = ['Aloka', 'Aloka', 'Aloka', 'Voluson E6', 'Voluson E6', 'Voluson S10', 'Voluson S10', 'Voluson S10'];

  it('computes the metric on each group, sorted by key', () => {
    const r = groupBy(machine, { yTrue, yPred }, (s) => accuracy(s.yTrue, s.yPred));
    expect(r).toEqual([
      { group: 'Aloka', count: 3, value: 1 },
      { group: 'Voluson E6', count: 2, value: 0.5 },
      { group: 'Voluson S10', count: 3, value: 1 / 3 },
    ]);
  });

  it('passes subsets ready for the metric functions, with K of the whole problem', () => {
    const r = groupBy(machine, { yTrue, yPred, classes: ['a', 'b', 'c'] }, (s) => {
      expect(s.numClasses).toBe(3);
      expect(s.classes).toEqual(['a', 'b', 'c']);
      return f1(s.yTrue, s.yPred, { average: null, numClasses: s.numClasses });
    });
    expect(r[1]!.value).toEqual([0, 2 / 3, 0]);
  });

  it('honours an explicit order and derives predictions from probabilities', () => {
    const yProb = yPred.map((p) => [0, 1, 2].map((c) => (c === p ? 0.8 : 0.1)));
    const r = groupBy(machine, { yTrue, yProb }, (s) => accuracy(s.yTrue, s.yPred), { order: ['Voluson S10', 'Aloka'] });
    expect(r.map((g) => g.group)).toEqual(['Voluson S10', 'Aloka', 'Voluson E6']);
    expect(r[0]!.value).toBeCloseTo(1 / 3, 12);
  });

  it('needs one key per sample', () => {
    expect(() => groupBy(['a'], { yTrue, yPred }, () => 0)).toThrow(/keys has 1 samples but yTrue has 8/);
  });
});
