export { createWorkerPool, workerScriptExists, type RequestOptions, type WorkerPool, type WorkerPoolOptions } from './create-worker-pool.js';
export { reviveError, serializeError, type SerializedError } from './error-transport.js';
