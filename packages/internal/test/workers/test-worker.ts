// A worker script for the pool's tests, bundled to JavaScript by the tests (see build-test-worker.ts).
import { FpdbError } from '@fpdb/schema';
import { serveWorker } from '../../src/worker-pool/worker.js';

export type TestRequest = { op: 'echo'; value: number } | { op: 'bytes'; length: number } | { op: 'fpdb-error' } | { op: 'type-error' } | { op: 'crash' } | { op: 'exit' } | { op: 'wait'; ms: number };

export interface TestSetup {
  failSetup?: boolean;
}

serveWorker<TestRequest, unknown, { threadSeen: number }>({
  setup: (data) => {
    if ((data as TestSetup | undefined)?.failSetup) {
      throw new FpdbError('FPDB_BACKEND', 'No backend in this test worker.', { details: { value: 'wasm' } });
    }
    return { threadSeen: 0 };
  },
  handle: async (request, state) => {
    state.threadSeen += 1;
    switch (request.op) {
      case 'echo':
        return request.value;
      case 'bytes':
        return new Uint8Array(request.length).fill(7);
      case 'fpdb-error':
        throw new FpdbError('FPDB_IMAGE_NOT_PNG', 'Images/x.png is not a PNG.', {
          details: { file: 'Images/x.png', line: 12, value: () => 'not cloneable' },
          cause: new FpdbError('FPDB_IMAGE_DECODE', 'bad signature', { cause: new TypeError('inner') }),
        });
      case 'type-error':
        throw new TypeError('undefined is not a function');
      case 'crash':
        setImmediate(() => {
          throw new Error('boom');
        });
        return new Promise(() => undefined);
      case 'exit':
        return process.exit(3);
      case 'wait':
        return new Promise((resolve) => setTimeout(() => resolve(request.ms), request.ms));
    }
  },
  transfer: (response) => (response instanceof Uint8Array ? [response.buffer as ArrayBuffer] : []),
});
