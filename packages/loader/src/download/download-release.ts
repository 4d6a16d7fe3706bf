import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CSV_FILE, FpdbError, isFpdbError } from '@fpdb/schema';
import { extractRelease, type ExtractResult, type TransferProgress } from './extract-release.js';

/** The Zenodo record of the release. */
export const ZENODO_RECORD = 3904280;
/** The release zip (about 2.1 GB). */
export const RELEASE_URL = 'https://zenodo.org/records/3904280/files/FETAL_PLANES_ZENODO.zip?download=1';
/** The zip's file name. */
export const RELEASE_ZIP = 'FETAL_PLANES_ZENODO.zip';

/** An expected digest of the zip. */
export interface Checksum {
  algorithm: 'md5' | 'sha256';
  /** Hex. */
  value: string;
}

/** Options of {@link downloadRelease}. */
export interface DownloadOptions {
  /** Folder to extract into (`out/FETAL_PLANES_DB_data.csv`, `out/Images/`); the zip is downloaded there too. */
  out: string;
  /** Default {@link RELEASE_URL}. */
  url?: string;
  /**
   * The expected digest. Default: the server's `Content-MD5` header, else an MD5-looking `ETag`
   * (Zenodo publishes the md5 on the record page). With none, the zip is not verified and the result says so.
   */
  checksum?: Checksum;
  /** Expected zip size in bytes, checked when given. */
  expectedBytes?: number;
  /** Resumed attempts after a dropped connection. Default 5. */
  retries?: number;
  /** Wait before a retry, ms (doubled each time). Default 1000. */
  retryDelayMs?: number;
  /** Keep the zip after extraction. Default false. */
  keepZip?: boolean;
  /** Download again even if `out` already holds a release. Default false. */
  force?: boolean;
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
}

/** What {@link downloadRelease} did. */
export interface DownloadResult {
  out: string;
  /** The zip's path (deleted after extraction unless keepZip). */
  zip: string;
  bytes: number;
  /** HTTP requests made (more than 1 after an interruption). */
  attempts: number;
  /** True when a previous partial download (`.part`) or a dropped connection was continued with a Range request. */
  resumed: boolean;
  /** The digest checked, where it came from, and whether it was verified at all. */
  checksum: { algorithm: 'md5' | 'sha256'; value: string; source: 'option' | 'content-md5' | 'etag' | 'none'; verified: boolean };
  extracted: ExtractResult;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'EPIPE']);

function errnoOf(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkError(url: string, cause: unknown, received: number): FpdbError {
  const code = errnoOf(cause) ?? (cause as Error).message;
  return new FpdbError(
    'FPDB_NETWORK',
    `Cannot reach ${new URL(url).host} (${code})${received > 0 ? ` after ${received.toLocaleString('en-US')} bytes` : ''}. Check the network or proxy and run \`fpdb download\` again (it resumes), or download ${RELEASE_URL} by hand from Zenodo record ${ZENODO_RECORD} and pass it with --zip.`,
    { cause, details: { value: url, code } },
  );
}

async function hashFile(file: string, algorithm: string, onProgress?: (p: TransferProgress) => void): Promise<string> {
  const hash = createHash(algorithm);
  const total = (await stat(file)).size;
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.({ phase: 'verify', done, total });
  }
  return hash.digest('hex');
}

function checksumFromHeaders(headers: Headers, status: number): { algorithm: 'md5'; value: string; source: 'content-md5' | 'etag' } | undefined {
  // Content-MD5 digests the body sent, so only a full (200) response gives the whole file's md5.
  const contentMd5 = status === 200 ? headers.get('content-md5') : null;
  if (contentMd5) {
    const hex = Buffer.from(contentMd5, 'base64').toString('hex');
    if (hex.length === 32) return { algorithm: 'md5', value: hex, source: 'content-md5' };
  }
  const m = /^(?:W\/)?"?(?:md5:)?([0-9a-f]{32})"?$/i.exec(headers.get('etag') ?? '');
  return m ? { algorithm: 'md5', value: m[1]!.toLowerCase(), source: 'etag' } : undefined;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((ok, fail) => {
    const t = setTimeout(ok, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), fail(signal.reason)), { once: true });
  });

/**
 * Downloads the release zip from Zenodo record 3904280 (or `url`) into `out`, resuming an interrupted
 * transfer with HTTP Range (a `.part` file survives across runs), verifies its checksum, and extracts it
 * to the layout {@link openDataset} reads.
 * @throws FpdbError FPDB_NETWORK (unreachable, with advice), FPDB_DOWNLOAD (HTTP error, corrupt zip),
 *   FPDB_CHECKSUM (digest or size mismatch: the zip is deleted), FPDB_OUTPUT_NOT_EMPTY (a release is already
 *   there; pass force), FPDB_PATH_ESCAPE (zip slip), FPDB_ABORTED.
 * @example const r = await downloadRelease({ out: '/data/FETAL_PLANES_DB', onProgress: (p) => console.error(p.phase, p.done, p.total) });
 */
export async function downloadRelease(options: DownloadOptions): Promise<DownloadResult> {
  const { url = RELEASE_URL, retries = 5, retryDelayMs = 1000, keepZip = false, force = false, onProgress, signal } = options;
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  if (!force && (await stat(join(out, CSV_FILE)).catch(() => undefined))) {
    throw new FpdbError('FPDB_OUTPUT_NOT_EMPTY', `${out} already holds ${CSV_FILE}; open it with openDataset, or pass force (--force) to download again.`, { details: { file: out } });
  }
  const zip = join(out, RELEASE_ZIP);
  const part = `${zip}.part`;
  let attempts = 0;
  let resumed = false;
  let headerChecksum: ReturnType<typeof checksumFromHeaders>;
  let total: number | undefined;

  if (!(await stat(zip).catch(() => undefined))) {
    let failures = 0;
    for (;;) {
      signal?.throwIfAborted();
      const offset = (await stat(part).catch(() => undefined))?.size ?? 0;
      if (offset > 0) resumed = true;
      attempts++;
      let received = 0;
      try {
        const res = await fetch(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, redirect: 'follow', ...(signal ? { signal } : {}) });
        if (res.status === 416 && offset > 0 && total !== undefined && offset >= total) {
          await res.body?.cancel();
          break;
        }
        if (res.status === 416) {
          await res.body?.cancel();
          await rm(part, { force: true });
          continue;
        }
        if (res.status !== 200 && res.status !== 206) {
          await res.body?.cancel();
          throw new FpdbError('FPDB_DOWNLOAD', `${url} answered HTTP ${res.status} ${res.statusText}. Check the URL; the release is Zenodo record ${ZENODO_RECORD}.`, {
            details: { value: url, status: res.status },
          });
        }
        headerChecksum ??= checksumFromHeaders(res.headers, res.status);
        let start = offset;
        if (res.status === 206) {
          const m = /bytes (\d+)-\d+\/(\d+|\*)/.exec(res.headers.get('content-range') ?? '');
          if (!m || Number(m[1]) !== offset) {
            await res.body?.cancel();
            await rm(part, { force: true });
            continue;
          }
          if (m[2] !== '*') total = Number(m[2]);
        } else {
          start = 0;
          const length = res.headers.get('content-length');
          if (length) total = Number(length);
        }
        const handle = await open(part, start === 0 ? 'w' : 'a');
        try {
          if (!res.body) throw new Error('empty body');
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            await handle.write(chunk);
            received += chunk.length;
            onProgress?.({ phase: 'download', done: start + received, ...(total === undefined ? {} : { total }) });
          }
        } finally {
          await handle.close();
        }
        const size = (await stat(part)).size;
        if (total !== undefined && size < total) throw Object.assign(new Error(`connection closed at ${size} of ${total} bytes`), { code: 'ECONNRESET' });
        break;
      } catch (error) {
        if (isFpdbError(error)) throw error;
        if (signal?.aborted) throw new FpdbError('FPDB_ABORTED', `Download stopped; ${part} is kept and the next run resumes it.`, { cause: error, details: { file: part } });
        const code = errnoOf(error);
        const isNetwork = (code !== undefined && NETWORK_CODES.has(code)) || error instanceof TypeError || /terminated|socket|closed/i.test((error as Error).message);
        if (!isNetwork) throw new FpdbError('FPDB_DOWNLOAD', `Downloading ${url} failed: ${(error as Error).message}`, { cause: error, details: { value: url } });
        // Progress made: the connection dropped mid-transfer; resume. No progress: count towards the retry limit.
        failures = received > 0 ? 0 : failures + 1;
        if (failures > retries) throw networkError(url, error, (await stat(part).catch(() => undefined))?.size ?? 0);
        resumed = true;
        await sleep(retryDelayMs * 2 ** Math.max(0, failures - 1), signal);
      }
    }
    await rename(part, zip);
  }

  const bytes = (await stat(zip)).size;
  if (options.expectedBytes !== undefined && bytes !== options.expectedBytes) {
    await rm(zip, { force: true });
    throw new FpdbError('FPDB_CHECKSUM', `${zip} has ${bytes} bytes, expected ${options.expectedBytes}. It was deleted; run the download again.`, { details: { file: zip, value: bytes } });
  }
  const expected = options.checksum ? { ...options.checksum, value: options.checksum.value.toLowerCase(), source: 'option' as const } : headerChecksum;
  let checksum: DownloadResult['checksum'];
  if (expected) {
    const actual = await hashFile(zip, expected.algorithm, onProgress);
    if (actual !== expected.value) {
      await rm(zip, { force: true });
      throw new FpdbError(
        'FPDB_CHECKSUM',
        `${zip} has ${expected.algorithm} ${actual}, expected ${expected.value} (from ${expected.source}). The file is corrupt and was deleted; run the download again.`,
        { details: { file: zip, value: actual, expected: expected.value } },
      );
    }
    checksum = { algorithm: expected.algorithm, value: actual, source: expected.source, verified: true };
  } else {
    checksum = { algorithm: 'md5', value: await hashFile(zip, 'md5', onProgress), source: 'none', verified: false };
  }
  let extracted: ExtractResult;
  try {
    extracted = await extractRelease(zip, out, onProgress ? { onProgress } : {});
  } catch (error) {
    if (isFpdbError(error, 'FPDB_DOWNLOAD') || isFpdbError(error, 'FPDB_PATH_ESCAPE')) {
      await rm(zip, { force: true });
      throw new FpdbError(error.code, `${error.message} (${zip} was deleted so the next run downloads it again.)`, { cause: error, details: error.details });
    }
    throw error;
  }
  if (!keepZip) await rm(zip, { force: true });
  return { out, zip, bytes, attempts, resumed, checksum, extracted };
}
