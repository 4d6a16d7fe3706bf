import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** A running static server: its base URL and how to stop it (open connections included). */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves folders on 127.0.0.1 at a free port: `mounts` maps a URL prefix ('/' or '/fixtures/') to a
 * folder. `index.html` for folders, the right MIME type for `.wasm` (streaming compilation needs it),
 * `no-store` so that only the page's service worker can answer when the server is gone.
 */
export async function serveStatic(mounts: Record<string, string>): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : mounts[prefix]!;
    let file = root === undefined ? undefined : normalize(join(root, path.slice(prefix!.length)));
    if (file !== undefined && (file === root || file.startsWith(root! + sep))) {
      try {
        if (statSync(file).isDirectory()) file = join(file, 'index.html');
        const size = statSync(file).size;
        res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': size, 'Cache-Control': 'no-store' });
        createReadStream(file).pipe(res);
        return;
      } catch {
        // Not there: 404 below.
      }
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
