import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FpdbError, isFpdbError } from '@fpdb/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestWorker } from '../../test/build-test-worker.js';
import type { TestRequest, TestSetup } from '../../test/workers/test-worker.js';
import { createWorkerPool, type WorkerPool } from './create-worker-pool.js';

let url: URL;
beforeAll(async () => {
  url = await buildTestWorker();
});

const REMEDY = 'Pass { workers: 0 } to run on this thread.';

function pool(size: number, workerData: TestSetup = {}): WorkerPool<TestRequest, unknown> {
  return createWorkerPool<TestRequest, unknown>({ url, size, name: 'test', remedy: REMEDY, packageName: '@fpdb/internal', workerData });
}

async function rejection(promise: Promise<unknown>): Promise<FpdbError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FpdbError);
  return error as FpdbError;
}

describe('createWorkerPool', () => {
  it('answers requests by id across its workers, moving transferred buffers', async () => {
    const p = pool(3);
    await p.ready();
    const values = Array.from({ length: 50 }, (_, i) => i);
    expect(await Promise.all(values.map((value) => p.request({ op: 'echo', value })))).toEqual(values);
    const bytes = (await p.request({ op: 'bytes', length: 1000 })) as Uint8Array;
    expect([bytes.length, bytes[999]]).toEqual([1000, 7]);
    await p.close();
    expect(p.failure).toBeUndefined();
  });

  it('brings back an FpdbError thrown by the handler intact: class, code, message, details, cause chain', async () => {
    const p = pool(1);
    const error = await rejection(p.request({ op: 'fpdb-error' }));
    expect(error).toMatchObject({ name: 'FpdbError', code: 'FPDB_IMAGE_NOT_PNG', message: 'Images/x.png is not a PNG.' });
    expect(error.details).toMatchObject({ file: 'Images/x.png', line: 12 });
    // A value structured clone refuses travels as its text instead of failing the reply.
    expect(typeof error.details.value).toBe('string');
    expect(error.stack).toContain('test-worker');
    const cause = error.cause as FpdbError;
    expect(isFpdbError(cause, 'FPDB_IMAGE_DECODE')).toBe(true);
    expect(cause).toBeInstanceOf(FpdbError);
    expect(cause.cause).toMatchObject({ name: 'TypeError', message: 'inner' });
    // A handler's error is not a pool failure: the worker keeps serving.
    expect(await p.request({ op: 'echo', value: 5 })).toBe(5);
    await p.close();
  });

  it('wraps any other thrown error as FPDB_WORKER with it as the cause', async () => {
    const p = pool(1);
    const error = await rejection(p.request({ op: 'type-error' }));
    expect(error.code).toBe('FPDB_WORKER');
    expect(error.message).toContain('test worker 1 of 1 failed: undefined is not a function.');
    expect(error.cause).toMatchObject({ name: 'TypeError', message: 'undefined is not a function' });
    await p.close();
  });

  it('fails as a whole when a worker cannot start: FPDB_WORKER with the setup error as cause and the remedy', async () => {
    const p = pool(2, { failSetup: true });
    const error = await rejection(p.ready());
    expect(error.code).toBe('FPDB_WORKER');
    expect(error.message).toMatch(/^The test worker \d of 2 could not start: No backend in this test worker\. Pass \{ workers: 0 \}/);
    expect(error.cause).toMatchObject({ code: 'FPDB_BACKEND', details: { value: 'wasm' } });
    expect(await rejection(p.request({ op: 'echo', value: 1 }))).toBe(error);
    await p.close();
  });

  it('rejects every pending request on every worker when one worker crashes, and stops the others', async () => {
    const p = pool(2);
    await p.ready();
    const waiting = [p.request({ op: 'wait', ms: 30_000 }), p.request({ op: 'wait', ms: 30_000 })];
    const crash = p.request({ op: 'crash' });
    const errors = await Promise.all([...waiting, crash].map(rejection));
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]!.code).toBe('FPDB_WORKER');
    expect(errors[0]!.message).toMatch(/^The test worker \d of 2 crashed \(boom\); its requests were not answered\. Pass \{ workers: 0 \}/);
    expect(p.failure).toBe(errors[0]);
    expect(await rejection(p.request({ op: 'echo', value: 1 }))).toBe(errors[0]);
    await p.close(); // resolves: every worker has ended
  });

  it('fails as a whole when a worker exits unexpectedly', async () => {
    const p = pool(2);
    const pending = rejection(p.request({ op: 'wait', ms: 30_000 }));
    const error = await rejection(p.request({ op: 'exit' }));
    expect(error.message).toMatch(/exited unexpectedly \(code 3\)/);
    expect(error.details).toMatchObject({ value: 3 });
    expect(await pending).toBe(error);
    await p.close();
  });

  it('rejects requests still pending when closed, and later ones', async () => {
    const p = pool(1);
    const pending = rejection(p.request({ op: 'wait', ms: 30_000 }));
    await p.close();
    expect((await pending).message).toContain('closed with requests still pending');
    expect((await rejection(p.request({ op: 'echo', value: 1 }))).code).toBe('FPDB_WORKER');
  });

  it('explains a missing worker script and takes only a positive number of workers', () => {
    const missing = new URL('./no-such-worker.js', import.meta.url);
    expect(() => createWorkerPool({ url: missing, size: 1, name: 'test', remedy: REMEDY, packageName: '@fpdb/x' })).toThrow(/no-such-worker\.js is missing .*Build @fpdb\/x first .*workers: 0/);
    expect(() => createWorkerPool({ url, size: 0, name: 'test', remedy: REMEDY, packageName: '@fpdb/x' })).toThrow(/≥ 1; got 0/);
  });

  it('keeps a program alive while it has work and lets it end once closed (top-level await only)', async () => {
    const program = await buildTestWorker('main-script');
    const out = execFileSync(process.execPath, [fileURLToPath(program), url.href], { encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toBe('[1,2,3]');
  });
});
