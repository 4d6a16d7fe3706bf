import { createProgress, type Progress, type ProgressStream } from './progress.js';
import type { ExperimentEvent } from './run-experiment.js';

/**
 * Turns experiment events into what a person watching sees on stderr: phase lines, progress bars for
 * synthesis, caching and each epoch (batch, ETA, loss), and a line per epoch with its metrics.
 * Progress bars are drawn on a terminal, or every ~10% in logs (`force`).
 */
export function experimentReporter(stderr: ProgressStream): (e: ExperimentEvent) => void {
  let bar: Progress | undefined;
  let barKey = '';
  let lossSum = 0;
  let lossCount = 0;
  const open = (key: string, label: string, total: number): Progress => {
    if (bar && barKey === key) return bar;
    bar = createProgress({ label, total, stream: stderr, force: true });
    barKey = key;
    return bar;
  };
  return (e) => {
    switch (e.kind) {
      case 'phase':
        stderr.write(`${e.message}\n`);
        break;
      case 'synth':
        open('synth', 'synth images', e.total).update(e.done);
        if (e.done === e.total) bar?.done();
        break;
      case 'cache':
        // A cache that is already complete reports once, at 100%: say so instead of drawing a bar.
        if (e.done === e.total && barKey !== `cache-${e.total}`) {
          stderr.write(`pixels: all ${e.total} images served from the cache\n`);
          break;
        }
        open(`cache-${e.total}`, 'decode+cache', e.total).update(e.done);
        if (e.done === e.total) bar?.done();
        break;
      case 'step': {
        if (e.step === 1) {
          lossSum = 0;
          lossCount = 0;
        }
        lossSum += e.loss;
        lossCount += 1;
        open(`epoch-${e.epoch}`, `epoch ${e.epoch + 1}/${e.epochs}`, e.steps).update(e.step, `loss ${(lossSum / lossCount).toFixed(4)}`);
        break;
      }
      case 'epoch': {
        const l = e.log;
        bar?.done(`loss ${l.loss.toFixed(4)}`);
        bar = undefined;
        const val = l.valMacroF1 === undefined ? '' : `  val loss ${l.valLoss?.toFixed(4)} acc ${l.valAccuracy?.toFixed(3)} macro-F1 ${l.valMacroF1.toFixed(3)}`;
        stderr.write(
          `epoch ${l.epoch + 1}/${e.epochs}: train loss ${l.loss.toFixed(4)} acc ${l.accuracy.toFixed(3)} macro-F1 ${l.macroF1.toFixed(3)}${val}  ${l.seconds.toFixed(1)} s${l.best ? '  ★ best' : ''}\n`,
        );
        break;
      }
    }
  };
}
