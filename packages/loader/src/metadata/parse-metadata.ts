// csv-parse's browser build: the same parser as its Node build (which the streaming readMetadata uses),
// with a bundled Buffer shim instead of Node's global Buffer, so the root entry bundles for a browser.
import { parse } from 'csv-parse/browser/esm/sync';
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
  /** Issues found beyond the {@link MAX_ISSUES_KEPT} kept in `issues` (0 for any sane file). */
  issuesOmitted: number;
  file: string;
}

/** How many issues a strict-mode error message lists before "… and N more". */
const ISSUES_IN_MESSAGE = 10;

interface CsvRow {
  record: string[];
  info: { lines: number };
}

/** Longest CSV record accepted, in characters: a release line is under 120; a runaway quote or a binary file stops here. */
export const MAX_RECORD_CHARS = 64 * 1024;
/** Issues kept in a result; the rest are counted in `issuesOmitted` (memory stays bounded for any file). */
export const MAX_ISSUES_KEPT = 10_000;

/** csv-parse options shared by the in-memory and the streaming parser. */
export const CSV_PARSE_OPTIONS = {
  delimiter: ';',
  bom: true,
  info: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  max_record_size: MAX_RECORD_CHARS,
} as const;

/** A parse failure of csv-parse as an FpdbError naming the file (and line, when known). */
export function csvParseError(file: string, cause: unknown): FpdbError {
  const c = cause as Error & { code?: string; lines?: number };
  const line = typeof c.lines === 'number' ? c.lines : undefined;
  const tooLong = c.code === 'CSV_MAX_RECORD_SIZE';
  const message = tooLong
    ? `${file}${line ? ` line ${line}` : ''}: a record is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (a release line is under 120). The file is not FETAL_PLANES_DB_data.csv or has an unclosed quote: check it.`
    : `${file} could not be parsed as a ;-separated CSV: ${c.message}`;
  return new FpdbError('FPDB_CSV_READ', message, { cause, details: { file, ...(line ? { line } : {}) } });
}

/**
 * Validates CSV records one at a time (the header first), so a file of any size is checked without
 * holding its text: the core of {@link parseMetadata} and of the streaming `readMetadata`.
 * @internal
 */
export class MetadataValidator {
  private header: string[] | undefined;
  /** The CSV line of each valid record's image name. */
  readonly firstLineOf = new Map<string, number>();
  readonly records: FpdbRecord[] = [];
  readonly issues: ValidationIssue[] = [];
  issueCount = 0;
  rows = 0;

  constructor(
    readonly file: string,
    readonly mode: MetadataMode,
  ) {}

  private issue(i: ValidationIssue): void {
    this.issueCount++;
    if (this.issues.length < MAX_ISSUES_KEPT) this.issues.push(i);
  }

  /** Takes one parsed record (fields and its 1-based line). @throws FpdbError FPDB_CSV_HEADER for a bad header. */
  add(fields: string[], line: number): void {
    const { file } = this;
    if (!this.header) {
      const header = fields.map((h) => h.trim());
      const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
      if (missing.length > 0) {
        const hint = header.length === 1 && header[0]!.includes(',') ? ' The file looks comma-separated; the release uses ";".' : '';
        throw new FpdbError('FPDB_CSV_HEADER', `${file} line 1: the header lacks ${missing.join(', ')}; found ${JSON.stringify(header.slice(0, 20))}, expected ${CSV_COLUMNS.join(';')}.${hint}`, {
          details: { file, line: 1, value: header.slice(0, 20), missing },
        });
      }
      this.header = header;
      return;
    }
    const header = this.header;
    this.rows++;
    if (fields.length !== header.length) {
      const value = fields.join(';');
      this.issue({
        code: 'FPDB_CSV_COLUMNS',
        line,
        value: value.length > 200 ? `${value.slice(0, 200)}…` : value,
        message: `${file} line ${line}: ${fields.length} fields, expected ${header.length} (${header.join(';')}).`,
      });
      return;
    }
    const raw: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) raw[header[i]!] = fields[i]!;
    const result = safeParseRecord(raw);
    if (!result.ok) {
      for (const issue of result.issues) this.issue({ ...issue, line, message: `${file} line ${line}: ${issue.message}` });
      return;
    }
    const name = result.value.imageName;
    const first = this.firstLineOf.get(name);
    if (first !== undefined) {
      this.issue({
        code: 'FPDB_CSV_DUPLICATE',
        line,
        column: 'Image_name',
        value: name,
        message: `${file} line ${line}: ${name} already appears on line ${first}; each image must be listed once.`,
      });
      return;
    }
    this.firstLineOf.set(name, line);
    this.records.push(result.value);
  }

  /** The result. @throws FpdbError FPDB_CSV_HEADER (empty file), FPDB_CSV_INVALID (strict mode with issues). */
  finish(): MetadataResult {
    const { file, issues, issueCount } = this;
    if (!this.header) {
      throw new FpdbError('FPDB_CSV_HEADER', `${file} is empty; expected the header ${CSV_COLUMNS.join(';')} and one row per image.`, { details: { file, line: 1 } });
    }
    if (this.mode === 'strict' && issueCount > 0) {
      const shown = issues.slice(0, ISSUES_IN_MESSAGE).map((i) => `  - ${i.message}`);
      const more = issueCount > ISSUES_IN_MESSAGE ? [`  … and ${issueCount - ISSUES_IN_MESSAGE} more`] : [];
      throw new FpdbError(
        'FPDB_CSV_INVALID',
        [`${file} has ${issueCount} problem${issueCount === 1 ? '' : 's'}:`, ...shown, ...more, "Fix the file, or read it with { mode: 'lenient' } to use the valid rows."].join('\n'),
        { details: { file, line: issues[0]!.line, issues, issueCount } },
      );
    }
    return { records: this.records, issues, issuesOmitted: issueCount - issues.length, rows: this.rows, file };
  }
}

/**
 * Parses and validates the text of `FETAL_PLANES_DB_data.csv`: `;` delimiter, header and values
 * trimmed (the real `Train ` column and `1 `/`0 ` values), CRLF and a BOM tolerated. Every problem
 * is collected with its line, column and value: missing header column, wrong column count, unknown
 * label, bad patient number, name/column mismatch, duplicate image name, an image name that could
 * leave the `Images/` folder. A record over {@link MAX_RECORD_CHARS} characters stops the parse; the
 * first {@link MAX_ISSUES_KEPT} issues are kept, the rest counted. Runs in browsers too.
 *
 * @throws FpdbError in strict mode: `FPDB_CSV_HEADER` for a bad header, else `FPDB_CSV_INVALID`
 *   listing the issues (`details.issues` holds them); FPDB_CSV_READ for text that is not a CSV.
 * @example
 * const { records } = parseMetadata(text); // 12,400 records for the release
 */
export function parseMetadata(text: string, options: MetadataOptions = {}): MetadataResult {
  const { mode = 'strict', file = CSV_FILE } = options;
  let rows: CsvRow[];
  try {
    rows = parse(text, CSV_PARSE_OPTIONS) as unknown as CsvRow[];
  } catch (cause) {
    throw csvParseError(file, cause);
  }
  const validator = new MetadataValidator(file, mode);
  for (const { record, info } of rows) validator.add(record, info.lines);
  return validator.finish();
}
