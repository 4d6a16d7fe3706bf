import * as tf from '@tensorflow/tfjs-core';
import type { BatchStream } from '@fpdb/loader';
import type { Model } from '@fpdb/models';
import type { FpdbRecord } from '@fpdb/schema';

/** Softmax probabilities of every image of a (non-shuffled) stream, with the labels and records. */
export interface DatasetPredictions {
  /** Row-major [N, K]. */
  probabilities: Float32Array;
  labels: Int32Array;
  records: FpdbRecord[];
  numClasses: number;
}

/** Runs `model` in inference mode over one epoch of `stream`, batch by batch, leaking no tensor. */
export async function predictDataset(model: Model, stream: BatchStream): Promise<DatasetPredictions> {
  const k = model.config.numClasses;
  const probs: Float32Array[] = [];
  const labels: number[] = [];
  const records: FpdbRecord[] = [];
  for await (const batch of stream.epoch(0)) {
    const p = tf.tidy(() => tf.softmax(model.apply(tf.tensor4d(batch.images, [batch.batchSize, batch.height, batch.width, 1]), { training: false })));
    probs.push((await p.data()) as Float32Array);
    p.dispose();
    for (const l of batch.labels) labels.push(l);
    records.push(...batch.records);
  }
  const probabilities = new Float32Array(labels.length * k);
  let offset = 0;
  for (const p of probs) {
    probabilities.set(p, offset);
    offset += p.length;
  }
  return { probabilities, labels: Int32Array.from(labels), records, numClasses: k };
}
