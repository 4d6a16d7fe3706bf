import { auditDataset, DEFAULT_AUDIT_SIZE, DEFAULT_MAX_HAMMING, DEFAULT_SSIM_THRESHOLD, writeAudit, type AuditProgress } from '@fpdb/audit/node';
import { openDataset } from '@fpdb/loader/node';
import { FpdbError } from '@fpdb/schema';
import { createProgress } from '@fpdb/experiment/node';
import { defineCommand } from '../command.js';
import { checkOutputPath } from '../internal/output-path.js';
import { DATASET_OPTIONS, datasetOptions } from '../internal/options/dataset-options.js';

const PHASES: Record<AuditProgress['phase'], string> = { cache: 'cache (once)', read: 'read cache', hash: 'hash', compare: 'compare (SSIM)', exact: 'confirm exact' };

const audit = defineCommand({
  name: 'audit',
  summary: 'Find exact duplicates, near-duplicates, train/test leaks and odd images; write audit.json and audit.html.',
  usage: 'fpdb audit <dir> [--out audit/] [--threshold 0.8] [--json]',
  description: [
    'Reads every image of the release folder <dir> from its 64×64 pixel cache (built once when missing),',
    'finds exact duplicates (identical decoded pixels, whatever the file bytes) and near-duplicates',
    '(perceptual-hash candidates confirmed by SSIM), groups them and says for each group whether it stays',
    'within one patient, crosses patients, machines or the official train/test split (a leak), and whether',
    "its labels disagree. Also lists nearly blank or saturated frames, sizes far from their machine's,",
    'extreme aspect ratios and PNG modes rare in the release. Progress goes to stderr.',
  ],
  options: {
    out: { type: 'path', placeholder: 'DIR', default: 'audit', description: 'folder for audit.json and audit.html' },
    threshold: { type: 'number', min: 0, max: 1, default: DEFAULT_SSIM_THRESHOLD, description: 'SSIM a candidate pair must reach to be a near-duplicate' },
    'max-hamming': { type: 'integer', min: 0, max: 32, default: DEFAULT_MAX_HAMMING, description: 'perceptual-hash radius of the candidate search (bits)' },
    size: { type: 'integer', min: 16, max: 256, default: DEFAULT_AUDIT_SIZE, description: 'side of the cached pixels compared' },
    'cache-dir': { type: 'path', placeholder: 'DIR', description: 'cache folder instead of <dir>/.fpdb-cache' },
    ...DATASET_OPTIONS,
  },
  examples: ['fpdb audit fixtures/real --out audit', 'fpdb audit /data/FETAL_PLANES_DB --json > audit-summary.json'],
  async run({ positionals, values, json, stdout, stderr, signal }) {
    const root = positionals[0];
    if (root === undefined || positionals.length > 1) throw new FpdbError('FPDB_USAGE', 'fpdb audit takes exactly one release folder. Try: fpdb audit fixtures/real --out audit');
    const started = Date.now();
    await checkOutputPath(values.out, '--out', 'folder');
    const dataset = await openDataset(root, datasetOptions(values));
    stderr.write(`${dataset.check.summary}\n`);
    let bar: ReturnType<typeof createProgress> | undefined;
    let phase: AuditProgress['phase'] | undefined;
    const report = await auditDataset(dataset, {
      threshold: values.threshold,
      maxHamming: values['max-hamming'],
      size: values.size,
      signal,
      ...(values['cache-dir'] === undefined ? {} : { cacheDir: values['cache-dir'] }),
      onProgress: (p) => {
        if (p.phase !== phase) {
          bar?.done();
          phase = p.phase;
          bar = createProgress({ label: PHASES[p.phase], total: p.total, stream: stderr });
        }
        bar!.update(p.done);
      },
    });
    bar?.done();
    const written = await writeAudit(dataset, report, values.out ?? 'audit', values['cache-dir'] === undefined ? {} : { cacheDir: values['cache-dir'] });
    const s = report.summary;
    const seconds = (Date.now() - started) / 1000;
    const text =
      `Audited ${s.images.toLocaleString('en-US')} images in ${seconds.toFixed(1)} s: ${s.exactGroups} exact and ${s.nearGroups} near-duplicate groups ` +
      `(${s.imagesInGroups} images, ${s.redundantImages} redundant); ${s.withinPatient} within one patient, ${s.crossPatient} across patients, ` +
      `${s.crossSplit} across the train/test split (leaks), ${s.crossMachine} across machines, ${s.labelsDisagree} with disagreeing labels; ` +
      `${report.oddities.length} oddities. Report: ${written.html}`;
    if (json) stdout.write(`${JSON.stringify({ ...written, seconds, summary: s, options: report.options })}\n`);
    else stdout.write(`${text}\n`);
    return 0;
  },
});

export default audit;
