import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const packagesDir = new URL('../..', import.meta.url).pathname;
const repoRoot = join(packagesDir, '..');
// Every package that publishes: a new one is packed, checked and installed like the others.
const PUBLISHED = readdirSync(packagesDir).filter((dir) => {
  const file = join(packagesDir, dir, 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).private !== true;
});

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  repository?: unknown;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const npm = (args: string[], cwd: string, options: ExecFileSyncOptions = {}): void => {
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdio: 'pipe', timeout: 300_000, ...options });
};

/** The lowest version a range allows (`^4.22.0` → `4.22.0`): what the consumers install, so the ranges stay honest. */
const lowest = (range: string): string => {
  const match = /^[\^~]?(\d+\.\d+\.\d+)$/.exec(range);
  if (match === null) throw new Error(`Use a caret range for third-party dependencies, not '${range}'.`);
  return match[1]!;
};

const work = mkdtempSync(join(tmpdir(), 'fpdb-consumer-'));
const tarballs: Record<string, string> = {};
const manifests: Record<string, PackageJson> = {};
const unpacked: Record<string, string> = {};

// Used as other projects use it: pack every @fpdb package, install the tarballs with npm in a fresh
// folder outside the workspace, and run the READMEs' code there.
beforeAll(() => {
  for (const name of PUBLISHED) {
    execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: join(packagesDir, name), stdio: 'pipe' });
    const file = readdirSync(work).find((f) => f.startsWith(`fpdb-${name}-`) && f.endsWith('.tgz'))!;
    tarballs[`@fpdb/${name}`] = `file:${join(work, file)}`;
    const dir = join(work, 'unpacked', name);
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, file), '-C', dir]);
    unpacked[name] = join(dir, 'package');
    manifests[name] = JSON.parse(readFileSync(join(unpacked[name], 'package.json'), 'utf8'));
  }
}, 120_000);

describe('the tarballs', () => {
  it.each(PUBLISHED)('%s: LICENSE, no workspace: ranges, caret ranges, its README images, maps with their sources', (name) => {
    const dir = unpacked[name]!;
    const pkg = manifests[name]!;
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(JSON.stringify(pkg)).not.toContain('workspace:');
    expect(JSON.stringify(pkg)).not.toContain('example.invalid');
    for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
      expect(range, `${pkg.name} → ${dep}`).toMatch(/^\^\d/);
    }
    const readme = existsSync(join(dir, 'README.md')) ? readFileSync(join(dir, 'README.md'), 'utf8') : '';
    for (const [, image] of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) {
      const local = /^https:\/\/unpkg\.com\/@fpdb\/[a-z-]+\/(.+)$/.exec(image!)?.[1] ?? (/^[a-z]+:/.test(image!) ? undefined : image!);
      if (local !== undefined) expect(existsSync(join(dir, local)), `${image} is not in the tarball`).toBe(true);
    }
    for (const map of readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.map'))) {
      const { sources, sourcesContent = [] } = JSON.parse(readFileSync(join(dir, 'dist', map), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(
        sourcesContent.filter((s) => typeof s === 'string'),
        `${name}/dist/${map} lacks sources`,
      ).toHaveLength(sources.length);
    }
  });

  it('all carry one version (the changesets fixed group: a package ahead would drag every first release to 0.2.0)', () => {
    const versions = Object.fromEntries(PUBLISHED.map((name) => [name, manifests[name]!.version]));
    expect(new Set(Object.values(versions)), JSON.stringify(versions)).toHaveLength(1);
  });
});

describe('publishing', () => {
  it('a bare npm publish in a package folder fails, pointing to pnpm release', () => {
    const env = { ...process.env, FPDB_RELEASE: '' };
    let stderr = '';
    try {
      execFileSync('npm', ['publish', '--dry-run'], { cwd: join(packagesDir, 'schema'), stdio: 'pipe', env });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('pnpm release');
  });

  it('the release dry run (pnpm publish -r --dry-run, as changeset publish runs it) passes', () => {
    const out = execFileSync(process.execPath, ['scripts/release.mjs', '--dry-run'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
    for (const name of PUBLISHED) expect(out).toContain(`@fpdb/${name}@${manifests[name]!.version}`);
  });
});

describe('the packed packages', () => {
  it('install with npm outside the workspace, at the lowest versions their ranges allow, and run a pipeline', () => {
    const dir = join(work, 'all');
    mkdirSync(dir);
    const pins: Record<string, string> = {};
    for (const pkg of Object.values(manifests)) {
      for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
        if (!dep.startsWith('@fpdb/')) pins[dep] = lowest(range);
      }
    }
    const own = Object.fromEntries(PUBLISHED.map((name) => [`@fpdb/${name}`, tarballs[`@fpdb/${name}`]!]));
    const tfjs = {
      '@tensorflow/tfjs-core': pins['@tensorflow/tfjs-core']!,
      '@tensorflow/tfjs-backend-cpu': pins['@tensorflow/tfjs-backend-cpu']!,
      '@tensorflow/tfjs-backend-wasm': pins['@tensorflow/tfjs-backend-wasm']!,
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { ...own, ...tfjs }, overrides: { ...pins, ...own } }));
    copyFileSync(new URL('consumer/pipeline.mjs', import.meta.url), join(dir, 'pipeline.mjs'));
    npm(['install'], dir);
    for (const [dep, version] of Object.entries(pins)) {
      if (existsSync(join(dir, 'node_modules', dep))) expect(JSON.parse(readFileSync(join(dir, 'node_modules', dep, 'package.json'), 'utf8')).version, dep).toBe(version);
    }
    const out = execFileSync(process.execPath, ['pipeline.mjs', join(dir, 'data')], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result.epochs).toBe(2);
    expect(result.n).toBeGreaterThan(0);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    const bin = execFileSync(join(dir, 'node_modules', '.bin', 'fpdb'), ['stats', join(dir, 'data'), '--json'], { encoding: 'utf8' });
    expect(JSON.parse(bin).missingImages).toBe(0);
  }, 600_000);

  it('@fpdb/loader alone installs with --omit=optional (no sharp) and runs its README quick start', () => {
    const dir = join(work, 'loader-only');
    mkdirSync(dir);
    const own = { '@fpdb/loader': tarballs['@fpdb/loader']!, '@fpdb/schema': tarballs['@fpdb/schema']! };
    const core = lowest(manifests.loader!.peerDependencies!['@tensorflow/tfjs-core']!);
    const dependencies = { '@fpdb/loader': own['@fpdb/loader'], '@tensorflow/tfjs-core': core, '@tensorflow/tfjs-backend-cpu': core };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'loader-consumer', private: true, type: 'module', dependencies, overrides: own }));
    copyFileSync(new URL('consumer/loader-quick-start.mjs', import.meta.url), join(dir, 'quick-start.mjs'));
    cpSync(join(repoRoot, 'fixtures', 'real'), join(dir, 'data'), { recursive: true });
    npm(['install', '--omit=optional'], dir);
    expect(existsSync(join(dir, 'node_modules', 'sharp'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', '@img'))).toBe(false);
    const out = execFileSync(process.execPath, ['quick-start.mjs', join(dir, 'data')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result.usable).toBeGreaterThan(0);
    expect(result.batches).toBeGreaterThan(0);
    expect(result.imageShape).toEqual([expect.any(Number), 128, 128, 1]);
    expect(result.lanczos3).toMatchObject({ fpdbError: true, code: 'FPDB_DEPENDENCY_MISSING' });
    expect(result.lanczos3.message).toContain('npm install sharp');
  }, 300_000);
});
