import type { SerializedError } from './error-transport.js';

/** Main thread → worker. */
export type ToWorker<Request> = { kind: 'request'; id: number; body: Request } | { kind: 'close' };

/** Worker → main thread. */
export type FromWorker<Response> =
  /** Setup finished: requests are served from now on. */
  | { kind: 'ready' }
  /** Setup threw: the worker cannot serve. */
  | { kind: 'start-failed'; error: SerializedError }
  | { kind: 'response'; id: number; body: Response }
  /** The request's handler threw; the worker keeps serving. */
  | { kind: 'error'; id: number; error: SerializedError };
