import { FpdbError } from '@fpdb/schema';

/**
 * A checkpoint's files given as bytes, keyed by their names in the checkpoint folder (the names
 * `CHECKPOINT_FILES` lists: `model.json`, its shard(s), `fpdb.json`, and the optimizer's files when
 * present), e.g. the files a user picked in a browser. A key may carry a folder prefix
 * (`best/model.json`, as a picked folder's `webkitRelativePath` has it) when only one key has that name.
 */
export type CheckpointFiles = Record<string, Uint8Array>;

/** Where a checkpoint's files come from: a folder, a URL, or bytes in memory. */
export interface CheckpointReader {
  /** The checkpoint, for messages: a folder path, a URL, or a description of the files. */
  readonly where: string;
  /** One file of the checkpoint, for messages. */
  locate(name: string): string;
  /**
   * The bytes of the file `name` (a `/`-separated name inside the checkpoint). A missing file is
   * undefined when `optional`, else an FpdbError FPDB_CHECKPOINT naming it.
   */
  read(name: string, optional?: boolean): Promise<Uint8Array | undefined>;
  /**
   * True when asking for a file that may be absent costs a request that shows as an error (a URL's 404):
   * the optional optimizer state is then asked for only when the metadata records training state.
   */
  readonly remote?: boolean;
}

/**
 * The checkpoint whose folder is at `base` (its files fetched relative to it with `fetch`).
 * @throws (from read) FpdbError FPDB_CHECKPOINT for a missing file (HTTP 404/410) or another HTTP
 *   status, FPDB_NETWORK when the request fails.
 */
export function urlReader(base: URL): CheckpointReader {
  const folder = new URL(base.href);
  folder.hash = '';
  if (!folder.pathname.endsWith('/')) folder.pathname = `${folder.pathname}/`;
  const locate = (name: string): string => new URL(name, folder).href;
  return {
    where: folder.href,
    locate,
    remote: true,
    async read(name, optional = false) {
      const url = locate(name);
      let response: Response;
      try {
        response = await fetch(url);
      } catch (cause) {
        throw new FpdbError('FPDB_NETWORK', `Cannot fetch ${url}: ${(cause as Error).message}. Check the address and that the server is reachable (and allows this page's origin).`, {
          cause,
          details: { file: url },
        });
      }
      const absent = response.status === 404 || response.status === 410;
      if (absent && optional) return undefined;
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new FpdbError(
          'FPDB_CHECKPOINT',
          `${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. ${absent ? `Is ${folder.href} a checkpoint folder (it holds model.json, its shard and fpdb.json)?` : 'Check the server, then retry.'}`,
          { details: { file: url, status: response.status } },
        );
      }
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch (cause) {
        throw new FpdbError('FPDB_NETWORK', `Reading ${url} failed midway: ${(cause as Error).message}. Retry.`, { cause, details: { file: url } });
      }
    },
  };
}

/**
 * The checkpoint given as its files' bytes ({@link CheckpointFiles}).
 * @throws FpdbError FPDB_INVALID_ARGUMENT when a value is not a Uint8Array; (from read) FPDB_CHECKPOINT
 *   for a missing file, FPDB_INVALID_ARGUMENT when two keys share a name.
 */
export function filesReader(files: CheckpointFiles): CheckpointReader {
  const names = Object.keys(files);
  for (const key of names) {
    if (!(files[key] instanceof Uint8Array)) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `The checkpoint file ${key} is not a Uint8Array. Pass each file's bytes, e.g. new Uint8Array(await file.arrayBuffer()).`, {
        details: { file: key },
      });
    }
  }
  const where = `the checkpoint files given (${names.join(', ') || 'none'})`;
  return {
    where,
    locate: (name) => name,
    async read(name, optional = false) {
      if (Object.hasOwn(files, name)) return files[name];
      const matches = names.filter((key) => key.endsWith(`/${name}`));
      if (matches.length > 1) {
        throw new FpdbError('FPDB_INVALID_ARGUMENT', `Several of the checkpoint files given are named ${name} (${matches.join(', ')}). Give the files of one checkpoint folder.`, {
          details: { file: name, value: matches },
        });
      }
      if (matches.length === 1) return files[matches[0]!];
      if (optional) return undefined;
      throw new FpdbError('FPDB_CHECKPOINT', `The checkpoint file ${name} is missing from ${where}. Give every file of the checkpoint folder (model.json, its shard and fpdb.json).`, {
        details: { file: name },
      });
    },
  };
}
