// Makes sure the system Chromium the browser test drives is installed (Debian's `chromium` package; no
// browser is ever downloaded by npm). Installs it with apt-get when missing: directly as root, else
// through `sudo -n`. Fails with what to do when neither works: the browser test is never skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const root = process.getuid?.() === 0;
  const run = (args) => {
    const [cmd, ...rest] = root ? args : ['sudo', '-n', ...args];
    console.error(`ensure-chromium: ${[cmd, ...rest].join(' ')}`);
    return spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  // A fresh image may have no package lists yet: update once when the first install fails.
  const ok = run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']) || (run(['apt-get', 'update']) && run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']));
  if (!ok || !existsSync(CHROMIUM)) {
    console.error(
      `ensure-chromium: the browser test needs Chromium at ${CHROMIUM} and it could not be installed (${root ? 'apt-get failed' : 'not root, and sudo -n apt-get failed'}). ` +
        'Install it (Debian/Ubuntu: sudo apt-get install chromium) or point CHROMIUM at a Chromium binary, then rerun.',
    );
    process.exit(1);
  }
}
