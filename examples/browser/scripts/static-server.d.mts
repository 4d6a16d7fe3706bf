/** A running static server: its base URL and how to stop it (open connections included). */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves folders on 127.0.0.1 at a free port: `mounts` maps a URL prefix ('/', '/fixtures/') to a folder. */
export function serveStatic(mounts: Record<string, string>): Promise<StaticServer>;
