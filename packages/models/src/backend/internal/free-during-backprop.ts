import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-core's tape node (engine.ts) this file reads. */
interface TapeNode {
  inputs: Record<string, tf.Tensor>;
  saved?: tf.Tensor[];
  gradient?: (dys: tf.Tensor[]) => Record<string, () => tf.Tensor>;
}

/** The parts of tfjs-core's Engine this file patches and reads. */
interface EngineInternals {
  addTapeNode(...args: unknown[]): void;
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  [FREES]?: true;
}

const FREES = Symbol.for('fpdb.freeDuringBackprop');
/** Gradients that backprop made (what a node's input-gradient closure returned): only these are freed. */
const madeByBackprop = new WeakSet<tf.Tensor>();

/**
 * Frees, during a first-order backprop, what a tape node no longer needs once every input gradient it
 * owes has been computed: the tensors it saved for backprop and the gradients of its outputs (each
 * output is produced by this node only, so its gradient has no other reader). tfjs-core keeps both
 * until the whole backward pass ends, so a training step's peak heap held every activation AND every
 * activation's gradient at once (DenseNet-121 224²: ~365 MB an image). The engine's own end-of-pass
 * dispose then finds them disposed (a no-op). Higher-order gradients (gradientDepth > 0) reuse the
 * tape and are left alone, as are gradients the caller passed in (only tensors returned by a node's
 * gradient closures are freed). Patches the engine instance once; idempotent.
 */
export function freeDuringBackprop(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine[FREES]) return;
  engine[FREES] = true;
  const addTapeNode = engine.addTapeNode;
  engine.addTapeNode = function (this: EngineInternals, ...args: unknown[]): void {
    addTapeNode.apply(this, args);
    const tape = this.state.activeTape;
    const node = tape?.[tape.length - 1];
    const gradient = node?.gradient;
    if (node === undefined || gradient === undefined) return;
    node.gradient = function (this: TapeNode | undefined, dys: tf.Tensor[]): Record<string, () => tf.Tensor> {
      const closures = gradient(dys);
      // Backprop calls this on the pruned copy of the node: its `inputs` are the gradients it will ask for.
      const wanted = Object.keys((this ?? node).inputs).filter((name) => name in closures);
      if (engine.state.gradientDepth !== 0 || wanted.length === 0) return closures;
      let left = wanted.length;
      const results: tf.Tensor[] = [];
      const release = (): void => {
        for (const t of node.saved ?? []) t.dispose();
        for (const dy of dys) {
          if (dy != null && madeByBackprop.has(dy) && !results.includes(dy)) dy.dispose();
        }
      };
      const wrapped: Record<string, () => tf.Tensor> = { ...closures };
      for (const name of wanted) {
        const run = closures[name]!;
        wrapped[name] = () => {
          let dx = run();
          // A closure that hands out the same tensor for two inputs (a custom gradient may) gives each
          // input its own tensor object over the shared data, so the first consumer's free spares the other.
          if (results.includes(dx)) dx = dx.clone();
          madeByBackprop.add(dx);
          results.push(dx);
          if (--left === 0) release();
          return dx;
        };
      }
      return wrapped;
    };
  };
}
