// Trains the two small models the page ships (public/models/planes, public/models/brain) with the built
// `fpdb` CLI, `pnpm demo`-style: on the synthetic FETAL_PLANES_DB (generated once, cached in ~/.cache/fpdb),
// reference CNN at 64×64 so each checkpoint stays ~250 kB. Run from the repo after
// `npx turbo run build --filter=@fpdb/cli...`:  pnpm --filter browser models
// Only the inference files are copied (model.json, its shard, fpdb.json); the run's report stays in the
// temporary folder, whose path is printed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, '../../packages/cli/dist/bin.js');
if (!existsSync(cli)) {
  console.error(`${cli} is missing: build the CLI first (npx turbo run build --filter=@fpdb/cli...).`);
  process.exit(1);
}
const FILES = ['model.json', 'group1-shard1of1.bin', 'fpdb.json'];
const MODELS = [
  { name: 'planes', args: ['--task', 'planes', '--epochs', '12'] },
  // The brain sub-planes are fewer images: more epochs, classes weighted by inverse frequency.
  { name: 'brain', args: ['--task', 'brain', '--epochs', '24', '--class-weights', 'balanced'] },
];
const work = mkdtempSync(join(tmpdir(), 'fpdb-browser-models-'));
for (const { name, args } of MODELS) {
  const out = join(work, name);
  const common = ['--input-size', '64', '--resize', 'pad', '--workers', '0', '--bootstrap', '0', '--seed', '1', '--out', out, '--force', '--quiet', '--json'];
  const summary = JSON.parse(execFileSync(process.execPath, [cli, 'train', ...args, ...common], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const dest = join(root, 'public/models', name);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const file of FILES) copyFileSync(join(summary.checkpoint, file), join(dest, file));
  console.log(`${name}: test accuracy ${summary.test.accuracy.toFixed(3)}, macro-F1 ${summary.test.macroF1.toFixed(3)} (synthetic test split, n=${summary.test.n}) -> ${dest}`);
}
console.log(`runs (reports) in ${work}`);
