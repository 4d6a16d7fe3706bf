import { createRequire } from 'node:module';
import path from 'node:path';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

const require = createRequire(import.meta.url);
const PUBLIC = '@tensorflow/tfjs-core';
const NAMESPACE = 'tfjs-core-public';

/** The tfjs-core files bundled as they are: the gradient configs and the backward ops they call that the public entry lacks. */
const BUNDLED = new Set([
  'register_all_gradients',
  ...[
    'conv2d_backprop_input',
    'conv2d_backprop_filter',
    'conv3d_backprop_input',
    'conv3d_backprop_filter',
    'depthwise_conv2d_native_backprop_input',
    'depthwise_conv2d_native_backprop_filter',
    'avg_pool_grad',
    'avg_pool_3d_grad',
    'max_pool_grad',
    'max_pool_3d_grad',
    'local_response_normalization_backprop',
  ].map((op) => `ops/${op}`),
]);

/** Where the public entry carries a file's exports, first match wins (top level = ''). */
function lookupOrder(file: string): string[] {
  if (file === 'util') return ['util', ''];
  if (file === 'ops/broadcast_util') return ['broadcast_util', 'backend_util'];
  if (file === 'ops/slice_util') return ['slice_util', 'backend_util'];
  if (file.endsWith('_util')) return ['backend_util', ''];
  return ['', 'backend_util'];
}

/**
 * Hand-written stand-ins for internals that are not public. `convertToTensor` is only ever given tensors
 * by the bundled backward ops (gradients pass `dy`, inputs and outputs), so this keeps what it does for a
 * tensor: check the dtype, return the tensor.
 */
const STAND_INS: Record<string, string> = {
  engine: `import { engine } from '${PUBLIC}';\nexport const ENGINE = engine();\n`,
  tensor_util_env: `import { Tensor } from '${PUBLIC}';
export function convertToTensor(x, argName, functionName, parseAsDtype = 'numeric') {
  if (!(x instanceof Tensor)) {
    throw new Error(\`Argument '\${argName}' passed to '\${functionName}' must be a Tensor.\`);
  }
  const dtype = x.dtype;
  if (parseAsDtype !== 'string_or_numeric' && ((parseAsDtype !== 'numeric' && parseAsDtype !== dtype) || (parseAsDtype === 'numeric' && dtype === 'string'))) {
    throw new Error(\`Argument '\${argName}' passed to '\${functionName}' must be \${parseAsDtype} tensor, but got \${dtype} tensor\`);
  }
  return x;
}
`,
};

/**
 * Bundles tfjs-core's gradient configs (`dist/register_all_gradients.js` and `dist/gradients/*`, which
 * Node cannot import: extension-less ESM) without a second copy of tfjs-core: every other tfjs-core file
 * they import becomes a generated module that re-exports the same names from the public
 * `@tensorflow/tfjs-core` entry, so the gradients run on the user's engine, tensors and ops. The build
 * fails if one of those names is not public (a named import or a namespace member alike).
 */
export function tfjsGradientsPlugin(): Plugin {
  const coreDist = path.join(path.dirname(require.resolve(`${PUBLIC}/package.json`)), 'dist');
  const publicApi = require(PUBLIC) as Record<string, unknown>;
  const fileOf = (absolute: string) => path.relative(coreDist, absolute).replace(/\\/g, '/').replace(/\.js$/, '');
  return {
    name: 'tfjs-gradients',
    setup(build) {
      // `ns.name` on a generated module that lacks `name` (not public) would be undefined: fail instead.
      build.initialOptions.logOverride = { ...build.initialOptions.logOverride, 'import-is-undefined': 'error' };
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(coreDist + path.sep)) return undefined;
        const file = fileOf(path.resolve(args.resolveDir, args.path));
        if (file.startsWith('gradients/') || BUNDLED.has(file)) return { path: path.join(coreDist, `${file}.js`) };
        return { path: file, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const file = args.path;
        const resolveDir = coreDist;
        if (STAND_INS[file]) return { contents: STAND_INS[file], resolveDir, loader: 'js' };
        // The names the real file exports (following its `export * from`).
        const result = await build.esbuild.build({
          entryPoints: [path.join(coreDist, `${file}.js`)],
          bundle: true,
          write: false,
          metafile: true,
          format: 'esm',
          logLevel: 'silent',
        });
        const exports = Object.values(result.metafile?.outputs ?? {}).flatMap((o) => o.exports);
        const top: string[] = [];
        const namespaced = new Map<string, string[]>();
        for (const name of exports) {
          const where = lookupOrder(file).find((ns) => (ns === '' ? publicApi : (publicApi[ns] as Record<string, unknown>))?.[name] !== undefined);
          if (where === '') top.push(name);
          else if (where !== undefined) namespaced.set(where, [...(namespaced.get(where) ?? []), name]);
        }
        const lines = top.length > 0 ? [`export { ${top.join(', ')} } from '${PUBLIC}';`] : [];
        for (const [ns, names] of namespaced) {
          lines.push(`import { ${ns} } from '${PUBLIC}';`, ...names.map((name) => `export const ${name} = ${ns}.${name};`));
        }
        // Names that are not public are left out: using one fails the build (see logOverride).
        return { contents: `${lines.join('\n')}\n`, resolveDir, loader: 'js' };
      });
    },
  };
}
