import { resolve } from 'node:path';
import { downloadRelease, extractRelease, RELEASE_URL, ZENODO_RECORD, type Checksum, type TransferProgress } from '@fpdb/loader/node';
import { FpdbError } from '@fpdb/schema';
import type { CliCommand } from '../command.js';
import { createProgress, type Progress } from '@fpdb/experiment';

const MB = 1024 * 1024;

function checksumOption(values: Record<string, unknown>): Checksum | undefined {
  const md5 = values.md5 as string | undefined;
  const sha256 = values.sha256 as string | undefined;
  if (md5 !== undefined && sha256 !== undefined) throw new FpdbError('FPDB_USAGE', 'Give --md5 or --sha256, not both.');
  if (md5 !== undefined) {
    if (!/^[0-9a-f]{32}$/i.test(md5)) throw new FpdbError('FPDB_USAGE', `--md5 must be 32 hex digits; got ${JSON.stringify(md5)}.`);
    return { algorithm: 'md5', value: md5 };
  }
  if (sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(sha256)) throw new FpdbError('FPDB_USAGE', `--sha256 must be 64 hex digits; got ${JSON.stringify(sha256)}.`);
    return { algorithm: 'sha256', value: sha256 };
  }
  return undefined;
}

/** One progress bar per phase (download in MB, verify in MB, extract in files) on stderr. */
function phaseProgress(stderr: NodeJS.WritableStream): { on: (p: TransferProgress) => void; end: () => void } {
  let phase: string | undefined;
  let bar: Progress | undefined;
  const end = (): void => {
    bar?.done();
    bar = undefined;
  };
  return {
    on(p) {
      if (p.phase !== phase) {
        end();
        phase = p.phase;
        const bytes = p.phase !== 'extract';
        bar = createProgress({ label: bytes ? `${p.phase} MB` : 'extract files', total: bytes ? Math.ceil((p.total ?? 0) / MB) : (p.total ?? 0), stream: stderr as NodeJS.WritableStream & { isTTY?: boolean } });
      }
      bar?.update(p.phase === 'extract' ? p.done : Math.floor(p.done / MB));
    },
    end,
  };
}

const download: CliCommand = {
  name: 'download',
  summary: `Download the release zip from Zenodo record ${ZENODO_RECORD} (resumable), verify it and extract it.`,
  usage: [
    'Usage: fpdb download --out DIR [--md5 HEX | --sha256 HEX] [options]',
    '',
    `Fetches ${RELEASE_URL}`,
    '(about 2.1 GB) into DIR with a progress bar, resumes an interrupted download (HTTP Range; the',
    '.part file is kept between runs), verifies the checksum, and extracts DIR/FETAL_PLANES_DB_data.csv and',
    'DIR/Images/ for `fpdb cache`, `fpdb stats` and the loader.',
    '',
    'Checksum: pass the md5 shown on the Zenodo record page with --md5. Without it the server\'s Content-MD5',
    'or an md5 ETag is used when present; otherwise the zip is NOT verified and the output says so.',
    '',
    'Options:',
    '  --out DIR        destination folder (required)',
    '  --md5 HEX        expected md5 of the zip; --sha256 HEX likewise',
    '  --url URL        another mirror of the same zip',
    '  --zip FILE       extract a zip you already downloaded instead of fetching it',
    '  --keep-zip       keep the zip after extracting',
    '  --force          download again even if DIR already holds the release',
    '  --retries N      resumed attempts after a dropped connection (default 5)',
    '  --json           print one JSON object on stdout',
    '',
    'Example: fpdb download --out ~/data/FETAL_PLANES_DB --md5 <md5 from the Zenodo page>',
  ].join('\n'),
  options: {
    out: { type: 'string' },
    md5: { type: 'string' },
    sha256: { type: 'string' },
    url: { type: 'string' },
    zip: { type: 'string' },
    'keep-zip': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    retries: { type: 'string' },
  },
  async run({ positionals, values, json, stdout, stderr, signal }) {
    if (positionals.length > 0) throw new FpdbError('FPDB_USAGE', `fpdb download takes no positional arguments (got ${positionals.join(' ')}); use --out DIR.`);
    if (typeof values.out !== 'string') throw new FpdbError('FPDB_USAGE', 'fpdb download needs --out DIR.');
    const out = resolve(values.out);
    const checksum = checksumOption(values);
    const retries = values.retries === undefined ? undefined : Number(values.retries);
    if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) throw new FpdbError('FPDB_USAGE', `--retries must be an integer ≥ 0; got ${JSON.stringify(values.retries)}.`);
    const progress = phaseProgress(stderr);
    let output: Record<string, unknown>;
    if (typeof values.zip === 'string') {
      if (checksum) stderr.write('note: --md5/--sha256 are checked on downloads only; verify a local zip yourself (md5sum).\n');
      const extracted = await extractRelease(resolve(values.zip), out, { onProgress: progress.on });
      progress.end();
      output = { out, zip: resolve(values.zip), downloaded: false, extracted };
    } else {
      const result = await downloadRelease({
        out,
        ...(typeof values.url === 'string' ? { url: values.url } : {}),
        ...(checksum ? { checksum } : {}),
        ...(retries === undefined ? {} : { retries }),
        keepZip: Boolean(values['keep-zip']),
        force: Boolean(values.force),
        onProgress: progress.on,
        signal,
      });
      progress.end();
      if (!result.checksum.verified) {
        stderr.write(`warning: no checksum was given or published by the server; the zip was NOT verified (its md5 is ${result.checksum.value}). Compare it with the md5 on https://zenodo.org/records/${ZENODO_RECORD}.\n`);
      }
      output = { ...result, downloaded: true };
    }
    const extracted = output.extracted as { images: number; csv: string };
    if (json) stdout.write(`${JSON.stringify(output)}\n`);
    else stdout.write(`Extracted ${extracted.images.toLocaleString('en-US')} images and ${extracted.csv} into ${out}. Next: fpdb stats ${out}\n`);
    return 0;
  },
};

export default download;
