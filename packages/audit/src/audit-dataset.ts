import type { Dataset } from '@fpdb/loader/node';
import type { DuplicateGroup } from './duplicate-group.js';
import { duplicatesFromPixels, readAuditPixels, type DuplicateStats, type FindDuplicatesOptions } from './find-duplicates.js';
import { ODDITY_KINDS, findOddities, type ImageOddity, type ImageProfile, type OddityKind, type OddityOptions } from './image-oddities.js';

/** Options of {@link auditDataset}: the duplicate search's and the oddity thresholds. */
export interface AuditOptions extends FindDuplicatesOptions {
  oddities?: OddityOptions;
}

/** Counts first: what a reader of the report wants before the groups. */
export interface AuditSummary {
  images: number;
  exactGroups: number;
  nearGroups: number;
  /** Images in some group, and images a deduplication keeping one per group would remove. */
  imagesInGroups: number;
  redundantImages: number;
  withinPatient: number;
  crossPatient: number;
  /** Groups with members in both official train and test: leaks. */
  crossSplit: number;
  crossMachine: number;
  labelsDisagree: number;
  oddities: Record<OddityKind, number>;
}

/** The whole audit: `audit.json`. */
export interface AuditReport {
  format: 'fpdb-audit';
  version: 1;
  root: string;
  createdAt: string;
  options: { threshold: number; maxHamming: number; size: number };
  summary: AuditSummary;
  groups: DuplicateGroup[];
  oddities: ImageOddity[];
  stats: DuplicateStats;
}

/** Summary counts of groups and oddities. */
export function summarizeAudit(images: number, groups: readonly DuplicateGroup[], oddities: readonly ImageOddity[]): AuditSummary {
  const count = (f: (g: DuplicateGroup) => boolean): number => groups.filter(f).length;
  const byKind = Object.fromEntries(ODDITY_KINDS.map((k) => [k, oddities.filter((o) => o.kind === k).length])) as Record<OddityKind, number>;
  const inGroups = groups.reduce((s, g) => s + g.members.length, 0);
  return {
    images,
    exactGroups: count((g) => g.kind === 'exact'),
    nearGroups: count((g) => g.kind === 'near'),
    imagesInGroups: inGroups,
    redundantImages: inGroups - groups.length,
    withinPatient: count((g) => g.scope.withinPatient),
    crossPatient: count((g) => g.scope.crossPatient),
    crossSplit: count((g) => g.scope.crossSplit),
    crossMachine: count((g) => g.scope.crossMachine),
    labelsDisagree: count((g) => g.labelsDisagree),
    oddities: byKind,
  };
}

/** Statistics of cached pixels for the blank / saturated / flat checks. */
export function pixelProfile(pixels: Uint8Array): Pick<ImageProfile, 'darkShare' | 'brightShare' | 'std'> {
  let dark = 0;
  let bright = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (v <= 8) dark++;
    else if (v >= 247) bright++;
    sum += v;
    sq += v * v;
  }
  const n = pixels.length;
  const mean = sum / n;
  return { darkShare: dark / n, brightShare: bright / n, std: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
}

/**
 * Audits a dataset from its pixel cache: duplicate groups ({@link findDuplicates}) and per-image oddities
 * (blank, saturated, low-information frames; sizes far from their machine's; extreme aspect ratios; PNG
 * modes rare in the release, from the headers `openDataset` read). Write it with `writeAudit`.
 * @throws FpdbError as findDuplicates.
 * @example
 * const report = await auditDataset(await openDataset(dir, { missing: 'skip' }));
 * console.log(report.summary.crossSplit, 'groups leak across the official split');
 */
export async function auditDataset(dataset: Dataset, options: AuditOptions = {}): Promise<AuditReport> {
  const data = await readAuditPixels(dataset, options);
  const result = await duplicatesFromPixels(dataset, data, options);
  const slot = data.size * data.size;
  const profiles: ImageProfile[] = dataset.records.map((r, i) => {
    const info = dataset.image(r);
    return {
      imageName: r.imageName,
      usMachine: r.usMachine,
      width: info.width,
      height: info.height,
      colourType: info.colourType,
      bitDepth: info.bitDepth,
      ...pixelProfile(data.pixels.subarray(i * slot, (i + 1) * slot)),
    };
  });
  const oddities = findOddities(profiles, options.oddities);
  return {
    format: 'fpdb-audit',
    version: 1,
    root: dataset.root,
    createdAt: new Date().toISOString(),
    options: { threshold: result.threshold, maxHamming: result.maxHamming, size: result.size },
    summary: summarizeAudit(dataset.size, result.groups, oddities),
    groups: result.groups,
    oddities,
    stats: result.stats,
  };
}
