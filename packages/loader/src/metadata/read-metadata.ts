import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { FpdbError } from '@fpdb/schema';
import { parseMetadata, type MetadataOptions, type MetadataResult } from './parse-metadata.js';

/**
 * Reads and validates `FETAL_PLANES_DB_data.csv` from a file path or a readable stream (Node only).
 * Same validation and modes as {@link parseMetadata}.
 * @throws FpdbError FPDB_CSV_READ when the file cannot be read; FPDB_CSV_HEADER / FPDB_CSV_INVALID as parseMetadata.
 * @example const { records } = await readMetadata('/data/FETAL_PLANES_DB/FETAL_PLANES_DB_data.csv');
 */
export async function readMetadata(source: string | Readable, options: MetadataOptions = {}): Promise<MetadataResult> {
  if (typeof source === 'string') {
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not the CSV' : `cannot be read (${code ?? String(cause)})`;
      throw new FpdbError('FPDB_CSV_READ', `${source} ${what}. Pass the path of FETAL_PLANES_DB_data.csv or of the release folder that holds it.`, {
        cause,
        details: { file: source },
      });
    }
    return parseMetadata(text, { file: basename(source), ...options });
  }
  const chunks: string[] = [];
  source.setEncoding('utf8');
  try {
    for await (const chunk of source) chunks.push(chunk as string);
  } catch (cause) {
    throw new FpdbError('FPDB_CSV_READ', `Reading the metadata stream failed: ${(cause as Error).message}`, { cause, details: { file: options.file } });
  }
  return parseMetadata(chunks.join(''), options);
}
