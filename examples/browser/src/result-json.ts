import type { ImageFailure } from './engine.js';

/** What `<script type="application/json" id="fpdb-result">` holds: the page's state for scripts and tests. */
export interface PageResult {
  /** loading: a model is loading; running: scans are being classified; done: idle; error: the model failed to load. */
  status: 'loading' | 'running' | 'done' | 'error';
  /** The main checkpoint's folder URL (or the names of the files it was read from). */
  checkpoint: string | null;
  task: string | null;
  classes: readonly string[];
  brainCheckpoint: string | null;
  /** The tfjs backend, e.g. `wasm (SIMD)`. */
  backend: string;
  /** As `fpdb predict --json`: file, class, probability, probabilities per class; plus `brain` when predicted. */
  predictions: unknown[];
  /** Files (and checkpoints) that failed, with the FpdbError code and message. */
  errors: ImageFailure[];
}

/** Writes the page's state into `#fpdb-result` (textContent: no HTML is parsed, whatever the file names). */
export function publishResult(result: PageResult): void {
  const node = document.getElementById('fpdb-result');
  if (node) node.textContent = JSON.stringify(result);
}
