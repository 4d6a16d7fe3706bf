import { describe, expect, it } from 'vitest';
import { FpdbError } from './errors.js';
import { parseRecord, safeParseRecord } from './parse-record.js';

const row = {
  Image_name: 'Patient00001_Plane1_1_of_15',
  Patient_num: '1',
  Plane: 'Other',
  Brain_plane: 'Not A Brain',
  Operator: 'Other',
  US_Machine: 'Aloka',
  Train: '1 ',
};

describe('parseRecord', () => {
  it('reads a real row, trimming the release\'s "1 " split value', () => {
    expect(parseRecord(row)).toEqual({
      imageName: 'Patient00001_Plane1_1_of_15',
      patientId: 1,
      plane: 'Other',
      brainPlane: 'Not A Brain',
      operator: 'Other',
      usMachine: 'Aloka',
      split: 'train',
      planeNumber: 1,
      frame: 1,
      frames: 15,
    });
    expect(parseRecord({ ...row, Train: '0' }).split).toBe('test');
  });

  it.each([
    [{ Plane: 'fetal brain' }, 'FPDB_CSV_VALUE', 'Plane'],
    [{ Brain_plane: 'TT' }, 'FPDB_CSV_VALUE', 'Brain_plane'],
    [{ Operator: 'Op 1' }, 'FPDB_CSV_VALUE', 'Operator'],
    [{ US_Machine: 'Voluson' }, 'FPDB_CSV_VALUE', 'US_Machine'],
    [{ Train: '2' }, 'FPDB_CSV_VALUE', 'Train'],
    [{ Patient_num: 'x1' }, 'FPDB_CSV_VALUE', 'Patient_num'],
    [{ Patient_num: '2' }, 'FPDB_CSV_MISMATCH', 'Patient_num'],
    [{ Plane: 'Fetal femur' }, 'FPDB_CSV_MISMATCH', 'Plane'],
    [{ Brain_plane: 'Trans-thalamic' }, 'FPDB_CSV_MISMATCH', 'Brain_plane'],
    [{ Image_name: '../../etc/passwd' }, 'FPDB_IMAGE_NAME', 'Image_name'],
    [{ Image_name: 'Patient00001_Plane9_1_of_15' }, 'FPDB_IMAGE_NAME', 'Image_name'],
    [{ Image_name: 'Patient00001_Plane1_16_of_15' }, 'FPDB_IMAGE_NAME', 'Image_name'],
    [{ Image_name: undefined }, 'FPDB_CSV_COLUMNS', 'Image_name'],
  ])('reports %j as %s on column %s', (change, code, column) => {
    const result = safeParseRecord({ ...row, ...change });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual(expect.objectContaining({ code, column }));
    expect(() => parseRecord({ ...row, ...change })).toThrow(FpdbError);
  });

  it('requires a brain plane on brain images', () => {
    const brain = { ...row, Image_name: 'Patient00001_Plane3_1_of_2', Plane: 'Fetal brain' };
    expect(safeParseRecord(brain)).toMatchObject({ ok: false, issues: [expect.objectContaining({ code: 'FPDB_CSV_MISMATCH', column: 'Brain_plane' })] });
    expect(parseRecord({ ...brain, Brain_plane: 'Trans-cerebellum' }).brainPlane).toBe('Trans-cerebellum');
  });

  it('collects every problem of a row, not only the first', () => {
    const result = safeParseRecord({ ...row, Plane: 'x', Operator: 'y', US_Machine: 'z' });
    expect(result.ok ? [] : result.issues.map((i) => i.column)).toEqual(['Plane', 'Operator', 'US_Machine']);
  });
});
