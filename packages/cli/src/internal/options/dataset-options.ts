import type { OpenDatasetOptions } from '@fpdb/loader/node';
import type { OptionValues } from '../../option-table.js';
import { choicesOf } from './choices-of.js';

const MISSING = choicesOf<NonNullable<OpenDatasetOptions['missing']>>()(['skip', 'error']);
const EXTRA = choicesOf<NonNullable<OpenDatasetOptions['extra']>>()(['error', 'ignore']);

/**
 * The flags of the commands that open a release folder: the `openDataset` options its error messages
 * suggest (`pass { missing: 'skip' }` is said `add --missing skip`, see cliMessage).
 */
export const DATASET_OPTIONS = {
  lenient: { type: 'boolean', description: 'drop CSV rows that fail validation (each reported) instead of failing' },
  missing: { type: 'enum', choices: MISSING, default: 'skip', description: 'images named in the CSV but absent: skip them, or fail (error)' },
  extra: { type: 'enum', choices: EXTRA, default: 'error', description: 'PNGs in Images/ that no CSV row names: fail (error), or ignore them' },
} as const;

/** The `openDataset` options of {@link DATASET_OPTIONS}' values. */
export function datasetOptions(values: OptionValues<typeof DATASET_OPTIONS>): Pick<OpenDatasetOptions, 'mode' | 'missing' | 'extra'> {
  return { mode: values.lenient ? 'lenient' : 'strict', missing: values.missing, extra: values.extra };
}
