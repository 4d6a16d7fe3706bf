import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readMetadata } from '@fpdb/loader/node';
import { computeStats, CSV_FILE, FpdbError, IMAGES_DIR, type DatasetStats, type ValidationIssue } from '@fpdb/schema';
import { defineCommand } from '../command.js';

const MISSING_SHOWN = 10;

/** The `--json` output of `fpdb stats`. */
export interface StatsOutput extends DatasetStats {
  source: string;
  /** Images named in the CSV but absent from `Images/` (0 when only a CSV was given). */
  missingImages: number;
  /** The first missing image names, for the message. */
  missingExamples: string[];
  /** Whether image files were checked (a folder was given). */
  checkedImages: boolean;
  issues: ValidationIssue[];
}

function table(title: string, counts: Record<string, number>, total: number): string[] {
  const width = Math.max(...Object.keys(counts).map((k) => k.length), 10);
  return [title, ...Object.entries(counts).map(([k, n]) => `  ${k.padEnd(width)}  ${String(n).padStart(6)}  ${total ? ((100 * n) / total).toFixed(1).padStart(5) : '  0.0'}%`)];
}

async function locate(target: string): Promise<{ csv: string; root?: string }> {
  let info;
  try {
    info = await stat(target);
  } catch (cause) {
    throw new FpdbError('FPDB_DATASET_NOT_FOUND', `${target} does not exist. Pass the release folder (holding ${CSV_FILE} and ${IMAGES_DIR}/) or the CSV itself.`, {
      cause,
      details: { file: target },
    });
  }
  return info.isDirectory() ? { csv: join(target, CSV_FILE), root: target } : { csv: target };
}

async function listImages(root: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(join(root, IMAGES_DIR))).filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4)));
  } catch {
    return new Set();
  }
}

const stats = defineCommand({
  name: 'stats',
  summary: 'Summarise a release folder or its CSV: counts by plane, brain plane, machine, operator, split; missing images.',
  usage: 'fpdb stats <dir|csv> [--lenient] [--json]',
  description: [
    `Reads ${CSV_FILE} (given directly, or inside the release folder) and prints counts by`,
    'plane, brain plane, US machine, operator and official split, and the number of patients. Given a',
    `folder, it also checks ${IMAGES_DIR}/ and reports images named in the CSV but missing on disk.`,
  ],
  options: {
    lenient: { type: 'boolean', description: 'report invalid rows and summarise the valid ones instead of failing' },
  },
  json: 'print one JSON object (keys: images, patients, missingImages, byPlane, byBrainPlane, byMachine, byOperator, bySplit, patientsBySplit, issues, …)',
  examples: [`fpdb stats fixtures/real/${CSV_FILE} --json`],
  async run({ positionals, values, json, stdout }) {
    const target = positionals[0];
    if (target === undefined || positionals.length > 1) {
      throw new FpdbError('FPDB_USAGE', 'fpdb stats takes exactly one folder or CSV path. Try: fpdb stats fixtures/real');
    }
    const { csv, root } = await locate(target);
    const result = await readMetadata(csv, { mode: values.lenient ? 'lenient' : 'strict' });
    const summary = computeStats(result.records);
    let missing: string[] = [];
    if (root !== undefined) {
      const present = await listImages(root);
      missing = result.records.filter((r) => !present.has(r.imageName)).map((r) => r.imageName);
    }
    const output: StatsOutput = {
      source: target,
      ...summary,
      missingImages: missing.length,
      missingExamples: missing.slice(0, MISSING_SHOWN),
      checkedImages: root !== undefined,
      issues: result.issues,
    };
    if (json) {
      stdout.write(`${JSON.stringify(output)}\n`);
      return 0;
    }
    const n = summary.images;
    const lines = [
      `${target}: ${n} images from ${summary.patients} patients`,
      `  official split: train ${summary.bySplit.train} images / ${summary.patientsBySplit.train} patients, test ${summary.bySplit.test} images / ${summary.patientsBySplit.test} patients`,
      '',
      ...table('Plane', summary.byPlane, n),
      ...table('Brain plane', summary.byBrainPlane, n),
      ...table('US machine', summary.byMachine, n),
      ...table('Operator', summary.byOperator, n),
      '',
    ];
    if (root !== undefined) {
      lines.push(
        missing.length === 0
          ? `All ${n} images are present in ${join(root, IMAGES_DIR)}.`
          : `${missing.length} of ${n} images named in the CSV are missing from ${join(root, IMAGES_DIR)}, e.g. ${missing.slice(0, 3).join(', ')}. ` +
              'Download the full release with `fpdb download`; fpdb cache, audit and train work on the present ones (--missing skip).',
      );
    }
    if (result.issues.length > 0) {
      lines.push(`${result.issues.length} invalid rows were skipped (--lenient):`, ...result.issues.slice(0, MISSING_SHOWN).map((i) => `  - ${i.message}`));
    }
    stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
});

export default stats;
