import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FpdbError, isFpdbError } from '@fpdb/schema';
import { downloadFile, type Checksum, type DownloadFileResult } from './download-file.js';
import { checkOutputFolder, extractRelease, type ExtractResult, type TransferProgress } from './extract-release.js';

/** The Zenodo record of the release. */
export const ZENODO_RECORD = 3904280;
/** The release zip (about 2.1 GB). */
export const RELEASE_URL = 'https://zenodo.org/records/3904280/files/FETAL_PLANES_ZENODO.zip?download=1';
/** The zip's file name. */
export const RELEASE_ZIP = 'FETAL_PLANES_ZENODO.zip';

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
  /** Keep the zip after extraction, and after a checksum or size mismatch (for inspection). Default false. */
  keepZip?: boolean;
  /** Download again even if `out` already holds a release (its CSV and `Images/` are replaced; other files still refuse). Default false. */
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
  /** True only when the server honoured a Range request (a `.part` file or a dropped connection continued). */
  resumed: boolean;
  /** The digest checked, where it came from, and whether it was verified at all. */
  checksum: DownloadFileResult['checksum'];
  extracted: ExtractResult;
}

/**
 * Downloads the release zip from Zenodo record 3904280 (or `url`) into `out`, resuming an interrupted
 * transfer with HTTP Range (a `.part` file survives across runs), verifies its checksum, and extracts it
 * to the layout {@link openDataset} reads.
 * @throws FpdbError FPDB_NETWORK (unreachable, with advice), FPDB_DOWNLOAD (HTTP error, corrupt zip),
 *   FPDB_CHECKSUM (digest or size mismatch: the zip is deleted, or kept with keepZip), FPDB_OUTPUT_NOT_EMPTY
 *   (other files in `out`, or a release already there without force), FPDB_PATH_ESCAPE (zip slip), FPDB_ABORTED.
 * @example const r = await downloadRelease({ out: '/data/FETAL_PLANES_DB', onProgress: (p) => console.error(p.phase, p.done, p.total) });
 */
export async function downloadRelease(options: DownloadOptions): Promise<DownloadResult> {
  const { url = RELEASE_URL, retries = 5, retryDelayMs = 1000, keepZip = false, force = false, onProgress, signal } = options;
  const out = resolve(options.out);
  const zip = join(out, RELEASE_ZIP);
  // Before a byte is downloaded: a folder holding anything else is refused, never replaced.
  await checkOutputFolder(out, { force, zip });
  await mkdir(out, { recursive: true });
  const { bytes, attempts, resumed, checksum } = await downloadFile(url, zip, {
    ...(options.checksum ? { checksum: options.checksum } : {}),
    ...(options.expectedBytes === undefined ? {} : { expectedBytes: options.expectedBytes }),
    algorithm: 'md5',
    keepOnMismatch: keepZip,
    retries,
    retryDelayMs,
    remedy: `or download ${RELEASE_URL} by hand from Zenodo record ${ZENODO_RECORD} and pass it with --zip`,
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
  });
  let extracted: ExtractResult;
  try {
    extracted = await extractRelease(zip, out, { force, ...(onProgress ? { onProgress } : {}) });
  } catch (error) {
    if (isFpdbError(error, 'FPDB_DOWNLOAD') || isFpdbError(error, 'FPDB_PATH_ESCAPE')) {
      if (!keepZip) await rm(zip, { force: true });
      const fate = keepZip ? `${zip} was kept (keep-zip); delete it before the next run, which downloads it again` : `${zip} was deleted so the next run downloads it again`;
      throw new FpdbError(error.code, `${error.message} (${fate}.)`, { cause: error, details: error.details });
    }
    throw error;
  }
  if (!keepZip) await rm(zip, { force: true });
  return { out, zip, bytes, attempts, resumed, checksum, extracted };
}
