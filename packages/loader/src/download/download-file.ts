import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FpdbError, isFpdbError } from '@fpdb/schema';
import type { TransferProgress } from './extract-release.js';

/** An expected digest of a download. */
export interface Checksum {
  algorithm: 'md5' | 'sha256';
  /** Hex. */
  value: string;
}

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  /**
   * The expected digest. Default: the server's `Content-MD5` header, else an MD5-looking `ETag`. With none,
   * the file is hashed (sha256 unless `algorithm` says otherwise) but not verified, and the result says so.
   */
  checksum?: Checksum;
  /** The digest to compute when no checksum is known. Default 'sha256'. */
  algorithm?: 'md5' | 'sha256';
  /** Expected size in bytes, checked when given. */
  expectedBytes?: number;
  /** Resumed attempts after a dropped connection. Default 5. */
  retries?: number;
  /** Wait before a retry, ms (doubled each time). Default 1000. */
  retryDelayMs?: number;
  /**
   * On a digest or size mismatch keep the file where it is (for inspection; the next run verifies it
   * again and fails again until it is deleted) instead of deleting it. Default false.
   */
  keepOnMismatch?: boolean;
  /** What to tell the user to do when the server cannot be reached (appended to the message). */
  remedy?: string;
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
}

/** What {@link downloadFile} did. */
export interface DownloadFileResult {
  file: string;
  bytes: number;
  /** HTTP requests made (more than 1 after an interruption); 0 when the file was already there. */
  attempts: number;
  /** True only when a Range request was honoured (HTTP 206 from the offset asked): a `.part` file or a dropped connection continued. A server that answers 200 instead restarts from byte 0, and this stays false. */
  resumed: boolean;
  /** The digest checked, where it came from, and whether it was verified at all. */
  checksum: { algorithm: 'md5' | 'sha256'; value: string; source: 'option' | 'content-md5' | 'etag' | 'none'; verified: boolean };
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

function networkError(url: string, cause: unknown, received: number, remedy: string): FpdbError {
  const code = errnoOf(cause) ?? (cause as Error).message;
  return new FpdbError(
    'FPDB_NETWORK',
    `Cannot reach ${new URL(url).host} (${code})${received > 0 ? ` after ${received.toLocaleString('en-US')} bytes` : ''}. Check the network or proxy and run the command again (it resumes)${remedy ? `, ${remedy}` : ''}.`,
    { cause, details: { value: url, code } },
  );
}

/**
 * Hashes a file, streaming.
 * @example await hashFile('weights.safetensors', 'sha256')
 */
export async function hashFile(file: string, algorithm: 'md5' | 'sha256', onProgress?: (p: TransferProgress) => void): Promise<string> {
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
 * Downloads `url` to `file`, resuming an interrupted transfer with HTTP Range (a `<file>.part` survives
 * across runs), then verifies the size and digest. An existing `file` is not fetched again, only verified.
 * The one download path of fpdb: the release zip and pretrained weights both come through here.
 * @throws FpdbError FPDB_NETWORK (unreachable, with `remedy`), FPDB_DOWNLOAD (HTTP error), FPDB_CHECKSUM
 *   (digest or size mismatch: the file is deleted, or kept with `keepOnMismatch`), FPDB_ABORTED (the `.part` is kept).
 * @example const r = await downloadFile(url, 'weights/resnet18.safetensors', { checksum: { algorithm: 'sha256', value } });
 */
export async function downloadFile(url: string, file: string, options: DownloadFileOptions = {}): Promise<DownloadFileResult> {
  const { retries = 5, retryDelayMs = 1000, remedy = '', onProgress, signal } = options;
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  const part = `${target}.part`;
  let attempts = 0;
  let resumed = false;
  let headerChecksum: ReturnType<typeof checksumFromHeaders>;
  let total: number | undefined;

  if (!(await stat(target).catch(() => undefined))) {
    let failures = 0;
    for (;;) {
      signal?.throwIfAborted();
      const offset = (await stat(part).catch(() => undefined))?.size ?? 0;
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
          throw new FpdbError('FPDB_DOWNLOAD', `${url} answered HTTP ${res.status} ${res.statusText}. Check the URL${remedy ? `, or ${remedy}` : ''}.`, {
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
          if (offset > 0) resumed = true;
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
        if (failures > retries) throw networkError(url, error, (await stat(part).catch(() => undefined))?.size ?? 0, remedy);
        await sleep(retryDelayMs * 2 ** Math.max(0, failures - 1), signal);
      }
    }
    await rename(part, target);
  }

  const bytes = (await stat(target)).size;
  const keep = options.keepOnMismatch === true;
  const fate = keep ? `It was kept for inspection (keep-zip); delete it, then run the download again` : 'It was deleted; run the download again';
  if (options.expectedBytes !== undefined && bytes !== options.expectedBytes) {
    if (!keep) await rm(target, { force: true });
    throw new FpdbError('FPDB_CHECKSUM', `${target} has ${bytes} bytes, expected ${options.expectedBytes}. ${fate}.`, { details: { file: target, value: bytes, kept: keep } });
  }
  const expected = options.checksum ? { ...options.checksum, value: options.checksum.value.toLowerCase(), source: 'option' as const } : headerChecksum;
  if (!expected) {
    const algorithm = options.algorithm ?? 'sha256';
    return { file: target, bytes, attempts, resumed, checksum: { algorithm, value: await hashFile(target, algorithm, onProgress), source: 'none', verified: false } };
  }
  const actual = await hashFile(target, expected.algorithm, onProgress);
  if (actual !== expected.value) {
    if (!keep) await rm(target, { force: true });
    throw new FpdbError('FPDB_CHECKSUM', `${target} has ${expected.algorithm} ${actual}, expected ${expected.value} (from ${expected.source}). The file is corrupt. ${fate}.`, {
      details: { file: target, value: actual, expected: expected.value, kept: keep },
    });
  }
  return { file: target, bytes, attempts, resumed, checksum: { algorithm: expected.algorithm, value: actual, source: expected.source, verified: true } };
}
