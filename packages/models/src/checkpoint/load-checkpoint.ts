import { FpdbError } from '@fpdb/schema';
import { filesReader, urlReader, type CheckpointFiles, type CheckpointReader } from './checkpoint-reader.js';
import { CHECKPOINT_FILES, readCheckpoint, type CheckpointExpectations, type LoadedCheckpoint } from './read-checkpoint.js';

/**
 * The checkpoint folder a URL names: relative URLs resolve against the page (`globalThis.location`);
 * a URL of the checkpoint's `model.json` or `fpdb.json` names its folder.
 */
export function checkpointFolderUrl(source: string | URL): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(String(source), base);
  } catch (cause) {
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `${JSON.stringify(String(source))} is not a URL${base === undefined ? ' (relative URLs need a page to resolve against)' : ''}. Pass the URL of a checkpoint folder, e.g. https://example.org/models/best/, or its files' bytes; for a folder path, use loadCheckpoint from @fpdb/models/node.`,
      { cause, details: { value: String(source) } },
    );
  }
  const last = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  if (last === CHECKPOINT_FILES.model || last === CHECKPOINT_FILES.metadata) url.pathname = url.pathname.slice(0, -last.length);
  return url;
}

/** The reader of a browser-side source: a URL, or the files' bytes. */
export function sourceReader(source: string | URL | CheckpointFiles): CheckpointReader {
  if (typeof source === 'string' || source instanceof URL) return urlReader(checkpointFolderUrl(source));
  if (source !== null && typeof source === 'object') return filesReader(source);
  throw new FpdbError('FPDB_INVALID_ARGUMENT', `loadCheckpoint takes a checkpoint folder's URL or its files' bytes, not ${source === null ? 'null' : typeof source}.`, {
    details: { value: source },
  });
}

/**
 * Loads a checkpoint into a new model built from its own config, in a browser or any runtime with
 * `fetch`: from the URL of a checkpoint folder (its files `CHECKPOINT_FILES` names are fetched
 * relative to it; a relative URL resolves against the page) or from the files' bytes (e.g. the files
 * a user picked). Checks as from a folder: shapes, NaN/Inf refused, metadata and preprocessing valid.
 * The optimizer's files are optional: from a URL they are asked for too, and a 404 means none was saved
 * (a `best` checkpoint has none; the browser's console shows that request).
 * `@fpdb/models/node`'s `loadCheckpoint` also takes a folder path.
 * @returns the model (the caller owns and disposes it), the metadata, and the optimizer state when saved.
 * @throws FpdbError FPDB_CHECKPOINT for a missing (HTTP 404 names the URL and status) or corrupt checkpoint,
 *   a truncated shard; FPDB_NETWORK when a request fails; FPDB_CHECKPOINT_MISMATCH when `expect` differs;
 *   FPDB_PATH_ESCAPE for a shard outside the folder; FPDB_INVALID_ARGUMENT for a source that is neither.
 * @example
 * const { model, metadata } = await loadCheckpoint('models/best/');
 * // or from picked files: Object.fromEntries(await Promise.all([...input.files].map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())])))
 */
export async function loadCheckpoint(source: string | URL | CheckpointFiles, expect: CheckpointExpectations = {}): Promise<LoadedCheckpoint> {
  return readCheckpoint(sourceReader(source), expect);
}
