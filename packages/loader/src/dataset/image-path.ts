import { lstat, realpath } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { FpdbError, IMAGE_NAME_PATTERN, IMAGES_DIR } from '@fpdb/schema';
import type { ImageLocation } from '../internal/location.js';

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The path of an image: only ever `<root>/Images/<name>.png`, with `name` of the release's pattern
 * and the result checked to stay inside `<root>/Images`.
 * @throws FpdbError FPDB_PATH_ESCAPE for a name that is not of the pattern (a path separator, `..`, …).
 * @example imagePath('/data/FETAL_PLANES_DB', 'Patient00001_Plane1_1_of_15') // '/data/FETAL_PLANES_DB/Images/Patient00001_Plane1_1_of_15.png'
 */
export function imagePath(root: string, imageName: string, where: Omit<ImageLocation, 'file'> = {}): string {
  const dir = resolve(root, IMAGES_DIR);
  const file = resolve(join(dir, `${imageName}.png`));
  if (!IMAGE_NAME_PATTERN.test(imageName) || !inside(dir, file)) {
    throw new FpdbError(
      'FPDB_PATH_ESCAPE',
      `Image name ${JSON.stringify(imageName)}${where.line === undefined ? '' : ` (CSV line ${where.line})`} is not of the form PatientNNNNN_PlaneN_M_of_K and could point outside ${dir}; it was refused.`,
      { details: { value: imageName, ...(where.line === undefined ? {} : { line: where.line }) } },
    );
  }
  return file;
}

/**
 * Checks that an existing image file is not a symlink leading outside the resolved `Images/` folder.
 * `realImagesDir` is `realpath(<root>/Images)`. Returns the lstat result of the file.
 * @throws FpdbError FPDB_PATH_ESCAPE for a symlink pointing elsewhere.
 */
export async function checkInsideImages(file: string, realImagesDir: string, where: ImageLocation): Promise<Awaited<ReturnType<typeof lstat>>> {
  const st = await lstat(file);
  if (st.isSymbolicLink()) {
    const target = await realpath(file);
    if (!inside(realImagesDir, target)) {
      throw new FpdbError(
        'FPDB_PATH_ESCAPE',
        `${where.file}${where.line === undefined ? '' : ` (CSV line ${where.line})`} is a symlink to ${target}, outside ${realImagesDir}; it was refused. Replace the link with the image itself.`,
        { details: { file: where.file, ...(where.line === undefined ? {} : { line: where.line }), value: target } },
      );
    }
  }
  return st;
}
