/** Where an image comes from, for error messages: its file and, when known, its CSV row. */
export interface ImageLocation {
  /** Path (or name) of the image file. */
  file: string;
  /** 1-based line of the CSV row that names the image. */
  line?: number;
  /** The image name (no extension). */
  imageName?: string;
}

/** `Images/X.png (CSV line 12)`: the file and, when known, the row, as messages print them. */
export function describeLocation(where: ImageLocation): string {
  return where.line === undefined ? where.file : `${where.file} (CSV line ${where.line})`;
}

/** The `details` an FpdbError carries for an image problem. */
export function locationDetails(where: ImageLocation): { file: string; line?: number; value?: string } {
  return { file: where.file, ...(where.line === undefined ? {} : { line: where.line }), ...(where.imageName === undefined ? {} : { value: where.imageName }) };
}
