import { describe, expect, it } from 'vitest';
import type { FpdbError } from './errors.js';
import { formatImageName, parseImageName, safeParseImageName } from './image-name.js';

describe('image names', () => {
  it('parses the release pattern and formats it back', () => {
    const parts = parseImageName('Patient00001_Plane1_1_of_15');
    expect(parts).toEqual({ patientId: 1, planeNumber: 1, frame: 1, frames: 15 });
    expect(formatImageName(parts)).toBe('Patient00001_Plane1_1_of_15');
  });

  it.each([
    '../Patient00001_Plane1_1_of_15',
    'Patient00001_Plane1_1_of_15.png',
    'Images/Patient00001_Plane1_1_of_15',
    'Patient00001_Plane1_1_of_15\\x',
    'Patient0001_Plane1_1_of_15',
    'Patient00001_Plane1_1_of_15 ',
    '',
    '..',
  ])('refuses %j', (name) => {
    expect(safeParseImageName(name)).toBeUndefined();
    expect(() => parseImageName(name)).toThrowError(expect.objectContaining({ code: 'FPDB_IMAGE_NAME' }) as unknown as FpdbError);
  });
});
