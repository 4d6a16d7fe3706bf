import { isAbsolute, resolve } from 'node:path';
import { presetNameOf } from '@fpdb/models';
import type { ExperimentConfig } from './experiment-config.js';

/**
 * A config whose paths (`data`, `out`, `synth.dir`, a `pretrained` file or folder) are resolved against
 * `base`: the folder of the config file they were written in, or the working directory for flags. A run
 * records absolute paths in its `config.json`, so that file works from anywhere.
 * @example resolveConfigPaths({ data: 'release', out: 'runs/a' }, '/experiments') // { data: '/experiments/release', out: '/experiments/runs/a' }
 */
export function resolveConfigPaths<C extends Partial<ExperimentConfig>>(config: C, base: string = process.cwd()): C {
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const out: C = { ...config };
  if (typeof config.data === 'string') out.data = at(config.data);
  if (typeof config.out === 'string') out.out = at(config.out);
  if (config.synth && typeof config.synth.dir === 'string') out.synth = { ...config.synth, dir: at(config.synth.dir) } as C['synth'];
  if (typeof config.pretrained === 'string' && config.pretrained !== '' && presetNameOf(config.pretrained) === undefined) out.pretrained = at(config.pretrained);
  return out;
}
