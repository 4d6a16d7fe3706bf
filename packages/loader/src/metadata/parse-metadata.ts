import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, CSV_FILE, FpdbError, safeParseRecord, type FpdbRecord, type ValidationIssue } from '@fpdb/schema';

/** How validation problems are handled: `strict` throws, `lenient` returns the good rows plus the issues. */
export type MetadataMode = 'strict' | 'lenient';

/** Options of {@link parseMetadata} and `readMetadata`. */
export interface MetadataOptions {
  /** Default `strict`. */
  mode?: MetadataMode;
  /** The file name to use in messages (default `FETAL_PLANES_DB_data.csv`). */
  file?: string;
}

/** The validated rows of a metadata file and every problem found, each with its line and column. */
export interface MetadataResult {
  records: FpdbRecord[];
  issues: ValidationIssue[];
  /** Data rows read (valid or not), header excluded. */
  rows: number;
  file: string;
}

/** How many issues a strict-mode error message lists before "… and N more". */
const ISSUES_IN_MESSAGE = 10;

interface CsvRow {
  record: string[];
  info: { lines: number };
}

/**
 * Parses and validates the text of `FETAL_PLANES_DB_data.csv`: `;` delimiter, header and values
 * trimmed (the real `Train ` column and `1 `/`0 ` values), CRLF and a BOM tolerated. Every problem
 * is collected with its line, column and value: missing header column, wrong column count, unknown
 * label, bad patient number, name/column mismatch, duplicate image name, an image name that could
 * leave the `Images/` folder. Runs in browsers too.
 *
 * @throws FpdbError in strict mode: `FPDB_CSV_HEADER` for a bad header, else `FPDB_CSV_INVALID`
 *   listing the issues (`details.issues` holds them all).
 * @example
 * const { records } = parseMetadata(text); // 12,400 records for the release
 */
export function parseMetadata(text: string, options: MetadataOptions = {}): MetadataResult {
  const { mode = 'strict', file = CSV_FILE } = options;
  let rows: CsvRow[];
  try {
    rows = parse(text, {
      delimiter: ';',
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as CsvRow[];
  } catch (cause) {
    throw new FpdbError('FPDB_CSV_READ', `${file} could not be parsed as a ;-separated CSV: ${(cause as Error).message}`, { cause, details: { file } });
  }
  const headerRow = rows[0];
  if (!headerRow) {
    throw new FpdbError('FPDB_CSV_HEADER', `${file} is empty; expected the header ${CSV_COLUMNS.join(';')} and one row per image.`, { details: { file, line: 1 } });
  }
  const header = headerRow.record.map((h) => h.trim());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    const hint = header.length === 1 && header[0]!.includes(',') ? ' The file looks comma-separated; the release uses ";".' : '';
    throw new FpdbError(
      'FPDB_CSV_HEADER',
      `${file} line 1: the header lacks ${missing.join(', ')}; found ${JSON.stringify(header)}, expected ${CSV_COLUMNS.join(';')}.${hint}`,
      { details: { file, line: 1, value: header, missing } },
    );
  }

  const records: FpdbRecord[] = [];
  const issues: ValidationIssue[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record: fields, info } of rows.slice(1)) {
    const line = info.lines;
    if (fields.length !== header.length) {
      issues.push({
        code: 'FPDB_CSV_COLUMNS',
        line,
        value: fields.join(';'),
        message: `${file} line ${line}: ${fields.length} fields, expected ${header.length} (${header.join(';')}).`,
      });
      continue;
    }
    const raw: Record<string, string> = {};
    header.forEach((name, i) => (raw[name] = fields[i]!));
    const result = safeParseRecord(raw);
    if (!result.ok) {
      for (const issue of result.issues) issues.push({ ...issue, line, message: `${file} line ${line}: ${issue.message}` });
      continue;
    }
    const name = result.value.imageName;
    const first = firstLineOf.get(name);
    if (first !== undefined) {
      issues.push({
        code: 'FPDB_CSV_DUPLICATE',
        line,
        column: 'Image_name',
        value: name,
        message: `${file} line ${line}: ${name} already appears on line ${first}; each image must be listed once.`,
      });
      continue;
    }
    firstLineOf.set(name, line);
    records.push(result.value);
  }

  if (mode === 'strict' && issues.length > 0) {
    const shown = issues.slice(0, ISSUES_IN_MESSAGE).map((i) => `  - ${i.message}`);
    const more = issues.length > ISSUES_IN_MESSAGE ? [`  … and ${issues.length - ISSUES_IN_MESSAGE} more`] : [];
    throw new FpdbError(
      'FPDB_CSV_INVALID',
      [`${file} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:`, ...shown, ...more, "Fix the file, or read it with { mode: 'lenient' } to use the valid rows."].join('\n'),
      { details: { file, line: issues[0]!.line, issues } },
    );
  }
  return { records, issues, rows: rows.length - 1, file };
}
