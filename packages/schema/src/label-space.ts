import { FpdbError } from './errors.js';
import type { FpdbRecord } from './record.js';
import { PLANES, STANDARD_BRAIN_PLANES } from './vocabulary.js';

/** The tasks people train on this data. */
export const TASKS = ['planes', 'brain', 'fine'] as const;
export type Task = (typeof TASKS)[number];

/**
 * The classes of one task, in index order, and how records map to them.
 * Indices follow the `classes` tuple; names are the release's spellings.
 */
export interface LabelSpace {
  readonly task: Task;
  readonly classes: readonly string[];
  /** Whether a record belongs to this task (e.g. only TT/TC/TV brain images for `brain`). */
  includes(record: FpdbRecord): boolean;
  /** The class name of a record, or undefined when it is not part of the task. */
  nameOf(record: FpdbRecord): string | undefined;
  /** The class index of a record. @throws FpdbError FPDB_LABEL when the record is not part of the task. */
  labelOf(record: FpdbRecord): number;
  /** Index of a class name. @throws FpdbError FPDB_LABEL for an unknown name. */
  indexOf(name: string): number;
  /** Name of a class index. @throws FpdbError FPDB_LABEL for an index out of range. */
  classAt(index: number): string;
}

/** The 8 classes of the `fine` task: the 5 non-brain planes and the 3 standard brain sub-planes. */
export const FINE_CLASSES = ['Fetal abdomen', 'Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular', 'Fetal femur', 'Fetal thorax', 'Maternal cervix', 'Other'] as const;

function makeSpace(task: Task, classes: readonly string[], nameOf: (r: FpdbRecord) => string | undefined): LabelSpace {
  const index = new Map(classes.map((c, i) => [c, i]));
  return Object.freeze({
    task,
    classes,
    includes: (r: FpdbRecord) => nameOf(r) !== undefined,
    nameOf,
    labelOf(r: FpdbRecord) {
      const name = nameOf(r);
      if (name === undefined) {
        throw new FpdbError('FPDB_LABEL', `${r.imageName} (${r.plane}, ${r.brainPlane}) is not part of the ${task} task. Filter records with labelSpace.includes first.`, {
          details: { value: r.imageName },
        });
      }
      return index.get(name)!;
    },
    indexOf(name: string) {
      const i = index.get(name);
      if (i === undefined) {
        throw new FpdbError('FPDB_LABEL', `${JSON.stringify(name)} is not a class of the ${task} task; classes are ${classes.join(', ')}.`, { details: { value: name } });
      }
      return i;
    },
    classAt(i: number) {
      const name = classes[i];
      if (!Number.isInteger(i) || name === undefined) {
        throw new FpdbError('FPDB_LABEL', `Class index ${i} is out of range for the ${task} task (0–${classes.length - 1}).`, { details: { value: i } });
      }
      return name;
    },
  });
}

/** 6 classes: the `Plane` column. Every record belongs. */
export const planesSpace: LabelSpace = makeSpace('planes', PLANES, (r) => r.plane);

/** 3 classes TT/TC/TV: brain images with a standard brain plane (brain `Other` excluded). */
export const brainSpace: LabelSpace = makeSpace('brain', STANDARD_BRAIN_PLANES, (r) =>
  r.plane === 'Fetal brain' && r.brainPlane !== 'Other' && r.brainPlane !== 'Not A Brain' ? r.brainPlane : undefined,
);

/** 8 classes: the 5 non-brain planes plus TT/TC/TV (brain `Other` excluded). */
export const fineSpace: LabelSpace = makeSpace('fine', FINE_CLASSES, (r) => {
  if (r.plane !== 'Fetal brain') return r.plane;
  return r.brainPlane === 'Other' || r.brainPlane === 'Not A Brain' ? undefined : r.brainPlane;
});

/**
 * The label space of a task.
 * @throws FpdbError FPDB_LABEL for an unknown task name.
 * @example labelSpace('brain').classes // ['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular']
 */
export function labelSpace(task: Task | string): LabelSpace {
  switch (task) {
    case 'planes':
      return planesSpace;
    case 'brain':
      return brainSpace;
    case 'fine':
      return fineSpace;
    default:
      throw new FpdbError('FPDB_LABEL', `Unknown task ${JSON.stringify(task)}; use one of ${TASKS.join(', ')}.`, { details: { value: task } });
  }
}
