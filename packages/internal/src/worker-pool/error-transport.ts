import { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';

/**
 * An error as it crosses a thread boundary: structured clone keeps neither the class, the `code`, the
 * `details` nor (on Node 20) the `cause`, so they travel as plain data and are revived on arrival.
 */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** An FpdbError's code. */
  code?: string;
  /** An FpdbError's details (values that cannot be cloned travel as their String()). */
  details?: FpdbErrorDetails;
  cause?: SerializedError;
}

/** How deep a cause chain travels; deeper causes (or a cycle) are cut. */
const MAX_CAUSES = 8;

function cloneableDetails(details: FpdbErrorDetails): FpdbErrorDetails {
  try {
    return structuredClone(details);
  } catch {
    return Object.fromEntries(Object.entries(details).map(([key, value]) => [key, safeClone(value)]));
  }
}

function safeClone(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

/**
 * `error` (anything thrown) as plain data that `postMessage` can send: name, message, stack, an
 * FpdbError's code and details, and the cause chain.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error) && !isFpdbError(error)) return { name: 'Error', message: String(error) };
  const e = error as Error & { code?: unknown; details?: FpdbErrorDetails };
  const out: SerializedError = { name: e.name, message: e.message };
  if (e.stack !== undefined) out.stack = e.stack;
  if (isFpdbError(error)) {
    out.code = error.code;
    out.details = cloneableDetails(error.details ?? {});
  }
  if (e.cause !== undefined && depth < MAX_CAUSES) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

/**
 * The error `serialized` describes, rebuilt in this thread: an {@link FpdbError} with the same code,
 * message, details and stack when it was one, else an Error with the same name, message and stack; the
 * cause chain rebuilt the same way.
 */
export function reviveError(serialized: SerializedError): Error {
  const cause = serialized.cause === undefined ? undefined : reviveError(serialized.cause);
  const options = cause === undefined ? {} : { cause };
  const error =
    serialized.code !== undefined && serialized.name === 'FpdbError'
      ? new FpdbError(serialized.code as FpdbErrorCode, serialized.message, { details: serialized.details ?? {}, ...options })
      : new Error(serialized.message, options);
  if (!(error instanceof FpdbError)) error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
