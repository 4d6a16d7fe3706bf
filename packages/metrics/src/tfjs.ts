import { FpdbError } from '@fpdb/schema';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Plain-array predictions read from tensors, ready for every @fpdb/metrics function. */
export interface TensorPredictions {
  /** True class indices, length n. */
  yTrue: Int32Array;
  /** Flat row-major probabilities [n, K]. */
  yProb: Float32Array;
  /** K. */
  numClasses: number;
}

function labelsFrom(t: Tensor, values: ArrayLike<number>, name: string): Int32Array {
  if (t.rank === 1) return Int32Array.from(values, (v) => Math.round(v));
  if (t.rank === 2) {
    // One-hot (or soft) targets: the arg-max of each row, first maximum wins.
    const [n, k] = t.shape as [number, number];
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (values[i * k + j]! > values[i * k + best]!) best = j;
      out[i] = best;
    }
    return out;
  }
  throw new FpdbError('FPDB_SHAPE', `${name} has shape [${t.shape.join(', ')}]; expected [n] class indices or [n, K] one-hot rows.`, {
    details: { argument: name, shape: t.shape },
  });
}

function checkProb(t: Tensor): number {
  if (t.rank !== 2) {
    throw new FpdbError('FPDB_SHAPE', `yProb has shape [${t.shape.join(', ')}]; expected [n, K] softmax probabilities.`, {
      details: { argument: 'yProb', shape: t.shape },
    });
  }
  return t.shape[1]!;
}

function checkPair(yTrue: Tensor, yProb: Tensor): void {
  if (yTrue.shape[0] !== yProb.shape[0]) {
    throw new FpdbError('FPDB_LENGTH_MISMATCH', `yTrue has ${yTrue.shape[0]} rows but yProb has ${yProb.shape[0]}; pass one row per sample in both.`, {
      details: { yTrue: yTrue.shape[0], yProb: yProb.shape[0] },
    });
  }
}

/**
 * Reads labels ([n] indices or [n, K] one-hot) and probabilities [n, K] from tensors into plain typed
 * arrays, without creating tensors; the caller keeps ownership of (and disposes) its tensors.
 * Uses `data()`, so GPU backends are not blocked.
 * @throws FpdbError FPDB_SHAPE (ranks), FPDB_LENGTH_MISMATCH (row counts)
 * @example
 * const { yTrue, yProb, numClasses } = await readPredictions(labels, model.predict(x) as tf.Tensor2D);
 * const report = evaluationReport({ yTrue, yProb, numClasses });
 */
export async function readPredictions(yTrue: Tensor, yProb: Tensor): Promise<TensorPredictions> {
  const k = checkProb(yProb);
  checkPair(yTrue, yProb);
  const [t, p] = await Promise.all([yTrue.data(), yProb.data()]);
  return { yTrue: labelsFrom(yTrue, t as ArrayLike<number>, 'yTrue'), yProb: Float32Array.from(p as ArrayLike<number>), numClasses: k };
}

/**
 * Synchronous {@link readPredictions} (`dataSync`): fine on the cpu and wasm backends.
 * @throws FpdbError FPDB_SHAPE, FPDB_LENGTH_MISMATCH
 * @example const { yTrue, yProb, numClasses } = readPredictionsSync(labels, probs);
 */
export function readPredictionsSync(yTrue: Tensor, yProb: Tensor): TensorPredictions {
  const k = checkProb(yProb);
  checkPair(yTrue, yProb);
  return {
    yTrue: labelsFrom(yTrue, yTrue.dataSync() as ArrayLike<number>, 'yTrue'),
    yProb: Float32Array.from(yProb.dataSync() as ArrayLike<number>),
    numClasses: k,
  };
}

/**
 * Class indices from a tensor ([n] indices or [n, K] one-hot/probabilities → arg-max), without creating tensors.
 * @throws FpdbError FPDB_SHAPE for other ranks
 * @example const yPred = tensorToLabels(probs); // arg-max per row
 */
export function tensorToLabels(t: Tensor): Int32Array {
  return labelsFrom(t, t.dataSync() as ArrayLike<number>, 'tensor');
}
