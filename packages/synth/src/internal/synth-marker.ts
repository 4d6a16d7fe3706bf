/** The marker file a synthetic dataset folder carries; its presence lets a later run replace the folder. */
export const SYNTH_MARKER_FILE = '.fpdb-synth.json';

/** What the marker file holds. No timestamps, so a folder's bytes depend only on the options. */
export interface SynthMarker {
  generator: '@fpdb/synth';
  format: 1;
  /** The renderer's version (`RENDERER_VERSION`); absent in folders from before it was recorded. */
  renderer?: number;
  seed: number;
  images: number;
  patients: number;
  size: { width: number; height: number } | null;
  /** False while writing (or after an interrupted run). */
  complete: boolean;
}
