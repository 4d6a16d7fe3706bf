import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packagesDir = new URL('../..', import.meta.url).pathname;
const PACKAGES = ['schema', 'loader', 'augment', 'models', 'metrics', 'synth', 'experiment', 'cli'];

// Used as other projects use it: pack every @fpdb package, install the tarballs with npm in a fresh
// folder outside the workspace, and run a small load → train → evaluate pipeline there.
describe('the packed packages', () => {
  it('install with npm outside the workspace and run a pipeline', () => {
    const work = mkdtempSync(join(tmpdir(), 'fpdb-consumer-'));
    const tarballs: Record<string, string> = {};
    for (const name of PACKAGES) {
      execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: join(packagesDir, name), stdio: 'pipe' });
      const file = readdirSync(work).find((f) => f.startsWith(`fpdb-${name}-`) && f.endsWith('.tgz'))!;
      tarballs[`@fpdb/${name}`] = `file:./${file}`;
    }
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { ...tarballs, '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-backend-cpu': '4.22.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' }, overrides: tarballs }),
    );
    copyFileSync(new URL('consumer/pipeline.mjs', import.meta.url), join(work, 'pipeline.mjs'));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work, stdio: 'pipe', timeout: 300_000 });
    const out = execFileSync(process.execPath, ['pipeline.mjs', join(work, 'data')], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result.epochs).toBe(2);
    expect(result.n).toBeGreaterThan(0);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    const bin = execFileSync(join(work, 'node_modules', '.bin', 'fpdb'), ['stats', join(work, 'data'), '--json'], { encoding: 'utf8' });
    expect(JSON.parse(bin).missingImages).toBe(0);
  }, 600_000);
});
