import { describe, expect, it } from 'vitest';
import { parseRecord } from './parse-record.js';
import { brainSpace, fineSpace, labelSpace, planesSpace } from './label-space.js';

const record = (plane: string, brainPlane: string, n: number) =>
  parseRecord({ Image_name: `Patient00001_Plane${n}_1_of_1`, Patient_num: '1', Plane: plane, Brain_plane: brainPlane, Operator: 'Other', US_Machine: 'Aloka', Train: '1' });

describe('label spaces', () => {
  const tt = record('Fetal brain', 'Trans-thalamic', 3);
  const brainOther = record('Fetal brain', 'Other', 3);
  const femur = record('Fetal femur', 'Not A Brain', 5);

  it('maps names and indices both ways in tuple order', () => {
    for (const space of [planesSpace, brainSpace, fineSpace]) {
      space.classes.forEach((name, i) => {
        expect(space.indexOf(name)).toBe(i);
        expect(space.classAt(i)).toBe(name);
      });
    }
    expect(planesSpace.classes).toHaveLength(6);
    expect(brainSpace.classes).toEqual(['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular']);
    expect(fineSpace.classes).toHaveLength(8);
  });

  it('says which records belong to each task', () => {
    expect(planesSpace.labelOf(tt)).toBe(1);
    expect(brainSpace.labelOf(tt)).toBe(0);
    expect(fineSpace.nameOf(tt)).toBe('Trans-thalamic');
    expect(brainSpace.includes(brainOther)).toBe(false);
    expect(fineSpace.includes(brainOther)).toBe(false);
    expect(planesSpace.includes(brainOther)).toBe(true);
    expect(brainSpace.includes(femur)).toBe(false);
    expect(fineSpace.nameOf(femur)).toBe('Fetal femur');
    expect(() => brainSpace.labelOf(femur)).toThrowError(expect.objectContaining({ code: 'FPDB_LABEL' }) as unknown as Error);
  });

  it('rejects unknown names, indices and tasks', () => {
    expect(() => planesSpace.indexOf('fetal brain')).toThrow(/not a class/);
    expect(() => planesSpace.classAt(6)).toThrow(/out of range/);
    expect(() => labelSpace('organs')).toThrow(/Unknown task/);
    expect(labelSpace('fine')).toBe(fineSpace);
  });
});
