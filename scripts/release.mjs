// `pnpm release`: build, test, then `changeset publish` (pnpm publish per package, which rewrites
// `workspace:` ranges to the released versions). `--dry-run`: `pnpm publish -r --dry-run` instead, which
// packs every package as the registry would get it and uploads nothing.
// FPDB_RELEASE=1 is what lets each package's prepublishOnly guard (release-guard.mjs) through.
import { execFileSync } from 'node:child_process';

const dryRun = process.argv.includes('--dry-run');
const env = { ...process.env, FPDB_RELEASE: '1' };
const run = (command, args) => {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
};

try {
  if (!dryRun) {
    run('pnpm', ['build']);
    run('pnpm', ['test']);
    run('pnpm', ['exec', 'changeset', 'publish']);
  } else {
    run('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks']);
  }
} catch (error) {
  process.exitCode = typeof error.status === 'number' ? error.status : 1;
}
