import { FpdbError } from '@fpdb/schema';
import type SharpConstructor from 'sharp';

type Sharp = typeof SharpConstructor;

let loading: Promise<Sharp> | undefined;

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * sharp, imported on first use. It is an optional peer dependency of @fpdb/loader: only the non-default
 * resize kernels need it, so `import '@fpdb/loader/node'` never loads libvips, and an install without it
 * (`npm install --omit=optional`, or simply not adding it) works until such a kernel is asked for.
 * @throws FpdbError FPDB_DEPENDENCY_MISSING when sharp is not installed or its native binary does not load.
 */
export async function loadSharp(kernel: string): Promise<Sharp> {
  loading ??= import('sharp').then(
    (module) => module.default,
    (cause: unknown) => {
      loading = undefined;
      const reason = isModuleNotFound(cause) ? 'sharp is not installed' : `sharp did not load (${String((cause as Error)?.message ?? cause).split('\n')[0]})`;
      throw new FpdbError(
        'FPDB_DEPENDENCY_MISSING',
        `The '${kernel}' resize kernel needs sharp, an optional dependency of @fpdb/loader, but ${reason}. Install it with \`npm install sharp\`, or use the default kernel 'linear', which needs nothing else.`,
        { cause, details: { value: kernel, dependency: 'sharp' } },
      );
    },
  );
  return loading;
}
