import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FpdbError, type ValidationIssue } from '@fpdb/schema';
import { REAL_CSV } from '../../test/fixtures.js';
import { parseMetadata } from './parse-metadata.js';

const real = readFileSync(REAL_CSV, 'utf8');
const [header, ...rows] = real.split('\n');
const HEAD = `${header}\n`;
const csvOf = (...lines: string[]) => `${HEAD}${lines.join('\n')}\n`;
const issuesOf = (text: string): ValidationIssue[] => parseMetadata(text, { mode: 'lenient' }).issues;

describe('parseMetadata on the real release', () => {
  it('reads all 12,400 rows exactly, with the trailing-space Train column', () => {
    const { records, issues, rows: n } = parseMetadata(real);
    expect(issues).toEqual([]);
    expect(n).toBe(12400);
    expect(records).toHaveLength(12400);
    expect(records.filter((r) => r.split === 'train')).toHaveLength(7129);
    expect(records[0]).toMatchObject({ imageName: 'Patient00001_Plane1_1_of_15', patientId: 1, usMachine: 'Aloka', split: 'train' });
  });

  it('tolerates CRLF, a BOM, and copies cleaned of the trailing spaces', () => {
    const crlf = `\uFEFF${real.replace(/\n/g, '\r\n')}`;
    expect(parseMetadata(crlf).records).toHaveLength(12400);
    const cleaned = real.replace(/ \n/g, '\n');
    expect(cleaned).not.toContain('Train \n');
    expect(parseMetadata(cleaned).records).toHaveLength(12400);
  });

  it('accepts the columns in another order', () => {
    const swap = (line: string) => {
      const f = line.split(';');
      return [f[6], ...f.slice(0, 6)].join(';');
    };
    const text = [header, ...rows.slice(0, 20)].map((l) => (l ? swap(l) : l)).join('\n');
    expect(parseMetadata(text).records).toHaveLength(20);
  });
});

describe('parseMetadata reports every bad row with its line and column', () => {
  const good = rows[0]!;
  it.each([
    ['an unknown label', good.replace(';Other;Not A Brain;', ';other;Not A Brain;'), 'FPDB_CSV_VALUE', 'Plane'],
    ['a wrong column count', good.replace(';Aloka;', ';'), 'FPDB_CSV_COLUMNS', undefined],
    ['a bad patient number', good.replace(';1;Other;', ';one;Other;'), 'FPDB_CSV_VALUE', 'Patient_num'],
    ['a name/patient mismatch', good.replace(';1;Other;', ';2;Other;'), 'FPDB_CSV_MISMATCH', 'Patient_num'],
    ['a name/plane mismatch', good.replace(';Other;Not A Brain;', ';Fetal femur;Not A Brain;'), 'FPDB_CSV_MISMATCH', 'Plane'],
    ['a path in the image name', good.replace('Patient00001_Plane1_1_of_15', '../Patient00001_Plane1_1_of_15'), 'FPDB_IMAGE_NAME', 'Image_name'],
    ['an absolute path', good.replace('Patient00001_Plane1_1_of_15', '/etc/passwd'), 'FPDB_IMAGE_NAME', 'Image_name'],
  ])('%s', (_what, bad, code, column) => {
    const issues = issuesOf(csvOf(rows[1]!, bad!, rows[2]!));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, line: 3, ...(column ? { column } : {}) });
    expect(issues[0]!.message).toContain('line 3');
  });

  it('flags duplicate image names, naming the first line', () => {
    const issues = issuesOf(csvOf(rows[0]!, rows[1]!, rows[0]!));
    expect(issues).toEqual([expect.objectContaining({ code: 'FPDB_CSV_DUPLICATE', line: 4, column: 'Image_name' })]);
    expect(issues[0]!.message).toContain('line 2');
  });

  it('collects all issues at once and keeps the good rows in lenient mode', () => {
    const text = csvOf(rows[0]!, rows[1]!.replace(';Aloka;', ';Alokka;'), rows[2]!, rows[3]!.replace(';Other;', ';Op. 9;'));
    const result = parseMetadata(text, { mode: 'lenient' });
    expect(result.records.map((r) => r.imageName)).toEqual([rows[0], rows[2]].map((l) => l!.split(';')[0]));
    expect(result.issues.map((i) => i.line)).toEqual([3, 5]);
  });

  it('throws one FpdbError listing them all in strict mode', () => {
    const text = csvOf(rows[0]!.replace(';Aloka;', ';A;'), rows[1]!.replace(';Aloka;', ';B;'));
    let error: unknown;
    try {
      parseMetadata(text, { file: 'my.csv' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FpdbError);
    const e = error as FpdbError;
    expect(e.code).toBe('FPDB_CSV_INVALID');
    expect(e.message).toMatch(/my\.csv has 2 problems/);
    expect(e.message).toContain('my.csv line 2');
    expect(e.message).toContain('my.csv line 3');
    expect(e.details.issues).toHaveLength(2);
  });

  it('rejects a missing header column, and hints at a comma-separated copy', () => {
    expect(() => parseMetadata(real.replace('US_Machine', 'Machine'))).toThrowError(expect.objectContaining({ code: 'FPDB_CSV_HEADER' }) as unknown as Error);
    expect(() => parseMetadata(real.replace(/;/g, ','))).toThrow(/looks comma-separated/);
    expect(() => parseMetadata('')).toThrowError(expect.objectContaining({ code: 'FPDB_CSV_HEADER' }) as unknown as Error);
  });
});
