import type { Options } from 'tsup';

/** What differs between the packages' builds. */
export interface FpdbTsupOptions {
  /** The public entries, name → source (each gets a .js and a .d.ts in dist/). */
  entry: Record<string, string>;
  /** Entries loaded by URL from dist/ (worker scripts): built, no .d.ts. */
  internalEntry?: Record<string, string>;
  /** Further imports to bundle instead of leaving external (@fpdb/internal always is). */
  noExternal?: (string | RegExp)[];
  /** esbuild plugins for this package's build (e.g. to rewrite what a bundled dependency imports). */
  esbuildPlugins?: Options['esbuildPlugins'];
}

/** The tsup options every @fpdb package builds with; see tsup-config.mjs. */
export declare function fpdbTsupConfig(options: FpdbTsupOptions): Options;
