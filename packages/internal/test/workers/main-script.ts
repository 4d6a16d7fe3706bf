// A main-thread program for the pool's tests (bundled and run in its own process): it uses a pool with
// top-level await only, so it ends with code 0 only if the pool keeps the process alive exactly while it
// has work (starting, requests in flight, closing) and lets it end once closed.
import { createWorkerPool } from '../../src/worker-pool/create-worker-pool.js';
import type { TestRequest } from './test-worker.js';

const pool = createWorkerPool<TestRequest, unknown>({ url: new URL(process.argv[2]!), size: 2, name: 'test', remedy: 'None.', packageName: '@fpdb/internal' });
await pool.ready();
const answers = await Promise.all([1, 2, 3].map((value) => pool.request({ op: 'echo', value })));
await new Promise((resolve) => setTimeout(resolve, 50)); // idle workers now
await pool.request({ op: 'wait', ms: 50 });
await pool.close();
console.log(JSON.stringify(answers));
