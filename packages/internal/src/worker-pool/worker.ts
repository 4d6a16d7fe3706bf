// Worker-thread side of the pool (the `@fpdb/internal/worker` entry, Node only). Each package's worker
// script is one call to serveWorker; see create-worker-pool.ts for the main-thread side.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from './error-transport.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** What a worker script does: optional setup, the request handler, optional clean-up. */
export interface WorkerService<Request, Response, State> {
  /** Runs once before the first request (e.g. a tfjs backend and a model), given the pool's workerData. */
  setup?: (workerData: unknown) => State | Promise<State>;
  /** Answers one request; what it throws reaches the caller intact (see reviveError). */
  handle: (request: Request, state: State) => Response | Promise<Response>;
  /** Buffers of the response to move instead of copy (they are detached in this thread). */
  transfer?: (response: Response) => ArrayBuffer[];
  /** Runs when the pool closes, before the thread ends. */
  close?: (state: State) => void;
}

/**
 * Serves the pool's requests in this worker thread: runs `setup`, says ready (or why it could not
 * start), answers each request by id with `handle`'s result or its error (an FpdbError's code,
 * message, details and cause chain carried intact), and ends the thread when the pool closes.
 * @throws Error when not called in a worker thread.
 * @example
 * serveWorker<DecodeJob, Uint8Array>({ handle: (job) => readImage(job.file, job.options, job.where), transfer: (p) => [p.buffer] });
 */
export function serveWorker<Request, Response, State = undefined>(service: WorkerService<Request, Response, State>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveWorker runs in a worker thread started by createWorkerPool.');
  const post = (message: FromWorker<Response>, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const answer = async (id: number, body: Request, state: State): Promise<void> => {
    let response: Response;
    try {
      response = await service.handle(body, state);
    } catch (error) {
      post({ kind: 'error', id, error: serializeError(error) });
      return;
    }
    try {
      post({ kind: 'response', id, body: response }, service.transfer?.(response) ?? []);
    } catch (error) {
      // The response could not be cloned (a bug in the handler): the caller hears why.
      post({ kind: 'error', id, error: serializeError(error) });
    }
  };
  const start = async (): Promise<void> => {
    let state: State;
    try {
      state = (await service.setup?.(workerData)) as State;
    } catch (error) {
      post({ kind: 'start-failed', error: serializeError(error) });
      return;
    }
    port.on('message', (message: ToWorker<Request>) => {
      if (message.kind === 'close') {
        service.close?.(state);
        port.close();
      } else void answer(message.id, message.body, state);
    });
    post({ kind: 'ready' });
  };
  void start();
}
