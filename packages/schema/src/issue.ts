import type { FpdbErrorCode } from './errors.js';

/** One problem found while validating data: what, where (line and column when known), and the value. */
export interface ValidationIssue {
  code: FpdbErrorCode;
  message: string;
  /** 1-based line in the source file, when the data came from a file. */
  line?: number;
  /** The CSV column name (trimmed), when one column is at fault. */
  column?: string;
  value?: unknown;
}

/** A result that is either a value or the list of every issue found. */
export type SafeParseResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };
