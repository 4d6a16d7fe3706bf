import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
/** tfjs-backend-wasm's binaries; setupBackend loads whichever the browser supports from `wasm/`. */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
const here = dirname(fileURLToPath(import.meta.url));

/** Serves the tfjs `.wasm` files at `wasm/` in dev and writes them to `dist/wasm/` in a build. */
function tfjsWasm(): Plugin {
  return {
    name: 'fpdb-tfjs-wasm',
    configureServer(server) {
      server.middlewares.use('/wasm', (req, res, next) => {
        const name = (req.url ?? '').replace(/^\//, '').split('?')[0] as (typeof WASM_FILES)[number];
        if (!WASM_FILES.includes(name)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        createReadStream(join(wasmDir, name)).pipe(res);
      });
    },
    generateBundle() {
      for (const name of WASM_FILES) this.emitFile({ type: 'asset', fileName: `wasm/${name}`, source: readFileSync(join(wasmDir, name)) });
    },
  };
}

/** Every file below `dir`, relative to it, with '/' separators. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

/**
 * Writes `sw.js` (from src/service-worker.js) with the list of files to cache on install: the built
 * bundle, the wasm binaries and the shipped models, so the page works offline after one visit. The
 * cache's name hashes that list's contents, so a new build replaces the old cache.
 */
function serviceWorker(): Plugin {
  return {
    name: 'fpdb-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const publicFiles = listFiles(join(here, 'public'));
      // The bundle holds the wasm binaries already (emitted by tfjsWasm).
      const files = [...new Set(['./', ...Object.keys(bundle), ...publicFiles])].filter((f) => f !== 'sw.js');
      const hash = createHash('sha256');
      for (const [name, chunk] of Object.entries(bundle)) hash.update(name).update(chunk.type === 'chunk' ? chunk.code : chunk.source);
      for (const f of publicFiles) hash.update(f).update(readFileSync(join(here, 'public', f)));
      const source = readFileSync(join(here, 'src/service-worker.js'), 'utf8');
      const header = `const PRECACHE = ${JSON.stringify(files)};\nconst CACHE = 'fpdb-browser-${hash.digest('hex').slice(0, 16)}';\n`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: header + source });
    },
  };
}

export default defineConfig({
  // Relative URLs: the built site works from any folder (a file server, GitHub Pages, an intranet path).
  base: './',
  // A missing file is a 404, not index.html: the checkpoint loader asks for an optional optimizer.json,
  // and an HTML page in its place reads as a corrupt checkpoint.
  appType: 'mpa',
  plugins: [tfjsWasm(), serviceWorker()],
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
