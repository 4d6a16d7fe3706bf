import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Bundles test/workers/<name>.ts (with @fpdb/schema) to one .mjs Node can run; returns its URL. */
export async function buildTestWorker(name: 'test-worker' | 'main-script' = 'test-worker'): Promise<URL> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'fpdb-internal-')), `${name}.mjs`);
  await build({
    entryPoints: [new URL(`./workers/${name}.ts`, import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return pathToFileURL(outfile);
}
