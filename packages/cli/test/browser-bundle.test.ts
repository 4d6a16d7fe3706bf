import { createRequire, isBuiltin } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The part of esbuild's API this test uses (its types resolve from @fpdb/internal, not from here). */
interface Esbuild {
  build(options: Record<string, unknown> & { plugins: EsbuildPlugin[] }): Promise<{ outputFiles: { text: string }[] }>;
}
interface EsbuildPlugin {
  name: string;
  setup(build: { onResolve(options: { filter: RegExp }, callback: (args: { path: string; importer: string }) => { path: string; external: boolean } | undefined): void }): void;
}

// esbuild is what tsup builds with; @fpdb/internal (a dev dependency here) pins it, so it resolves from there.
const require = createRequire(import.meta.url);
const esbuild = require(createRequire(require.resolve('@fpdb/internal/package.json')).resolve('esbuild')) as Esbuild;

const cliDir = dirname(dirname(fileURLToPath(import.meta.url)));

// Every package's root entry (and the tfjs subpaths) is documented as browser-safe: bundled from its built
// dist as a web app's bundler would. Node-only parts live under each package's `/node` subpath.
const BROWSER_ENTRIES = [
  '@fpdb/schema',
  '@fpdb/loader',
  '@fpdb/loader/tfjs',
  '@fpdb/augment',
  '@fpdb/augment/tfjs',
  '@fpdb/metrics',
  '@fpdb/metrics/tfjs',
  '@fpdb/audit',
  '@fpdb/models',
  '@fpdb/synth',
  '@fpdb/experiment',
  '@fpdb/cli',
];

/** Stands in for every free (global) reference to Buffer: `define` rewrites only unbound identifiers, so a library's own shim named Buffer is left alone. */
const GLOBAL_BUFFER = '__FPDB_GLOBAL_BUFFER__';

interface BrowserBundle {
  /** `specifier (imported by file)` for each Node built-in or sharp import, static or dynamic. */
  nodeImports: string[];
  /** How many free references to the global Buffer the bundle keeps. */
  globalBuffers: number;
  text: string;
}

async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  const nodeImports: string[] = [];
  const result = await esbuild.build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: cliDir, loader: 'js' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    logLevel: 'silent',
    // One global engine: the user's page brings tfjs (a peer dependency), the bundle must not.
    external: ['@tensorflow/*'],
    define: { Buffer: GLOBAL_BUFFER, 'globalThis.Buffer': GLOBAL_BUFFER, 'global.Buffer': GLOBAL_BUFFER, 'window.Buffer': GLOBAL_BUFFER, 'self.Buffer': GLOBAL_BUFFER },
    plugins: [
      {
        name: 'node-only-imports',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            const bare = args.path.split('/')[0]!;
            if (!isBuiltin(args.path) && bare !== 'sharp') return undefined;
            nodeImports.push(`${args.path} (imported by ${args.importer.replace(/^.*\/node_modules\//, '')})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const text = result.outputFiles[0]!.text;
  return { nodeImports, globalBuffers: text.split(GLOBAL_BUFFER).length - 1, text };
}

describe('browser bundles of the browser-safe entries (esbuild, platform browser, from dist)', () => {
  it.each(BROWSER_ENTRIES)('%s: no Node built-in, no sharp, no global Buffer', async (entry) => {
    const bundle = await bundleForBrowser(entry);
    expect(bundle.nodeImports).toEqual([]);
    expect(bundle.globalBuffers, `${entry} refers to the global Buffer, which browsers lack`).toBe(0);
    expect(bundle.text.length).toBeGreaterThan(0);
  });

  it('the check sees what it must refuse', async () => {
    // @fpdb/loader/node reads files with Node's fs and Buffer, and decodes with sharp: both checks must catch it.
    const bundle = await bundleForBrowser('@fpdb/loader/node');
    expect(bundle.nodeImports).toEqual(expect.arrayContaining([expect.stringMatching(/^(node:)?fs /), expect.stringMatching(/^sharp /)]));
    expect(bundle.globalBuffers).toBeGreaterThan(0);
  });

  it.each(['@fpdb/models/node', '@fpdb/synth/node', '@fpdb/experiment/node', '@fpdb/cli/node'])('%s, the Node half, is refused: what moved there needs Node', async (entry) => {
    expect((await bundleForBrowser(entry)).nodeImports.length).toBeGreaterThan(0);
  });
});
