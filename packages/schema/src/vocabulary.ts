/**
 * The release's label vocabularies, spelled exactly as `FETAL_PLANES_DB_data.csv` spells them
 * (case-sensitive). Order is fixed: indices into these tuples are label indices.
 */

/** The six `Plane` values, in the order used for the 6-class task. */
export const PLANES = ['Fetal abdomen', 'Fetal brain', 'Fetal femur', 'Fetal thorax', 'Maternal cervix', 'Other'] as const;
export type Plane = (typeof PLANES)[number];

/** The `Brain_plane` values. `Not A Brain` exactly when `Plane` is not `Fetal brain`. */
export const BRAIN_PLANES = ['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular', 'Other', 'Not A Brain'] as const;
export type BrainPlane = (typeof BRAIN_PLANES)[number];

/** The three standard brain sub-planes (TT, TC, TV). */
export const STANDARD_BRAIN_PLANES = ['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular'] as const;
export type StandardBrainPlane = (typeof STANDARD_BRAIN_PLANES)[number];

/** The `Operator` values. Op. 1 and Op. 2 used only Voluson E6; Op. 3 only Aloka. */
export const OPERATORS = ['Op. 1', 'Op. 2', 'Op. 3', 'Other'] as const;
export type Operator = (typeof OPERATORS)[number];

/** The `US_Machine` values. */
export const US_MACHINES = ['Voluson E6', 'Aloka', 'Voluson S10', 'Other'] as const;
export type UsMachine = (typeof US_MACHINES)[number];

/** The official patient-disjoint split: the CSV's `Train ` column, `1` → train, `0` → test. */
export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/**
 * `PlaneN` in an image name encodes the plane one to one. Index = N.
 * 1 Other, 2 Fetal abdomen, 3 Fetal brain, 4 Maternal cervix, 5 Fetal femur, 6 Fetal thorax.
 */
export const PLANE_BY_NUMBER: Readonly<Record<number, Plane>> = {
  1: 'Other',
  2: 'Fetal abdomen',
  3: 'Fetal brain',
  4: 'Maternal cervix',
  5: 'Fetal femur',
  6: 'Fetal thorax',
};

/** The inverse of {@link PLANE_BY_NUMBER}. */
export const PLANE_NUMBER: Readonly<Record<Plane, number>> = {
  Other: 1,
  'Fetal abdomen': 2,
  'Fetal brain': 3,
  'Maternal cervix': 4,
  'Fetal femur': 5,
  'Fetal thorax': 6,
};

/** The CSV header, in file order, as the release writes it (note the trailing space of `Train `). */
export const CSV_HEADER = ['Image_name', 'Patient_num', 'Plane', 'Brain_plane', 'Operator', 'US_Machine', 'Train '] as const;

/** The CSV column names with surrounding whitespace removed, as parsers should compare them. */
export const CSV_COLUMNS = ['Image_name', 'Patient_num', 'Plane', 'Brain_plane', 'Operator', 'US_Machine', 'Train'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Highest patient number in the release. */
export const MAX_PATIENT_ID = 1792;
