import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FpdbError } from '@fpdb/schema';
import { reviveError } from './error-transport.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** The built worker script (a file: URL); its entry calls serveWorker. */
  url: URL;
  /** Worker threads to start (≥ 1). */
  size: number;
  /** What the workers do, for messages: 'decode' → "decode worker 2 of 4 crashed…". */
  name: string;
  /** What the caller can do instead, ending every pool failure's message: 'Pass { workers: 0 } to train on this thread.' */
  remedy: string;
  /** The package that builds the script, named when the script is missing: '@fpdb/models'. */
  packageName: string;
  /** Given to each worker's setup (structured-cloned; a SharedArrayBuffer is shared). */
  workerData?: unknown;
  /** Milliseconds {@link WorkerPool.close} waits for a worker to end on its own before terminating it (default 5000). */
  closeTimeoutMs?: number;
}

/** Options of one {@link WorkerPool.request}. */
export interface RequestOptions {
  /** Buffers of the request to move to the worker instead of copying. */
  transfer?: ArrayBuffer[];
}

/** Worker threads serving requests by id; see {@link createWorkerPool}. */
export interface WorkerPool<Request, Response> {
  readonly size: number;
  /** Resolves when every worker has finished its setup; rejects with the pool's failure. */
  ready(): Promise<void>;
  /**
   * Sends `request` to the least busy worker and resolves with its response. Rejects with the error
   * the handler threw (an FpdbError intact, anything else as FPDB_WORKER with it as `cause`), or with
   * the pool's failure.
   */
  request(request: Request, options?: RequestOptions): Promise<Response>;
  /** The failure that broke the pool (every later request rejects with it), or undefined. */
  readonly failure: FpdbError | undefined;
  /** Ends every worker (letting each run its close hook first); pending requests reject with FPDB_WORKER. */
  close(): Promise<void>;
}

interface Pending<Response> {
  resolve(response: Response): void;
  reject(error: Error): void;
}

interface Slot<Response> {
  worker: Worker;
  /** 1-based, for messages. */
  index: number;
  started: boolean;
  exited: boolean;
  exit: Promise<void>;
  pending: Map<number, Pending<Response>>;
}

/** `text` ending with a full stop (messages are joined sentence by sentence). */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Whether the worker script `url` exists (false for a script that only exists once built, run from source). */
export function workerScriptExists(url: URL): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

/**
 * Starts `size` worker threads on `url` and serves requests on them by id, least busy worker first.
 *
 * One failure policy for every fpdb pool: a worker that cannot start (missing script, setup that
 * throws, a crash while loading) or that dies (uncaught error, unexpected exit) breaks the whole pool
 * with one FPDB_WORKER FpdbError that says which worker, what happened and what to do
 * (`options.remedy`). Every pending request rejects with it, the other workers are terminated, and
 * later requests reject with it at once: never a silent fallback, never a hang. An error thrown by a
 * request's handler is not a pool failure: that request rejects with it, intact.
 *
 * Idle workers never keep the process alive (they are referenced only while starting or busy).
 * @throws FpdbError FPDB_WORKER when the script is missing; FPDB_INVALID_ARGUMENT when size < 1.
 * @example
 * const pool = createWorkerPool<Job, Reply>({ url: new URL('./worker.js', import.meta.url), size: 4, name: 'render',
 *   remedy: 'Pass { workers: 0 } to render on this thread.', packageName: '@fpdb/synth' });
 * const reply = await pool.request(job);
 * await pool.close();
 */
export function createWorkerPool<Request, Response>(options: WorkerPoolOptions): WorkerPool<Request, Response> {
  const { url, size, name, remedy } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `A ${name} worker pool needs a whole number of workers ≥ 1; got ${size}.`, { details: { value: size } });
  }
  if (!workerScriptExists(url)) {
    const file = url.protocol === 'file:' ? fileURLToPath(url) : url.href;
    throw new FpdbError('FPDB_WORKER', `The ${name} worker script ${file} is missing (running from source?). Build ${options.packageName} first (pnpm build), or: ${remedy}`, {
      details: { file },
    });
  }
  let failure: FpdbError | undefined;
  let closing = false;
  let nextId = 0;
  let readyWaiters: { resolve(): void; reject(error: Error): void }[] = [];
  const slots: Slot<Response>[] = [];

  const keepAlive = (slot: Slot<Response>): void => {
    if (slot.exited) return;
    if (!slot.started || slot.pending.size > 0) slot.worker.ref();
    else slot.worker.unref();
  };

  const fail = (error: FpdbError): void => {
    if (failure !== undefined || closing) return;
    failure = error;
    for (const slot of slots) {
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
      if (!slot.exited) void slot.worker.terminate();
    }
    for (const w of readyWaiters) w.reject(error);
    readyWaiters = [];
  };

  const where = (slot: Slot<Response>): string => `${name} worker ${slot.index} of ${size}`;

  const onMessage = (slot: Slot<Response>, message: FromWorker<Response>): void => {
    if (message.kind === 'ready') {
      slot.started = true;
      keepAlive(slot);
      if (slots.every((s) => s.started)) {
        for (const w of readyWaiters) w.resolve();
        readyWaiters = [];
      }
      return;
    }
    if (message.kind === 'start-failed') {
      const cause = reviveError(message.error);
      fail(new FpdbError('FPDB_WORKER', `The ${where(slot)} could not start: ${sentence(cause.message)} ${remedy}`, { cause, details: { worker: slot.index } }));
      return;
    }
    const p = slot.pending.get(message.id);
    if (p === undefined) return;
    slot.pending.delete(message.id);
    keepAlive(slot);
    if (message.kind === 'response') {
      p.resolve(message.body);
      return;
    }
    const error = reviveError(message.error);
    p.reject(error instanceof FpdbError ? error : new FpdbError('FPDB_WORKER', `The ${where(slot)} failed: ${sentence(error.message)}`, { cause: error, details: { worker: slot.index } }));
  };

  for (let i = 0; i < size; i++) {
    const worker = new Worker(url, { workerData: options.workerData });
    let exited: () => void = () => undefined;
    const slot: Slot<Response> = { worker, index: i + 1, started: false, exited: false, exit: new Promise<void>((r) => (exited = r)), pending: new Map() };
    slots.push(slot);
    worker.on('message', (message: FromWorker<Response>) => onMessage(slot, message));
    worker.on('error', (cause) => {
      const what = slot.started ? 'crashed' : 'could not start';
      fail(new FpdbError('FPDB_WORKER', `The ${where(slot)} ${what} (${cause.message}); its requests were not answered. ${remedy}`, { cause, details: { worker: slot.index } }));
    });
    worker.on('exit', (code) => {
      slot.exited = true;
      exited();
      fail(new FpdbError('FPDB_WORKER', `The ${where(slot)} exited unexpectedly (code ${code}); its requests were not answered. ${remedy}`, { details: { worker: slot.index, value: code } }));
    });
  }

  return {
    size,
    get failure() {
      return failure;
    },
    ready(): Promise<void> {
      if (failure !== undefined) return Promise.reject(failure);
      if (slots.every((s) => s.started)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => readyWaiters.push({ resolve, reject }));
    },
    request(request: Request, requestOptions: RequestOptions = {}): Promise<Response> {
      if (failure !== undefined) return Promise.reject(failure);
      if (closing) return Promise.reject(new FpdbError('FPDB_WORKER', `The ${name} worker pool is closed. Start a new one.`));
      const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
      const id = nextId++;
      return new Promise<Response>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.ref();
        slot.worker.postMessage({ kind: 'request', id, body: request } satisfies ToWorker<Request>, requestOptions.transfer ?? []);
      });
    },
    async close(): Promise<void> {
      if (closing) {
        await Promise.all(slots.map((s) => s.exit));
        return;
      }
      closing = true;
      const closed = new FpdbError('FPDB_WORKER', `The ${name} worker pool was closed with requests still pending.`);
      for (const w of readyWaiters) w.reject(closed);
      readyWaiters = [];
      await Promise.all(
        slots.map((slot) => {
          if (slot.exited) return slot.exit;
          if (slot.pending.size > 0) {
            // Its work is abandoned: end it now rather than wait for work nobody will read.
            for (const p of slot.pending.values()) p.reject(closed);
            slot.pending.clear();
            void slot.worker.terminate();
            return slot.exit;
          }
          // Referenced until it ends: an idle worker is unreferenced, and awaiting its exit alone would not keep the process alive.
          slot.worker.ref();
          slot.worker.postMessage({ kind: 'close' } satisfies ToWorker<Request>);
          setTimeout(() => void slot.worker.terminate(), options.closeTimeoutMs ?? 5000).unref();
          return slot.exit;
        }),
      );
    },
  };
}
