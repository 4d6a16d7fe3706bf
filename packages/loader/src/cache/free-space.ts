import { statfs } from 'node:fs/promises';

/** Bytes available to this user on the file system holding `dir`, or undefined where statfs is unsupported. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}
