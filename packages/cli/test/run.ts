import { PassThrough } from 'node:stream';
import { realFixture, realFixturesDir } from '@fpdb/internal/testing';
import { commands } from '../src/commands/index.js';
import { runCli } from '../src/internal/run-cli.js';

/** Runs the CLI in-process and captures what it prints. */
export async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWith({}, ...argv);
}

/** Like {@link run}, with an abort signal and a hook on every stderr chunk (e.g. to press Ctrl-C mid-run). */
export async function runWith(options: { signal?: AbortSignal; onStderr?: (text: string) => void }, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => {
    stderr += d.toString();
    options.onStderr?.(stderr);
  });
  const code = await runCli(argv, commands, { stdout: out, stderr: err, ...(options.signal ? { signal: options.signal } : {}) }, 'test');
  return { code, stdout, stderr };
}

/** The real fixtures (CC BY 4.0): the repo's copy or the shared one (see @fpdb/internal/testing). */
export const realDir = realFixturesDir();
export const realCsv = realFixture('FETAL_PLANES_DB_data.csv');
