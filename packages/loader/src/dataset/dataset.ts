import {
  FpdbError,
  computeStats,
  holdOutBy,
  labelSpace,
  officialSplit,
  stratifiedGroupKFold,
  validationSplit,
  type BrainPlane,
  type DatasetStats,
  type FpdbRecord,
  type LabelSpace,
  type Operator,
  type Plane,
  type Split,
  type StratifyBy,
  type Task,
  type UsMachine,
  type ValidationIssue,
} from '@fpdb/schema';

/** What is known of one present image file after {@link openDataset} checked it. */
export interface ImageInfo {
  /** Absolute path, always `<root>/Images/<imageName>.png`. */
  path: string;
  /** 1-based CSV line naming the image. */
  line: number;
  /** File size in bytes and modification time (ms): the source identity the cache keys on. */
  size: number;
  mtimeMs: number;
  /** From the PNG header (0 when headers were not checked). */
  width: number;
  height: number;
  colourType: number;
  bitDepth: number;
}

/** Criteria of {@link Dataset.filter}; every given criterion must hold (a list means "any of"). */
export interface DatasetFilter {
  plane?: Plane | readonly Plane[];
  brainPlane?: BrainPlane | readonly BrainPlane[];
  usMachine?: UsMachine | readonly UsMachine[];
  operator?: Operator | readonly Operator[];
  split?: Split;
  /** Keep only records that belong to the task's label space (e.g. `brain`: TT/TC/TV only). */
  task?: Task;
  /** Class names of `task` (default `planes`) to keep. */
  label?: string | readonly string[];
  patientIds?: readonly number[];
  where?: (record: FpdbRecord) => boolean;
}

/** How the images named in the CSV were found. */
export interface DatasetCheck {
  /** Data rows in the CSV (valid or not). */
  rows: number;
  /** Rows the CSV validation rejected (lenient mode), with line and column. */
  metadataIssues: ValidationIssue[];
  /** Images named in valid rows but absent (all of them; skipped when `missing: 'skip'`). */
  missing: string[];
  /** Present images that failed the checks (not a PNG, too large, symlink escape…), skipped when `invalid: 'skip'`. */
  invalid: ValidationIssue[];
  /** PNG files in `Images/` that no CSV row names (when `extra: 'ignore'`). */
  extraFiles: string[];
  /** One human sentence: how many images are usable and what was skipped. */
  summary: string;
}

/** A set of validated records whose images exist, with filtering, label spaces and patient-level splits. */
export interface Dataset {
  /** The release folder (absolute). */
  readonly root: string;
  readonly csvPath: string;
  /** Records whose image is present and passed the checks, in CSV order. */
  readonly records: readonly FpdbRecord[];
  readonly check: DatasetCheck;
  /** Number of records. */
  readonly size: number;
  /** Counts by plane, brain plane, machine, operator, split and patients. */
  stats(): DatasetStats;
  /** A new dataset of the records meeting every criterion. */
  filter(criteria: DatasetFilter): Dataset;
  /** The classes of a task and the record → label mapping. */
  labelSpace(task?: Task): LabelSpace;
  /** The release's own patient-disjoint split. */
  officialSplit(): { train: Dataset; test: Dataset };
  /** A patient-disjoint validation set carved out of these records (usually `officialSplit().train`). */
  validationSplit(options?: { fraction?: number; seed?: number; stratifyBy?: StratifyBy }): { train: Dataset; validation: Dataset };
  /** Stratified group k-fold by patient. */
  kFold(options?: { k?: number; seed?: number; stratifyBy?: StratifyBy }): Array<{ train: Dataset; validation: Dataset }>;
  /** Hold out machines or operators as the test set (device shift); patients on both sides are dropped. */
  holdOut(options: Parameters<typeof holdOutBy>[1]): { train: Dataset; test: Dataset; dropped: Dataset };
  /** The checked file of a record's image. */
  image(record: FpdbRecord | string): ImageInfo;
}

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T]);

/** Builds the Dataset object over a subset of records sharing one root and one image table. */
export function createDataset(root: string, csvPath: string, records: readonly FpdbRecord[], images: ReadonlyMap<string, ImageInfo>, check: DatasetCheck): Dataset {
  const sub = (rs: readonly FpdbRecord[]): Dataset => createDataset(root, csvPath, rs, images, check);
  const dataset: Dataset = {
    root,
    csvPath,
    records,
    check,
    size: records.length,
    stats: () => computeStats(records),
    filter(criteria) {
      const sets = {
        plane: asList(criteria.plane),
        brainPlane: asList(criteria.brainPlane),
        usMachine: asList(criteria.usMachine),
        operator: asList(criteria.operator),
      };
      const space = criteria.task !== undefined || criteria.label !== undefined ? labelSpace(criteria.task ?? 'planes') : undefined;
      const labels = asList(criteria.label);
      labels?.forEach((l) => space!.indexOf(l));
      const patients = criteria.patientIds ? new Set(criteria.patientIds) : undefined;
      return sub(
        records.filter(
          (r) =>
            (!sets.plane || sets.plane.includes(r.plane)) &&
            (!sets.brainPlane || sets.brainPlane.includes(r.brainPlane)) &&
            (!sets.usMachine || sets.usMachine.includes(r.usMachine)) &&
            (!sets.operator || sets.operator.includes(r.operator)) &&
            (criteria.split === undefined || r.split === criteria.split) &&
            (!space || space.includes(r)) &&
            (!labels || labels.includes(space!.nameOf(r)!)) &&
            (!patients || patients.has(r.patientId)) &&
            (!criteria.where || criteria.where(r)),
        ),
      );
    },
    labelSpace: (task = 'planes') => labelSpace(task),
    officialSplit() {
      const { train, test } = officialSplit(records);
      return { train: sub(train), test: sub(test) };
    },
    validationSplit(options) {
      const { train, validation } = validationSplit(records, options);
      return { train: sub(train), validation: sub(validation) };
    },
    kFold: (options) => stratifiedGroupKFold(records, options).map(({ train, validation }) => ({ train: sub(train), validation: sub(validation) })),
    holdOut(options) {
      const { train, test, dropped } = holdOutBy(records, options);
      return { train: sub(train), test: sub(test), dropped: sub(dropped) };
    },
    image(record) {
      const name = typeof record === 'string' ? record : record.imageName;
      const info = images.get(name);
      if (!info) throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name} is not an image of this dataset (absent, skipped or filtered out).`, { details: { value: name } });
      return info;
    },
  };
  return dataset;
}
