import { FpdbError } from './errors.js';
import { safeParseImageName } from './image-name.js';
import type { SafeParseResult, ValidationIssue } from './issue.js';
import type { FpdbRecord, RawRecord } from './record.js';
import { BRAIN_PLANES, CSV_COLUMNS, OPERATORS, PLANES, PLANE_BY_NUMBER, US_MACHINES, type BrainPlane, type Operator, type Plane, type Split, type UsMachine } from './vocabulary.js';

function oneOf<T extends string>(vocab: readonly T[], raw: string): T | undefined {
  return (vocab as readonly string[]).includes(raw) ? (raw as T) : undefined;
}

/**
 * Validates one raw CSV row (column name → string). Values are trimmed first, so the release's
 * `1 `/`0 ` split values and copies "cleaned" of them both pass. Every problem is reported, with
 * its column, not only the first: unknown labels, a bad patient number, an image name outside the
 * release's pattern, and name ↔ column mismatches (patient number, PlaneN ↔ Plane, brain plane only
 * on brain images).
 *
 * @example
 * safeParseRecord({ Image_name: 'Patient00001_Plane1_1_of_15', Patient_num: '1', Plane: 'Other',
 *   Brain_plane: 'Not A Brain', Operator: 'Other', US_Machine: 'Aloka', Train: '1 ' })
 */
export function safeParseRecord(raw: RawRecord): SafeParseResult<FpdbRecord> {
  const issues: ValidationIssue[] = [];
  const get = (column: string): string | undefined => raw[column]?.trim();

  for (const column of CSV_COLUMNS) {
    if (get(column) === undefined) {
      issues.push({ code: 'FPDB_CSV_COLUMNS', column, message: `Column ${column} is missing from this row.` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };

  const imageName = get('Image_name')!;
  const patientRaw = get('Patient_num')!;
  const planeRaw = get('Plane')!;
  const brainRaw = get('Brain_plane')!;
  const operatorRaw = get('Operator')!;
  const machineRaw = get('US_Machine')!;
  const splitRaw = get('Train')!;

  const parts = safeParseImageName(imageName);
  if (!parts) {
    issues.push({
      code: 'FPDB_IMAGE_NAME',
      column: 'Image_name',
      value: imageName,
      message: `Image_name ${JSON.stringify(imageName)} is not of the form PatientNNNNN_PlaneN_M_of_K; names with a path separator, "..", an extension or other characters are refused.`,
    });
  }
  const patientId = /^\d+$/.test(patientRaw) ? Number(patientRaw) : Number.NaN;
  if (!Number.isInteger(patientId) || patientId < 1) {
    issues.push({
      code: 'FPDB_CSV_VALUE',
      column: 'Patient_num',
      value: patientRaw,
      message: `Patient_num ${JSON.stringify(patientRaw)} is not a positive integer.`,
    });
  }
  const vocabIssue = (column: string, value: string, vocab: readonly string[]): void => {
    issues.push({
      code: 'FPDB_CSV_VALUE',
      column,
      value,
      message: `${column} ${JSON.stringify(value)} is not one of ${vocab.map((v) => JSON.stringify(v)).join(', ')} (spellings are case-sensitive).`,
    });
  };
  const plane = oneOf<Plane>(PLANES, planeRaw);
  if (!plane) vocabIssue('Plane', planeRaw, PLANES);
  const brainPlane = oneOf<BrainPlane>(BRAIN_PLANES, brainRaw);
  if (!brainPlane) vocabIssue('Brain_plane', brainRaw, BRAIN_PLANES);
  const operator = oneOf<Operator>(OPERATORS, operatorRaw);
  if (!operator) vocabIssue('Operator', operatorRaw, OPERATORS);
  const usMachine = oneOf<UsMachine>(US_MACHINES, machineRaw);
  if (!usMachine) vocabIssue('US_Machine', machineRaw, US_MACHINES);
  let split: Split | undefined;
  if (splitRaw === '1') split = 'train';
  else if (splitRaw === '0') split = 'test';
  else {
    issues.push({ code: 'FPDB_CSV_VALUE', column: 'Train', value: raw.Train, message: `Train ${JSON.stringify(raw.Train)} is neither 1 (train) nor 0 (test).` });
  }

  if (parts) {
    if (Number.isInteger(patientId) && parts.patientId !== patientId) {
      issues.push({
        code: 'FPDB_CSV_MISMATCH',
        column: 'Patient_num',
        value: patientRaw,
        message: `Patient_num ${patientRaw} disagrees with the image name ${imageName} (patient ${parts.patientId}).`,
      });
    }
    const namedPlane = PLANE_BY_NUMBER[parts.planeNumber];
    if (!namedPlane) {
      issues.push({ code: 'FPDB_IMAGE_NAME', column: 'Image_name', value: imageName, message: `Plane${parts.planeNumber} in ${imageName} is not a plane number (1–6).` });
    } else if (plane && namedPlane !== plane) {
      issues.push({
        code: 'FPDB_CSV_MISMATCH',
        column: 'Plane',
        value: planeRaw,
        message: `Plane ${JSON.stringify(planeRaw)} disagrees with the image name ${imageName} (Plane${parts.planeNumber} is ${JSON.stringify(namedPlane)}).`,
      });
    }
    if (parts.frame < 1 || parts.frames < 1 || parts.frame > parts.frames) {
      issues.push({ code: 'FPDB_IMAGE_NAME', column: 'Image_name', value: imageName, message: `Frame ${parts.frame}_of_${parts.frames} in ${imageName} is out of range.` });
    }
  }
  if (plane && brainPlane) {
    if (plane === 'Fetal brain' && brainPlane === 'Not A Brain') {
      issues.push({
        code: 'FPDB_CSV_MISMATCH',
        column: 'Brain_plane',
        value: brainRaw,
        message: `A Fetal brain image has Brain_plane "Not A Brain"; expected Trans-thalamic, Trans-cerebellum, Trans-ventricular or Other.`,
      });
    } else if (plane !== 'Fetal brain' && brainPlane !== 'Not A Brain') {
      issues.push({
        code: 'FPDB_CSV_MISMATCH',
        column: 'Brain_plane',
        value: brainRaw,
        message: `Brain_plane ${JSON.stringify(brainRaw)} on a ${plane} image; only Fetal brain images carry a brain plane (others are "Not A Brain").`,
      });
    }
  }

  if (issues.length > 0 || !parts || !plane || !brainPlane || !operator || !usMachine || !split) {
    return { ok: false, issues };
  }
  return {
    ok: true,
    value: { imageName, patientId, plane, brainPlane, operator, usMachine, split, planeNumber: parts.planeNumber, frame: parts.frame, frames: parts.frames },
  };
}

/**
 * Validates one raw CSV row and returns the typed record.
 * @throws FpdbError with the first issue's code; `details.issues` holds them all.
 */
export function parseRecord(raw: RawRecord): FpdbRecord {
  const result = safeParseRecord(raw);
  if (result.ok) return result.value;
  const first = result.issues[0]!;
  throw new FpdbError(first.code, result.issues.map((i) => i.message).join(' '), {
    details: { column: first.column, value: first.value, issues: result.issues },
  });
}
