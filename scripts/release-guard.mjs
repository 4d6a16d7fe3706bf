// prepublishOnly of every published @fpdb package. A bare `npm publish` in a package folder would ship
// the `workspace:` ranges unchanged and skip the build and the tests: only `pnpm release` (which sets
// FPDB_RELEASE=1 and publishes through changesets, which rewrites those ranges) may publish.
if (process.env.FPDB_RELEASE !== '1') {
  const name = process.env.npm_package_name ?? 'this package';
  console.error(
    `Refusing to publish ${name} directly: its package.json holds workspace: ranges that only pnpm rewrites, and the build and tests have not run.\n` +
      'Publish from the repository root with `pnpm release` (build, test, `changeset publish`); rehearse with `pnpm release:dry-run`.',
  );
  process.exit(1);
}
