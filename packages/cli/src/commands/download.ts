import { resolve } from 'node:path';
import { downloadRelease, extractRelease, RELEASE_URL, ZENODO_RECORD, type Checksum, type TransferProgress } from '@fpdb/loader/node';
import { CSV_FILE, FpdbError, IMAGES_DIR } from '@fpdb/schema';
import { defineCommand, type TextOutput } from '../command.js';
import { createProgress, type Progress } from '@fpdb/experiment/node';

const MB = 1024 * 1024;

function checksumOption(md5: string | undefined, sha256: string | undefined): Checksum | undefined {
  if (md5 !== undefined && sha256 !== undefined) throw new FpdbError('FPDB_USAGE', 'Give --md5 or --sha256, not both.');
  if (md5 !== undefined) return { algorithm: 'md5', value: md5 };
  if (sha256 !== undefined) return { algorithm: 'sha256', value: sha256 };
  return undefined;
}

/** One progress bar per phase (download in MB, verify in MB, extract in files) on stderr. */
function phaseProgress(stderr: TextOutput): { on: (p: TransferProgress) => void; end: () => void } {
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
        bar = createProgress({
          label: bytes ? `${p.phase} MB` : 'extract files',
          total: bytes ? Math.ceil((p.total ?? 0) / MB) : (p.total ?? 0),
          stream: stderr,
        });
      }
      bar?.update(p.phase === 'extract' ? p.done : Math.floor(p.done / MB));
    },
    end,
  };
}

const download = defineCommand({
  name: 'download',
  // A plain literal: the registry reads it at build time so `fpdb --help` loads no command (the record is in the description).
  summary: 'Download the FETAL_PLANES_DB release zip from Zenodo (resumable), verify it and extract it.',
  usage: 'fpdb download --out DIR [--md5 HEX | --sha256 HEX] [options]',
  description: [
    `Fetches ${RELEASE_URL}`,
    '(about 2.1 GB) into DIR with a progress bar, resumes an interrupted download (HTTP Range; the',
    `.part file is kept between runs), verifies the checksum, and extracts DIR/${CSV_FILE} and`,
    `DIR/${IMAGES_DIR}/ for \`fpdb cache\`, \`fpdb stats\` and the loader.`,
    '',
    "Checksum: pass the md5 shown on the Zenodo record page with --md5. Without it the server's Content-MD5",
    'or an md5 ETag is used when present; otherwise the zip is NOT verified and the output says so.',
  ],
  options: {
    out: { type: 'path', placeholder: 'DIR', required: true, description: 'destination folder' },
    md5: { type: 'string', pattern: /[0-9a-f]{32}/i, expected: '32 hex digits', placeholder: 'HEX', description: 'expected md5 of the zip' },
    sha256: { type: 'string', pattern: /[0-9a-f]{64}/i, expected: '64 hex digits', placeholder: 'HEX', description: 'expected sha256 of the zip, instead of --md5' },
    url: { type: 'string', placeholder: 'URL', pattern: /https?:\/\/[^\s/?#]+\S*/i, expected: 'an http:// or https:// URL', description: 'another mirror of the same zip' },
    zip: { type: 'path', placeholder: 'FILE', description: 'extract a zip you already downloaded instead of fetching it' },
    'keep-zip': { type: 'boolean', description: 'keep the zip after extracting, and after a failed checksum (for inspection)' },
    force: { type: 'boolean', description: 'replace the release DIR already holds (its CSV and Images/); a DIR with other files is always refused' },
    retries: { type: 'integer', min: 0, description: 'resumed attempts after a dropped connection', defaultText: '5' },
  },
  examples: ['fpdb download --out ~/data/FETAL_PLANES_DB --md5 <md5 from the Zenodo page>'],
  async run({ positionals, values, json, stdout, stderr, signal }) {
    if (positionals.length > 0) throw new FpdbError('FPDB_USAGE', `fpdb download takes no positional arguments (got ${positionals.join(' ')}); use --out DIR.`);
    const out = resolve(values.out);
    const checksum = checksumOption(values.md5, values.sha256);
    const { retries, url, zip } = values;
    const progress = phaseProgress(stderr);
    let output: Record<string, unknown>;
    if (zip !== undefined) {
      if (checksum) stderr.write('note: --md5/--sha256 are checked on downloads only; verify a local zip yourself (md5sum).\n');
      const extracted = await extractRelease(resolve(zip), out, { onProgress: progress.on, force: values.force });
      progress.end();
      output = { out, zip: resolve(zip), downloaded: false, extracted };
    } else {
      const result = await downloadRelease({
        out,
        ...(url === undefined ? {} : { url }),
        ...(checksum ? { checksum } : {}),
        ...(retries === undefined ? {} : { retries }),
        keepZip: values['keep-zip'],
        force: values.force,
        onProgress: progress.on,
        signal,
      });
      progress.end();
      if (!result.checksum.verified) {
        stderr.write(
          `warning: no checksum was given or published by the server; the zip was NOT verified (its md5 is ${result.checksum.value}). Compare it with the md5 on https://zenodo.org/records/${ZENODO_RECORD}.\n`,
        );
      }
      output = { ...result, downloaded: true };
    }
    const extracted = output.extracted as { images: number; csv: string };
    if (json) stdout.write(`${JSON.stringify(output)}\n`);
    else stdout.write(`Extracted ${extracted.images.toLocaleString('en-US')} images and ${extracted.csv} into ${out}. Next: fpdb stats ${out}\n`);
    return 0;
  },
});

export default download;
