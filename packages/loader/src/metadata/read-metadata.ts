import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { FpdbError } from '@fpdb/schema';
import { CSV_PARSE_OPTIONS, MetadataValidator, csvParseError, type MetadataOptions, type MetadataResult } from './parse-metadata.js';

function readError(source: string, cause: unknown): FpdbError {
  const code = (cause as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not the CSV' : `cannot be read (${code ?? String(cause)})`;
  return new FpdbError('FPDB_CSV_READ', `${source} ${what}. Pass the path of FETAL_PLANES_DB_data.csv or of the release folder that holds it.`, {
    cause,
    details: { file: source },
  });
}

/**
 * Reads and validates `FETAL_PLANES_DB_data.csv` from a file path or a readable stream (Node only),
 * parsing incrementally: the text is never held whole, so memory grows with the valid records only
 * (one record is capped at MAX_RECORD_CHARS (64 Ki) characters, kept issues at MAX_ISSUES_KEPT (10,000)).
 * Same validation and modes as {@link parseMetadata}.
 * @throws FpdbError FPDB_CSV_READ when the file cannot be read or parsed; FPDB_CSV_HEADER / FPDB_CSV_INVALID as parseMetadata.
 * @example const { records } = await readMetadata('/data/FETAL_PLANES_DB/FETAL_PLANES_DB_data.csv');
 */
export async function readMetadata(source: string | Readable, options: MetadataOptions = {}): Promise<MetadataResult> {
  return (await streamMetadata(source, options)).result;
}

/** {@link readMetadata} plus the CSV line of each valid record's image name. @internal */
export async function streamMetadata(source: string | Readable, options: MetadataOptions = {}): Promise<{ result: MetadataResult; lines: Map<string, number> }> {
  let input: Readable;
  let file: string;
  if (typeof source === 'string') {
    const info = await stat(source).catch((cause: unknown) => {
      throw readError(source, cause);
    });
    if (info.isDirectory()) throw readError(source, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    input = createReadStream(source);
    file = options.file ?? basename(source);
  } else {
    input = source;
    file = options.file ?? 'FETAL_PLANES_DB_data.csv';
  }
  const validator = new MetadataValidator(file, options.mode ?? 'strict');
  const parser = parse(CSV_PARSE_OPTIONS);
  let sourceFailed: unknown;
  input.on('error', (error) => {
    sourceFailed = error;
    parser.destroy(error);
  });
  input.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) validator.add(row.record, row.info.lines);
  } catch (cause) {
    input.destroy();
    if (sourceFailed !== undefined) {
      if (typeof source === 'string') throw readError(source, sourceFailed);
      throw new FpdbError('FPDB_CSV_READ', `Reading the metadata stream failed: ${(sourceFailed as Error).message}`, { cause: sourceFailed, details: { file } });
    }
    if (cause instanceof FpdbError) throw cause;
    throw csvParseError(file, cause);
  }
  return { result: validator.finish(), lines: validator.firstLineOf };
}
