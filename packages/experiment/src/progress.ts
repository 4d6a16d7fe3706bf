/** Where progress is drawn: `process.stderr`, or anything with `write` (a test's collector). */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal: the bar is redrawn in place. */
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is counted, e.g. `images`. */
  label: string;
  total: number;
  /** Where to draw; default process.stderr. Drawn only when it is a TTY, or when `force` is set. */
  stream?: ProgressStream;
  /** Minimum milliseconds between redraws (default 100). */
  intervalMs?: number;
  force?: boolean;
}

/** A one-line progress bar with rate and ETA, redrawn in place on a terminal, silent elsewhere. */
export interface Progress {
  /** Sets the count done so far and an optional status text (loss, metrics…). */
  update(done: number, status?: string): void;
  /** Draws the final state and ends the line. */
  done(status?: string): void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/**
 * Creates a progress bar on stderr: `images  [#####-----]  512/1000  51%  120/s  ETA 00:04  status`.
 * On a non-TTY stream (CI logs, pipes) it prints nothing unless `force` is set, then one line per ~10%.
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? (process.stderr as ProgressOptions['stream'] & object);
  const tty = Boolean(stream.isTTY);
  const draw = tty || Boolean(options.force);
  const interval = options.intervalMs ?? 100;
  const start = Date.now();
  let last = 0;
  let lastDecile = -1;

  const render = (done: number, status = ''): string => {
    const total = Math.max(options.total, 1);
    const frac = Math.min(1, done / total);
    const elapsed = (Date.now() - start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (options.total - done) / rate : Number.POSITIVE_INFINITY;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    return `${options.label} [${bar}] ${done}/${options.total} ${Math.round(frac * 100)}% ${rate.toFixed(1)}/s ETA ${formatSeconds(eta)}${status ? `  ${status}` : ''}`;
  };

  return {
    update(done, status) {
      if (!draw) return;
      const now = Date.now();
      if (tty) {
        if (now - last < interval) return;
        last = now;
        const cols = stream.columns ?? 120;
        stream.write(`\r${render(done, status).slice(0, cols - 1)}\x1b[K`);
      } else {
        const decile = Math.floor((10 * done) / Math.max(options.total, 1));
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`${render(done, status)}\n`);
      }
    },
    done(status) {
      // A log already holding the 100% line needs it only again to add the final status.
      if (!draw || (!tty && lastDecile >= 10 && !status)) return;
      stream.write(`${tty ? '\r' : ''}${render(options.total, status)}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}
