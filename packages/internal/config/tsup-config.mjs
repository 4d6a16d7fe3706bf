// Plain JavaScript on purpose: tsup loads each package's tsup.config.ts with Node, which imports this
// file as it is (no TypeScript step). Types: tsup-config.d.mts.

/**
 * The tsup options every @fpdb package builds with: ESM for Node 20, .d.ts for the public entries,
 * source maps, and @fpdb/internal bundled in (it is private, so no published file may import it).
 * @param {import('./tsup-config.d.mts').FpdbTsupOptions} options
 * @returns {import('tsup').Options}
 */
export function fpdbTsupConfig(options) {
  const { entry, internalEntry = {}, noExternal = [], esbuildPlugins = [] } = options;
  return {
    entry: { ...entry, ...internalEntry },
    format: ['esm'],
    // Worker scripts and other internal entries are built but get no .d.ts: nothing imports them by type.
    dts: Object.keys(internalEntry).length === 0 ? true : { entry },
    clean: true,
    // The maps ship in the tarballs, and `src/` does not: each map embeds its sources (sourcesContent)
    // so a user's debugger and stack traces show the TypeScript. The pack test checks every map.
    sourcemap: true,
    esbuildOptions(esbuild) {
      esbuild.sourcesContent = true;
    },
    target: 'node20',
    noExternal: [/^@fpdb\/internal(\/|$)/, ...noExternal],
    esbuildPlugins,
  };
}
