import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Bundles test/workers/test-worker.ts (with @fpdb/schema) to one .mjs a worker thread can run; returns its URL. */
export async function buildTestWorker(): Promise<URL> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'fpdb-internal-')), 'test-worker.mjs');
  await build({
    entryPoints: [new URL('./workers/test-worker.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return pathToFileURL(outfile);
}
