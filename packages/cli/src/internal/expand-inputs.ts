import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** Image files `fpdb predict` takes from a folder or a glob. */
const IMAGE = /\.png$/i;
const GLOB = /[*?[]/;

/** One command-line input: the files it names, or why it names none. */
export type ExpandedInput = { input: string; files: string[] } | { input: string; error: { code: 'FPDB_IMAGE_MISSING'; message: string } };

function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of folders, none included.
      re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walk(dir: string, deep: boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (deep) out.push(...(await walk(path, true)));
    } else out.push(path);
  }
  return out;
}

/** The files of a glob such as `scans/*.png` or `data/**\/Patient0001*.png` (the shell may have expanded it already). */
async function expandGlob(pattern: string): Promise<string[]> {
  const parts = pattern.split(/[\\/]/);
  const first = parts.findIndex((p) => GLOB.test(p));
  const base = parts.slice(0, first).join('/') || (pattern.startsWith('/') ? '/' : '.');
  const rest = parts.slice(first).join('/');
  const re = globRegExp(rest);
  const files = await walk(base, rest.includes('**') || parts.length - first > 1);
  return files
    .filter((f) =>
      re.test(
        f
          .slice(base === '.' ? 0 : base.length + (base.endsWith('/') ? 0 : 1))
          .split(sep)
          .join('/')
          .replace(/^\.\//, ''),
      ),
    )
    .map((f) => (base === '.' ? f : f))
    .sort();
}

/**
 * `fpdb predict`'s inputs as files, in order: a file as is, a folder as its images (sorted, not
 * recursive), a glob as its matching files. An input that names nothing is kept with its error, so the
 * others still run.
 */
export async function expandInputs(inputs: readonly string[]): Promise<ExpandedInput[]> {
  return Promise.all(
    inputs.map(async (input): Promise<ExpandedInput> => {
      const missing = (message: string): ExpandedInput => ({ input, error: { code: 'FPDB_IMAGE_MISSING', message } });
      let info;
      try {
        info = await stat(input);
      } catch {
        if (!GLOB.test(input)) return missing(`${input}: no such file or folder.`);
        const files = await expandGlob(input);
        return files.length > 0 ? { input, files } : missing(`${input}: no file matches this pattern.`);
      }
      if (!info.isDirectory()) return { input, files: [input] };
      const files = (await walk(input, false)).filter((f) => IMAGE.test(f)).sort();
      return files.length > 0 ? { input, files } : missing(`${input}: the folder holds no .png image.`);
    }),
  );
}
