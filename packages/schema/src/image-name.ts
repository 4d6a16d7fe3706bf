import { FpdbError } from './errors.js';

/** The release's image-name pattern. Anything else is rejected, so no name can leave `Images/`. */
export const IMAGE_NAME_PATTERN = /^Patient(\d{5})_Plane(\d+)_(\d+)_of_(\d+)$/;

/** The parts encoded in an image name. */
export interface ImageNameParts {
  patientId: number;
  planeNumber: number;
  frame: number;
  frames: number;
}

/**
 * Parses `PatientNNNNN_PlaneN_M_of_K` (no extension). Returns undefined when the name does not
 * match the release's pattern (a path separator, `..`, an extension or any other character).
 */
export function safeParseImageName(name: string): ImageNameParts | undefined {
  const m = IMAGE_NAME_PATTERN.exec(name);
  if (!m) return undefined;
  return { patientId: Number(m[1]), planeNumber: Number(m[2]), frame: Number(m[3]), frames: Number(m[4]) };
}

/**
 * Parses an image name, throwing `FPDB_IMAGE_NAME` when it is not of the release's pattern.
 * @throws FpdbError FPDB_IMAGE_NAME
 * @example parseImageName('Patient00001_Plane1_1_of_15') // { patientId: 1, planeNumber: 1, frame: 1, frames: 15 }
 */
export function parseImageName(name: string): ImageNameParts {
  const parts = safeParseImageName(name);
  if (!parts) {
    throw new FpdbError(
      'FPDB_IMAGE_NAME',
      `Image name ${JSON.stringify(name)} is not of the form PatientNNNNN_PlaneN_M_of_K. Names are used as file names under Images/, so nothing else is accepted.`,
      { details: { value: name } },
    );
  }
  return parts;
}

/** Formats the parts back to a name: `formatImageName({patientId: 1, planeNumber: 1, frame: 1, frames: 15})`. */
export function formatImageName(parts: ImageNameParts): string {
  return `Patient${String(parts.patientId).padStart(5, '0')}_Plane${parts.planeNumber}_${parts.frame}_of_${parts.frames}`;
}
