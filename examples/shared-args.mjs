// Shared by the examples' scripts: `--smoke` for the tiny CI run, `--data DIR` (or FPDB_DATA) for the
// real release, `--out DIR` for the run folder. Everything else comes from each example.
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';

// As the fpdb command does: let Node 20 run @fpdb/models' relaxed-SIMD (FMA) kernels, ~1.3× faster
// training. Takes effect because no WebAssembly is compiled before setupBackend runs.
if (process.env.FPDB_RELAXED_SIMD !== '0') setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Parses the examples' common flags. */
export function exampleArgs(name) {
  const { values } = parseArgs({
    options: { smoke: { type: 'boolean', default: false }, data: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: false,
  });
  const data = values.data ?? (process.env.FPDB_DATA || undefined);
  return { smoke: values.smoke, data, out: values.out ?? `runs/${name}${values.smoke ? '-smoke' : ''}` };
}

/** A tiny config that runs in seconds: 80 synthetic 48×32 images, 32×32 input, one or two epochs. */
export const SMOKE = {
  synth: { images: 120, seed: 11, width: 48, height: 32 },
  inputSize: 32,
  epochs: 2,
  bootstrapResamples: 50,
};
